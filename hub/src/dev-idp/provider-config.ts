import type { JWK } from 'jose';

import { demoUserBySubject, type DemoUser } from './demo-users.js';
import { pageHeaders, renderErrorPage } from './login-page.js';
import type { IssuedToken, ProviderContext, ResourceServerInfo } from './provider-types.js';
import { callInClientId, tokenCliClientId, type DevIdpState } from './state-store.js';

/** The public client of the web apps (dashboard, conference client, add-in): code + PKCE. */
export const webClientId = 'vc-web';

/** A grant only this issuer knows, for `npm run token`: a demo user's token without a browser. */
export const devTokenGrantType = 'urn:vc-hub:params:oauth:grant-type:dev-token';

/** Keycloak's endpoint paths below the realm, so clients written for Keycloak find them. */
export const keycloakRoutes = {
  authorization: '/protocol/openid-connect/auth',
  token: '/protocol/openid-connect/token',
  jwks: '/protocol/openid-connect/certs',
  userinfo: '/protocol/openid-connect/userinfo',
  end_session: '/protocol/openid-connect/logout',
  pushed_authorization_request: '/protocol/openid-connect/ext/par/request',
  revocation: '/protocol/openid-connect/revoke',
  introspection: '/protocol/openid-connect/token/introspect',
  device_authorization: '/protocol/openid-connect/auth/device',
  backchannel_authentication: '/protocol/openid-connect/ext/ciba/auth',
  registration: '/clients-registrations/openid-connect',
} as const;

/** Realm roles of the service clients, as Keycloak would put them in `realm_access.roles`. */
const serviceClientRoles: Readonly<Record<string, readonly string[]>> = { [callInClientId]: ['call-in'] };

/** Scopes the API's tokens may carry; as in Keycloak, the OIDC scopes appear in the access token. */
const apiScopes = 'openid profile email phone';

export interface ProviderConfigOptions {
  readonly issuer: string;
  /** Path of the issuer on the server it is mounted in (`/idp/realms/vc`); the login pages live below it. */
  readonly issuerPath: string;
  readonly audience: string;
  /** The web apps' origin and base path: `vc-web` may redirect anywhere below it. */
  readonly appUrl: string;
  readonly state: DevIdpState;
  readonly accessTokenTtlSec: number;
  readonly invalidTarget: new (description?: string) => Error;
}

/**
 * oidc-provider wants an absolute URI as resource indicator (RFC 8707); the audience is often a
 * bare name (`vc-api`), so the indicator is derived from it and the audience set explicitly.
 */
export function apiResourceIndicator(audience: string): string {
  return URL.canParse(audience) ? audience : 'urn:vc-hub:resource:api';
}

export function apiResourceServer(
  options: Pick<ProviderConfigOptions, 'audience' | 'accessTokenTtlSec'>,
): ResourceServerInfo {
  return {
    scope: apiScopes,
    audience: options.audience,
    accessTokenFormat: 'jwt',
    accessTokenTTL: options.accessTokenTtlSec,
    jwt: { sign: { alg: 'RS256' } },
  };
}

export function providerConfiguration(options: ProviderConfigOptions): Record<string, unknown> {
  const resource = apiResourceIndicator(options.audience);
  const resourceServer = apiResourceServer(options);
  const appOrigin = new URL(options.appUrl).origin;
  const ttl = options.accessTokenTtlSec;

  return {
    clients: [
      {
        client_id: webClientId,
        client_name: 'Video conferencing (web)',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        // The registered URI is a placeholder; any URI below the app URL is allowed (see dev-idp.ts).
        redirect_uris: [new URL('auth/callback', withSlash(options.appUrl)).href],
        post_logout_redirect_uris: [withSlash(options.appUrl)],
      },
      {
        client_id: callInClientId,
        client_secret: options.state.clientSecrets[callInClientId],
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
      {
        client_id: tokenCliClientId,
        client_secret: options.state.clientSecrets[tokenCliClientId],
        grant_types: [devTokenGrantType],
        response_types: [],
        redirect_uris: [],
      },
    ],
    jwks: { keys: options.state.signingKeys as JWK[] },
    cookies: {
      keys: [...options.state.cookieKeys],
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'phone'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      phone: ['phone_number'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username', 'locale', 'zoneinfo', 'groups'],
    },
    findAccount: (_ctx: unknown, subject: string) => {
      const user = demoUserBySubject(subject);
      if (user === undefined) return undefined;
      return { accountId: user.subject, claims: () => ({ sub: user.subject, ...profileClaims(user) }) };
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      userinfo: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        // Tokens for the API even when `openid` was asked for (oidc-provider's default would then
        // issue a token for the userinfo endpoint only). Keycloak behaves the same way.
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, indicator: string) => {
          if (indicator !== resource)
            throw new options.invalidTarget(`unknown resource; this issuer serves ${resource}`);
          return resourceServer;
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx: KoaContext, form: string) => {
          ctx.set(pageHeaders);
          ctx.body = `<!doctype html><html><head><meta charset="utf-8"><title>Sign out</title></head><body>${form}<p>Sign out of the development issuer? / Abmelden?</p><button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Sign out / Abmelden</button></body></html>`;
        },
        postLogoutSuccessSource: (ctx: KoaContext) => {
          ctx.set(pageHeaders);
          ctx.body =
            '<!doctype html><html><head><meta charset="utf-8"><title>Signed out</title></head><body><p>Signed out. / Abgemeldet.</p></body></html>';
        },
      },
    },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) =>
        `${options.issuerPath}/login-actions/${interaction.uid}`,
    },
    routes: keycloakRoutes,
    ttl: {
      AccessToken: ttl,
      ClientCredentials: ttl,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 86_400,
      Interaction: 600,
      Session: 86_400,
      Grant: 86_400,
      DeviceCode: 600,
      BackchannelAuthenticationRequest: 600,
      PreAuthorizedCode: 600,
    },
    extraTokenClaims: (ctx: ProviderContext | undefined, token: IssuedToken) => keycloakClaims(ctx, token),
    clientBasedCORS: (_ctx: unknown, origin: string) => origin === appOrigin,
    renderError: (ctx: KoaContext, out: Record<string, unknown>) => {
      ctx.type = 'html';
      ctx.set(pageHeaders);
      ctx.body = renderErrorPage('en', out);
    },
  };
}

/** What a page-rendering helper of oidc-provider gets: Koa's context. */
interface KoaContext {
  type: string;
  body: unknown;
  set(headers: Readonly<Record<string, string>>): void;
}

/**
 * The claims Keycloak puts in its access tokens, so the API sees the same shape here as in
 * production: `azp`, profile and email, `groups`, `realm_access.roles`; service accounts get
 * `preferred_username: service-account-<client>`. `tenant_id` only when `npm run token --tenant`
 * asked for one; otherwise the hub's default tenant applies.
 */
function keycloakClaims(
  ctx: ProviderContext | undefined,
  token: IssuedToken,
): Record<string, unknown> | undefined {
  if (token.kind === 'ClientCredentials') {
    return {
      azp: token.clientId,
      preferred_username: `service-account-${token.clientId}`,
      realm_access: { roles: [...(serviceClientRoles[token.clientId] ?? [])] },
    };
  }
  if (token.kind !== 'AccessToken' || token.accountId === undefined) return undefined;
  const user = demoUserBySubject(token.accountId);
  if (user === undefined) return undefined;
  const tenant = token.gty === devTokenGrantType ? ctx?.oidc.params['tenant'] : undefined;
  return {
    azp: token.clientId,
    ...profileClaims(user),
    realm_access: { roles: [...user.realmRoles] },
    ...(typeof tenant === 'string' && tenant !== '' ? { tenant_id: tenant } : {}),
  };
}

function profileClaims(user: DemoUser): Record<string, unknown> {
  return {
    email: user.email,
    email_verified: true,
    name: `${user.givenName} ${user.familyName}`,
    given_name: user.givenName,
    family_name: user.familyName,
    preferred_username: user.username,
    locale: user.locale,
    zoneinfo: user.zoneinfo,
    ...(user.phone === undefined ? {} : { phone_number: user.phone }),
    groups: [...user.groups],
  };
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
