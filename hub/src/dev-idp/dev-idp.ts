import express, { type Router } from 'express';
import type { JSONWebKeySet, JWK } from 'jose';

import type { Logger } from '@vc/conference-core';

import { demoUserNamed, demoUserNames } from './demo-users.js';
import { interactionRoutes } from './interactions.js';
import {
  apiResourceIndicator,
  apiResourceServer,
  devTokenGrantType,
  providerConfiguration,
  webClientId,
} from './provider-config.js';
import type { OidcProvider, OidcProviderModule, ProviderContext } from './provider-types.js';
import {
  callInClientId,
  loadOrCreateState,
  publicKeySet,
  rotateSigningKey,
  tokenCliClientId,
  type DevIdpState,
} from './state-store.js';

export interface DevIdpStateOptions {
  /** Keys and secrets live in `<dataDir>/dev-idp/`. */
  readonly dataDir: string;
  /** The `vc-call-in` client's secret; unset: generated once and stored in the data folder. */
  readonly callInSecret?: string | undefined;
  /** Receives the library's own notices (debug) and unexpected errors. */
  readonly logger: Logger;
}

export interface DevIdpMountOptions {
  /** Where the realms live: the hub passes `<hub URL>/idp`, a standalone issuer its own origin. */
  readonly baseUrl: string;
  /** The realm name in `<baseUrl>/realms/<realm>`. */
  readonly realm: string;
  /** `aud` of every access token: the API's audience. */
  readonly audience: string;
  /** The web apps' URL: `vc-web` may redirect anywhere below it. */
  readonly appUrl: string;
  /** Lifetime of access tokens. Default one hour. */
  readonly accessTokenTtlSec?: number;
}

export interface DevIdp {
  /** `<baseUrl>/realms/<realm>`: the `iss` of its tokens. */
  readonly issuer: string;
  readonly realm: string;
  /** Serves `/realms/<realm>/...`; mount it at the path of `baseUrl`. */
  readonly router: Router;
  /** The public keys that currently verify its tokens, for an in-process verifier. */
  publicJwks(): JSONWebKeySet;
  /** The secret of one of its confidential clients (`vc-call-in`, `vc-dev-cli`). */
  clientSecret(clientId: typeof callInClientId | typeof tokenCliClientId): string;
  /** A new signing key signs from now on; the previous ones keep verifying. Persisted. */
  rotateSigningKey(): Promise<void>;
}

/** The issuer between loading its state (async, before the HTTP server listens) and knowing its URL. */
export interface PreparedDevIdp {
  mount(options: DevIdpMountOptions): DevIdp;
}

/**
 * Loads oidc-provider and the persisted keys and secrets; nothing listens yet. Split from
 * `mount` so the hub can do the slow part before it listens and mount synchronously once it
 * knows its own URL.
 */
export async function prepareDevIdp(options: DevIdpStateOptions): Promise<PreparedDevIdp> {
  const logger = options.logger;
  const [oidc, initialState] = await Promise.all([
    routeLibraryNotices(logger, () => import('oidc-provider')).then(toProviderModule),
    loadOrCreateState(options.dataDir, { callInSecret: options.callInSecret }),
  ]);
  return { mount: (mountOptions) => mountDevIdp(oidc, initialState, options, mountOptions) };
}

function mountDevIdp(
  oidc: OidcProviderModule,
  initialState: DevIdpState,
  stateOptions: DevIdpStateOptions,
  options: DevIdpMountOptions,
): DevIdp {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const issuer = `${baseUrl}/realms/${options.realm}`;
  const issuerPath = new URL(issuer).pathname;
  const accessTokenTtlSec = options.accessTokenTtlSec ?? 3600;
  let state = initialState;

  const build = (): { provider: OidcProvider; handle: ReturnType<OidcProvider['callback']> } => {
    const configuration = providerConfiguration({
      issuer,
      issuerPath,
      audience: options.audience,
      appUrl: options.appUrl,
      state,
      accessTokenTtlSec,
      invalidTarget: oidc.errors.InvalidTarget,
    });
    const provider = routeLibraryNotices(stateOptions.logger, () => new oidc.Provider(issuer, configuration));
    // Behind a TLS proxy, endpoint URLs must use the scheme and host the client used.
    provider.proxy = true;
    allowRedirectsBelow(provider, options.appUrl);
    provider.registerGrantType(devTokenGrantType, devTokenGrant(provider, oidc, options, accessTokenTtlSec), [
      'username',
      'tenant',
    ]);
    provider.on('server_error', (_ctx, err) => {
      stateOptions.logger.error({ err }, 'development issuer failed to answer a request');
    });
    return { provider, handle: provider.callback() };
  };

  let current = build();
  const router = express.Router();
  const realmPath = `/realms/${options.realm}`;
  router.use(
    realmPath,
    interactionRoutes(() => current.provider),
  );
  router.use(realmPath, (req, res) => current.handle(req, res));

  return {
    issuer,
    realm: options.realm,
    router,
    publicJwks: () => publicKeySet(state.signingKeys),
    clientSecret: (clientId) => state.clientSecrets[clientId],
    async rotateSigningKey() {
      const signingKeys: readonly JWK[] = await rotateSigningKey(stateOptions.dataDir);
      state = { ...state, signingKeys };
      // oidc-provider reads its keys once; a new instance takes the new set. In-flight sign-ins
      // started on the old instance have to be restarted, which is fine for a development issuer.
      current = build();
    },
  };
}

/**
 * `vc-web` may use any redirect URI below the app URL (the hub's own pages come and go);
 * oidc-provider itself only knows exact matches.
 */
function allowRedirectsBelow(provider: OidcProvider, appUrl: string): void {
  const base = new URL(appUrl.endsWith('/') ? appUrl : `${appUrl}/`);
  const below = (uri: string): boolean => {
    const url = URL.parse(uri);
    return (
      url !== null && url.hash === '' && url.origin === base.origin && url.pathname.startsWith(base.pathname)
    );
  };
  const prototype = provider.Client.prototype;
  const exactRedirect = prototype.redirectUriAllowed;
  const exactLogout = prototype.postLogoutRedirectUriAllowed;
  prototype.redirectUriAllowed = function redirectUriAllowed(uri) {
    return exactRedirect.call(this, uri) || (this.clientId === webClientId && below(uri));
  };
  prototype.postLogoutRedirectUriAllowed = function postLogoutRedirectUriAllowed(uri) {
    return exactLogout.call(this, uri) || (this.clientId === webClientId && below(uri));
  };
}

const tenantPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * The token endpoint grant behind `npm run token`: the `vc-dev-cli` client (its secret is in the
 * data folder, so only someone who can read that folder can use it) names a demo user and gets
 * that user's access token, as a sign-in through the browser would give.
 */
function devTokenGrant(
  provider: OidcProvider,
  oidc: OidcProviderModule,
  options: DevIdpMountOptions,
  accessTokenTtlSec: number,
): (ctx: ProviderContext) => Promise<void> {
  const resource = apiResourceIndicator(options.audience);
  const resourceServer = apiResourceServer({ audience: options.audience, accessTokenTtlSec });
  const scope = 'openid profile email phone';
  return async (ctx) => {
    const { username, tenant } = ctx.oidc.params;
    if (typeof username !== 'string' || username === '') {
      throw new oidc.errors.InvalidRequest('missing required parameter "username"');
    }
    const user = demoUserNamed(username);
    if (user === undefined) {
      throw new oidc.errors.CustomOIDCProviderError(
        'invalid_grant',
        `unknown demo user "${username}"; demo users: ${demoUserNames.join(', ')}`,
      );
    }
    if (tenant !== undefined && (typeof tenant !== 'string' || !tenantPattern.test(tenant))) {
      throw new oidc.errors.InvalidRequest('"tenant" must be a lowercase slug (letters, digits, dashes)');
    }
    const grant = new provider.Grant({ accountId: user.subject, clientId: ctx.oidc.client.clientId });
    grant.addOIDCScope(scope);
    grant.addResourceScope(resource, scope);
    const grantId = await grant.save();
    const token = new provider.AccessToken({
      accountId: user.subject,
      client: ctx.oidc.client,
      grantId,
      gty: devTokenGrantType,
      scope,
    });
    token.resourceServer = new provider.ResourceServer(resource, resourceServer);
    const accessToken = await token.save();
    ctx.body = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: token.expiration,
      scope: token.scope,
    };
  };
}

function toProviderModule(module: { default: unknown; errors: unknown }): OidcProviderModule {
  return { Provider: module.default, errors: module.errors } as OidcProviderModule;
}

/**
 * oidc-provider writes notices straight to the console: on import (it wants Node 22; 20 works,
 * see CONVENTIONS.md) and on construction (the in-memory store, which is right for a development
 * issuer). Those lines would break the JSON log stream, so while the library loads and
 * constructs they go to the logger at debug level instead.
 */
function routeLibraryNotices<T>(logger: Logger, action: () => T): T {
  /* eslint-disable no-console -- the one place that catches a library's console output */
  const { warn, info } = console;
  const toLogger = (...args: unknown[]): void => {
    logger.debug({ library: 'oidc-provider' }, args.map(String).join(' '));
  };
  console.warn = toLogger;
  console.info = toLogger;
  const restore = (): void => {
    console.warn = warn;
    console.info = info;
  };
  /* eslint-enable no-console */
  try {
    const result = action();
    if (result instanceof Promise) return result.finally(restore) as T;
    restore();
    return result;
  } catch (err) {
    restore();
    throw err;
  }
}

export { callInClientId, tokenCliClientId, webClientId };
