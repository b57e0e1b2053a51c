/**
 * Sign-in with OIDC authorization code + PKCE (S256) against the issuer the API names at
 * `/v1/auth/login` (the development issuer in embedded mode, Keycloak in production). The access
 * token lives in sessionStorage only, for this tab.
 */

const TOKEN_KEY = 'vc-admin-token';
const PENDING_KEY = 'vc-admin-pending';

interface Discovery {
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly end_session_endpoint?: string;
}

interface LoginInfo {
  readonly oidc: { readonly issuer: string; readonly client_id: string };
}

async function loginInfo(): Promise<{ clientId: string; discovery: Discovery }> {
  const info = (await (await fetch('/v1/auth/login')).json()) as LoginInfo;
  const discovery = (await (
    await fetch(`${info.oidc.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`)
  ).json()) as Discovery;
  return { clientId: info.oidc.client_id, discovery };
}

function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64url(data: Uint8Array): string {
  let text = '';
  for (const byte of data) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function redirectUri(): string {
  return `${location.origin}${location.pathname.replace(/[^/]*$/, '')}`;
}

export function currentToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export async function signIn(): Promise<void> {
  const { clientId, discovery } = await loginInfo();
  const verifier = randomString();
  const state = randomString(16);
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state }));
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri(),
    scope: 'openid profile email',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
  }).toString();
  location.assign(url.toString());
}

/** On return from the issuer: trades the code for a token. Returns whether a callback was handled. */
export async function completeSignIn(): Promise<boolean> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (code === null && error === null) return false;
  history.replaceState(null, '', redirectUri());
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as {
    verifier: string;
    state: string;
  } | null;
  sessionStorage.removeItem(PENDING_KEY);
  if (error !== null) throw new Error(params.get('error_description') ?? error);
  if (pending === null || pending.state !== params.get('state'))
    throw new Error('the sign-in response does not match this tab');
  const { clientId, discovery } = await loginInfo();
  const res = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: code ?? '',
      redirect_uri: redirectUri(),
      client_id: clientId,
      code_verifier: pending.verifier,
    }),
  });
  const body = (await res.json()) as { access_token?: string; error_description?: string };
  if (!res.ok || body.access_token === undefined)
    throw new Error(body.error_description ?? `token request failed (${res.status})`);
  sessionStorage.setItem(TOKEN_KEY, body.access_token);
  return true;
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  location.assign(redirectUri());
}
