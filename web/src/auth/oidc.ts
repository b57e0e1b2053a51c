/**
 * Sign-in with OIDC authorization code + PKCE (S256) against the issuer the API names at
 * `/v1/auth/login` (the development issuer in embedded mode, Keycloak in production). The callback
 * is `/auth/callback`; where the person wanted to go is remembered across the round trip.
 */
import { clearTokens, currentIdToken, storeTokens } from './session.js';

const pendingKey = 'vc-web-pending';

interface Discovery {
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly end_session_endpoint?: string;
}

async function issuer(): Promise<{ clientId: string; discovery: Discovery }> {
  const info = (await (await fetch('/v1/auth/login')).json()) as {
    oidc: { issuer: string; client_id: string };
  };
  const res = await fetch(`${info.oidc.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`the sign-in service cannot be reached (${res.status})`);
  return { clientId: info.oidc.client_id, discovery: (await res.json()) as Discovery };
}

function base64url(data: Uint8Array): string {
  let text = '';
  for (const byte of data) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

const callbackUri = (): string => `${location.origin}/auth/callback`;

/** Sends the browser to the issuer; after sign-in it comes back to `returnTo`. */
export async function signIn(returnTo: string): Promise<void> {
  const { clientId, discovery } = await issuer();
  const verifier = randomString();
  const state = randomString(16);
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem(pendingKey, JSON.stringify({ verifier, state, returnTo }));
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: callbackUri(),
    scope: 'openid profile email',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    ui_locales: document.documentElement.lang,
  }).toString();
  location.assign(url.toString());
}

/** At `/auth/callback`: trades the code for tokens; resolves with where to go next. */
export async function completeSignIn(search: string): Promise<string> {
  const params = new URLSearchParams(search);
  const pending = JSON.parse(sessionStorage.getItem(pendingKey) ?? 'null') as {
    verifier: string;
    state: string;
    returnTo: string;
  } | null;
  sessionStorage.removeItem(pendingKey);
  const error = params.get('error');
  if (error !== null) throw new Error(params.get('error_description') ?? error);
  const code = params.get('code');
  if (code === null || pending === null || pending.state !== params.get('state')) {
    throw new Error('the sign-in response does not belong to this tab');
  }
  const { clientId, discovery } = await issuer();
  const res = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: callbackUri(),
      client_id: clientId,
      code_verifier: pending.verifier,
    }),
  });
  const body = (await res.json()) as { access_token?: string; id_token?: string; error_description?: string };
  if (!res.ok || body.access_token === undefined) {
    throw new Error(body.error_description ?? `the token request failed (${res.status})`);
  }
  storeTokens(body.access_token, body.id_token);
  // Only paths of this app: a crafted state must not send the browser elsewhere.
  return pending.returnTo.startsWith('/') && !pending.returnTo.startsWith('//') ? pending.returnTo : '/';
}

/** Forgets the tokens and ends the issuer's session too (its logout page comes back here). */
export async function signOut(): Promise<void> {
  const idToken = currentIdToken();
  clearTokens();
  const { clientId, discovery } = await issuer().catch(() => ({ clientId: '', discovery: undefined }));
  if (discovery?.end_session_endpoint === undefined) {
    location.assign('/');
    return;
  }
  const url = new URL(discovery.end_session_endpoint);
  url.search = new URLSearchParams({
    client_id: clientId,
    post_logout_redirect_uri: `${location.origin}/`,
    ...(idToken === undefined ? {} : { id_token_hint: idToken }),
  }).toString();
  location.assign(url.toString());
}
