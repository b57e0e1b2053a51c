/**
 * Our OIDC issuer, as the API names it at `/v1/auth/login` (the development issuer in embedded
 * mode, Keycloak in production): authorization code + PKCE (S256) for the Office dialog, and the
 * device authorization grant where the issuer offers it (the fallback when a dialog cannot open).
 */

export interface Issuer {
  readonly clientId: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly deviceAuthorizationEndpoint: string | undefined;
}

export interface TokenSet {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

export class SignInError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'SignInError';
    this.code = code;
  }
}

export const scopes = 'openid profile email offline_access';

export async function discoverIssuer(publicUrl: string, doFetch: typeof fetch = fetch): Promise<Issuer> {
  const login = await doFetch(`${publicUrl}/v1/auth/login`);
  if (!login.ok)
    throw new SignInError('discovery', `the server does not say how to sign in (${login.status})`);
  const info = (await login.json()) as { oidc: { issuer: string; client_id: string } };
  const res = await doFetch(`${info.oidc.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!res.ok) throw new SignInError('discovery', `the sign-in service cannot be reached (${res.status})`);
  const meta = (await res.json()) as {
    authorization_endpoint: string;
    token_endpoint: string;
    device_authorization_endpoint?: string;
  };
  return {
    clientId: info.oidc.client_id,
    authorizationEndpoint: meta.authorization_endpoint,
    tokenEndpoint: meta.token_endpoint,
    deviceAuthorizationEndpoint: meta.device_authorization_endpoint,
  };
}

function base64url(data: Uint8Array): string {
  let text = '';
  for (const byte of data) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function pkceChallenge(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

export async function authorizationUrl(
  issuer: Issuer,
  params: { redirectUri: string; verifier: string; state: string; locale: string },
): Promise<string> {
  const url = new URL(issuer.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: issuer.clientId,
    redirect_uri: params.redirectUri,
    scope: scopes,
    // offline_access is only granted with consent (OIDC Core 11); the issuer may skip the screen.
    prompt: 'consent',
    code_challenge: await pkceChallenge(params.verifier),
    code_challenge_method: 'S256',
    state: params.state,
    ui_locales: params.locale,
  }).toString();
  return url.toString();
}

async function tokenRequest(
  issuer: Issuer,
  body: Record<string, string>,
  doFetch: typeof fetch,
  now: () => number,
): Promise<TokenSet> {
  const res = await doFetch(issuer.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: issuer.clientId, ...body }),
  });
  const json = (await res.json().catch(() => ({}))) as {
    access_token?: string;
    refresh_token?: string;
    expires_in?: number;
    error?: string;
    error_description?: string;
  };
  if (!res.ok || json.access_token === undefined) {
    throw new SignInError(
      json.error ?? 'token',
      json.error_description ?? `the token request failed (${res.status})`,
    );
  }
  return {
    accessToken: json.access_token,
    refreshToken: json.refresh_token,
    expiresAt: now() + (json.expires_in ?? 300) * 1000,
  };
}

export function exchangeCode(
  issuer: Issuer,
  params: { code: string; redirectUri: string; verifier: string },
  doFetch: typeof fetch = fetch,
  now: () => number = Date.now,
): Promise<TokenSet> {
  return tokenRequest(
    issuer,
    {
      grant_type: 'authorization_code',
      code: params.code,
      redirect_uri: params.redirectUri,
      code_verifier: params.verifier,
    },
    doFetch,
    now,
  );
}

export function refreshTokens(
  issuer: Issuer,
  refreshToken: string,
  doFetch: typeof fetch = fetch,
  now: () => number = Date.now,
): Promise<TokenSet> {
  return tokenRequest(issuer, { grant_type: 'refresh_token', refresh_token: refreshToken }, doFetch, now);
}

export interface DeviceAuthorization {
  readonly userCode: string;
  readonly verificationUri: string;
  readonly verificationUriComplete: string | undefined;
  /** Resolves with tokens once the person confirmed the code elsewhere. */
  readonly tokens: Promise<TokenSet>;
}

/**
 * The device grant (RFC 8628): shows a code the person enters on another device or tab, and polls
 * the token endpoint at the interval the issuer asks for, slowing down when told to.
 */
export async function startDeviceFlow(
  issuer: Issuer,
  options: { signal?: AbortSignal; doFetch?: typeof fetch; now?: () => number } = {},
): Promise<DeviceAuthorization> {
  const doFetch = options.doFetch ?? fetch;
  const now = options.now ?? Date.now;
  if (issuer.deviceAuthorizationEndpoint === undefined) {
    throw new SignInError('device_flow_unavailable', 'the sign-in service does not offer device sign-in');
  }
  const res = await doFetch(issuer.deviceAuthorizationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: issuer.clientId, scope: scopes }),
  });
  const start = (await res.json().catch(() => ({}))) as {
    device_code?: string;
    user_code?: string;
    verification_uri?: string;
    verification_uri_complete?: string;
    interval?: number;
    expires_in?: number;
    error_description?: string;
  };
  if (
    !res.ok ||
    start.device_code === undefined ||
    start.user_code === undefined ||
    start.verification_uri === undefined
  ) {
    throw new SignInError(
      'device_flow',
      start.error_description ?? `device sign-in could not start (${res.status})`,
    );
  }
  const deviceCode = start.device_code;
  const deadline = now() + (start.expires_in ?? 600) * 1000;
  const poll = async (): Promise<TokenSet> => {
    let interval = (start.interval ?? 5) * 1000;
    for (;;) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, interval);
        options.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new SignInError('aborted', 'sign-in was cancelled'));
        });
      });
      if (now() > deadline) throw new SignInError('expired_token', 'the sign-in code expired; start again');
      try {
        return await tokenRequest(
          issuer,
          { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: deviceCode },
          doFetch,
          now,
        );
      } catch (error) {
        if (!(error instanceof SignInError)) throw error;
        if (error.code === 'slow_down') interval += 5000;
        else if (error.code !== 'authorization_pending') throw error;
      }
    }
  };
  return {
    userCode: start.user_code,
    verificationUri: start.verification_uri,
    verificationUriComplete: start.verification_uri_complete,
    tokens: poll(),
  };
}
