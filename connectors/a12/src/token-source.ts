import { createHash } from 'node:crypto';

import { ConnectorError, type ConnectorContext } from '@vc/connector-sdk';

import { httpError, unreachable } from './http-retry.js';
import type { A12Settings } from './settings.js';

/** Renew a token this long before it expires, so a request never leaves with a dying one. */
const EXPIRY_MARGIN_MS = 30_000;

export interface TokenSource {
  /** A bearer token, from the cache while it is valid. */
  get(): Promise<string>;
  /** Drops the cached token (the server answered 401: revoked, or the clocks disagree). */
  invalidate(): void;
}

type Ctx = Pick<ConnectorContext<A12Settings>, 'settings' | 'fetch' | 'signal' | 'clock'>;

/**
 * Tokens by client (token URL, client id, secret hash), shared by every call of the process: the
 * hub calls the connector per poll and per write-back, and each would otherwise ask for a token.
 */
const tokenCache = new Map<string, { token: string; expiresAt: number }>();
const pendingRequests = new Map<string, Promise<string>>();

/** OAuth2 client credentials against A12 UAA or Keycloak, cached until shortly before expiry. */
export function clientCredentials(ctx: Ctx): TokenSource {
  const key = createHash('sha256')
    .update(
      JSON.stringify([
        ctx.settings.tokenUrl,
        ctx.settings.clientId,
        ctx.settings.clientSecret,
        ctx.settings.scope ?? '',
      ]),
    )
    .digest('hex');

  const fetchToken = async (): Promise<string> => {
    const { settings } = ctx;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (settings.scope !== undefined && settings.scope !== '') form.set('scope', settings.scope);
    const basic = Buffer.from(
      `${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret)}`,
    ).toString('base64');
    let response: Response;
    try {
      response = await ctx.fetch(settings.tokenUrl, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
        signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(settings.timeoutMs)]),
      });
    } catch (err) {
      throw unreachable('the token endpoint', err, ctx.signal);
    }
    const text = await response.text();
    // OAuth2 reports a wrong client as 400 invalid_client or 401: either way the credentials.
    if (response.status === 400 || response.status === 401) {
      throw new ConnectorError(
        'auth_failed',
        `the token endpoint refused the client credentials: ${text.slice(0, 200)}`,
      );
    }
    if (!response.ok) throw httpError('the token endpoint', response, text, ctx.clock.now());
    let body: { access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch (err) {
      throw new ConnectorError('invalid_data', 'the token endpoint answered something other than JSON', {
        cause: err,
      });
    }
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new ConnectorError('invalid_data', 'the token endpoint answered without an access_token');
    }
    const lifetimeMs = typeof body.expires_in === 'number' ? body.expires_in * 1000 : 60_000;
    tokenCache.set(key, {
      token: body.access_token,
      expiresAt: ctx.clock.now().getTime() + lifetimeMs - Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 4),
    });
    return body.access_token;
  };

  return {
    async get() {
      const cached = tokenCache.get(key);
      if (cached !== undefined && cached.expiresAt > ctx.clock.now().getTime()) return cached.token;
      // Concurrent callers share one token request.
      let pending = pendingRequests.get(key);
      if (pending === undefined) {
        pending = fetchToken().finally(() => pendingRequests.delete(key));
        pendingRequests.set(key, pending);
      }
      return pending;
    },
    invalidate() {
      tokenCache.delete(key);
    },
  };
}
