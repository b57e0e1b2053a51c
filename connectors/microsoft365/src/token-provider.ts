import { createHash } from 'node:crypto';

import { ConfidentialClientApplication, type INetworkModule, type NetworkResponse } from '@azure/msal-node';
import { ConnectorError } from '@vc/connector-sdk';

import type { Microsoft365Settings } from './settings.js';

/**
 * Where Graph calls get their bearer token. The Graph client depends on this alone, so the way a
 * token is obtained (msal-node today) can change without touching sync code.
 */
export interface TokenProvider {
  /** A valid app-only token for Graph, from cache when one is still good. */
  token(signal: AbortSignal): Promise<string>;
  /** Graph rejected the last token (expired, revoked): the next `token` call fetches a new one. */
  invalidate(): void;
}

const graphScope = (graphUrl: string) => `${graphUrl}/.default`;

/**
 * msal-node's network layer, limited to the token endpoint we configured. msal would otherwise
 * ask login.microsoftonline.com for instance discovery; we hand it the metadata instead, and this
 * module refuses every other URL so a misconfiguration fails loudly instead of leaving loopback.
 */
function tokenEndpointOnly(
  tokenEndpoint: string,
  fetchImpl: typeof fetch,
  timeoutMs: number,
): INetworkModule {
  const send = async <T>(
    method: 'GET' | 'POST',
    url: string,
    options?: { headers?: Record<string, string>; body?: string },
  ): Promise<NetworkResponse<T>> => {
    if (url.split('?')[0] !== tokenEndpoint) {
      throw new ConnectorError(
        'invalid_settings',
        `msal-node asked for ${url}, which is not the token endpoint`,
      );
    }
    const response = await fetchImpl(url, {
      method,
      ...(options?.headers !== undefined && { headers: options.headers }),
      ...(options?.body !== undefined && { body: options.body }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => (headers[key] = value));
    const text = await response.text();
    let body: unknown = {};
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      body = { error: 'invalid_response', error_description: text.slice(0, 200) };
    }
    return { headers, body: body as T, status: response.status };
  };
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}

/** Client credentials through msal-node (secret or certificate), with its token cache. */
export function msalTokenProvider(settings: Microsoft365Settings, fetchImpl: typeof fetch): TokenProvider {
  const authorityBase = `${settings.authorityHost}/${settings.tenantId}`;
  const tokenEndpoint = `${authorityBase}/oauth2/v2.0/token`;
  // msal insists on an https authority; it is an identifier here, since every request goes to the
  // token endpoint from the metadata below (the same URL for a real tenant).
  const authority = authorityBase.replace(/^http:/, 'https:');
  const host = new URL(authority).host;
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: settings.clientId,
      authority,
      knownAuthorities: [host],
      authorityMetadata: JSON.stringify({
        token_endpoint: tokenEndpoint,
        issuer: `${authority}/v2.0`,
        authorization_endpoint: `${authorityBase}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${authorityBase}/oauth2/v2.0/logout`,
        jwks_uri: `${authorityBase}/discovery/v2.0/keys`,
      }),
      cloudDiscoveryMetadata: JSON.stringify({
        tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      }),
      ...(settings.clientSecret !== undefined
        ? { clientSecret: settings.clientSecret }
        : {
            clientCertificate: {
              thumbprintSha256: settings.certificateThumbprint ?? '',
              privateKey: settings.certificatePrivateKey ?? '',
            },
          }),
    },
    system: { networkClient: tokenEndpointOnly(tokenEndpoint, fetchImpl, settings.timeoutMs) },
  });
  let forceRefresh = false;
  return {
    async token(signal) {
      signal.throwIfAborted();
      try {
        const result = await app.acquireTokenByClientCredential({
          scopes: [graphScope(settings.graphUrl)],
          skipCache: forceRefresh,
        });
        forceRefresh = false;
        if (result === null || result.accessToken === '') {
          throw new ConnectorError('auth_failed', 'the token endpoint returned no access token');
        }
        return result.accessToken;
      } catch (err) {
        throw translateTokenError(err);
      }
    },
    invalidate() {
      forceRefresh = true;
    },
  };
}

/** msal's errors carry the OAuth `error` code; map them onto the connector error family. */
function translateTokenError(err: unknown): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = err as { errorCode?: string; errorMessage?: string; message?: string; status?: number };
  const code = e.errorCode ?? '';
  const message = `token request failed: ${code} ${e.errorMessage ?? e.message ?? ''}`.trim();
  if (['invalid_client', 'unauthorized_client', 'invalid_grant', 'invalid_request'].includes(code)) {
    return new ConnectorError('auth_failed', message, { cause: err });
  }
  if (code === 'temporarily_unavailable' || code === '429' || e.status === 429) {
    return new ConnectorError('rate_limited', message, { cause: err });
  }
  // Network failures (refused, timeout) and 5xx from the token endpoint.
  return new ConnectorError('upstream_unavailable', message, { cause: err });
}

/**
 * One provider per credentials, kept across runs: msal's cache then spares a token request per
 * run (a notification-driven run must not wait for one). Keyed by a hash, never the secret itself.
 */
const providers = new Map<string, TokenProvider>();

export function sharedTokenProvider(settings: Microsoft365Settings, fetchImpl: typeof fetch): TokenProvider {
  const key = createHash('sha256')
    .update(
      JSON.stringify([
        settings.authorityHost,
        settings.tenantId,
        settings.clientId,
        settings.clientSecret ?? '',
        settings.certificatePrivateKey ?? '',
        settings.graphUrl,
      ]),
    )
    .digest('hex');
  let provider = providers.get(key);
  if (provider === undefined) {
    if (providers.size >= 100) providers.clear();
    provider = msalTokenProvider(settings, fetchImpl);
    providers.set(key, provider);
  }
  return provider;
}
