import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import { exportJWK, generateKeyPair } from 'jose';

import { freePort } from '../../scripts/free-port.js';

/**
 * A test issuer shaped like UCS Keycloak: realm `ucs` at `/realms/ucs`, Keycloak's endpoint paths
 * (`/protocol/openid-connect/{auth,token,certs,userinfo}`), the well-known document, and access
 * tokens with Keycloak's claims (`azp`, `preferred_username`, `realm_access.roles`, audience from
 * an audience mapper). Built on oidc-provider, a certified OpenID Provider, configured the way the
 * hub's development issuer is (hub/src/dev-idp), so the hub verifies real signed JWTs.
 *
 * Clients: `vc-web` (public, code flow, as the join script registers it), `vc-call-in`
 * (confidential, client credentials; its service account holds the realm role `call-in`), and
 * `vc-tests` with a test-only grant that mints a user's token without a browser.
 */
export interface KeycloakUser {
  /** Keycloak's user id (with LDAP federation: a Keycloak UUID, not the LDAP entryUUID). */
  readonly sub: string;
  readonly username: string;
  readonly email: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly realmRoles?: readonly string[];
}

export interface KeycloakIssuer {
  /** `http://127.0.0.1:<port>/realms/ucs`: what OIDC_ISSUER is set to. */
  readonly issuer: string;
  readonly callInSecret: string;
  /** A user's access token for the API audience, as the code flow would give. */
  userToken(username: string): Promise<string>;
  /** A client-credentials token of `clientId` (`vc-call-in`, or `vc-tests` which has no roles). */
  clientToken(clientId: 'vc-call-in' | 'vc-tests'): Promise<string>;
  close(): Promise<void>;
}

const userGrant = 'urn:vc-tests:params:oauth:grant-type:ucs-user';
const scope = 'openid profile email phone';

interface Ctx {
  oidc: { params: Record<string, unknown>; client: { clientId: string } };
  body: unknown;
}
interface Token {
  kind: string;
  accountId?: string;
  clientId: string;
}
interface Provider {
  proxy: boolean;
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  registerGrantType(name: string, handler: (ctx: Ctx) => Promise<void>, params: string[]): void;
  Grant: new (init: { accountId: string; clientId: string }) => {
    addOIDCScope(s: string): void;
    addResourceScope(r: string, s: string): void;
    save(): Promise<string>;
  };
  AccessToken: new (init: Record<string, unknown>) => {
    resourceServer: unknown;
    expiration: number;
    save(): Promise<string>;
  };
  ResourceServer: new (id: string, info: object) => unknown;
}
interface ProviderModule {
  default: new (issuer: string, config: object) => Provider;
  errors: { InvalidGrant: new (d?: string) => Error; InvalidTarget: new (d?: string) => Error };
}

export async function startKeycloakIssuer(options: {
  users: readonly KeycloakUser[];
  audience?: string;
  realm?: string;
}): Promise<KeycloakIssuer> {
  const realm = options.realm ?? 'ucs';
  const audience = options.audience ?? 'vc-api';
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}/realms/${realm}`;
  const resource = 'urn:vc-tests:resource:api';
  const resourceServer = {
    scope,
    audience,
    accessTokenFormat: 'jwt',
    accessTokenTTL: 300,
    jwt: { sign: { alg: 'RS256' } },
  };
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: randomUUID() };
  const callInSecret = randomBytes(16).toString('hex');
  const testsSecret = randomBytes(16).toString('hex');
  const byUsername = new Map(options.users.map((u) => [u.username, u]));
  const bySub = new Map(options.users.map((u) => [u.sub, u]));
  const profile = (u: KeycloakUser): Record<string, unknown> => ({
    email: u.email,
    email_verified: true,
    name: `${u.givenName} ${u.familyName}`,
    given_name: u.givenName,
    family_name: u.familyName,
    preferred_username: u.username,
  });

  // A variable specifier: the module ships no types; the shape used is declared above.
  const specifier = 'oidc-provider';
  const oidc = (await import(specifier)) as ProviderModule;
  const provider = new oidc.default(issuer, {
    clients: [
      {
        client_id: 'vc-web',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: ['http://127.0.0.1/auth/callback'],
      },
      {
        client_id: 'vc-call-in',
        client_secret: callInSecret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
      {
        client_id: 'vc-tests',
        client_secret: testsSecret,
        grant_types: ['client_credentials', userGrant],
        response_types: [],
        redirect_uris: [],
      },
    ],
    jwks: { keys: [jwk] },
    routes: {
      authorization: '/protocol/openid-connect/auth',
      token: '/protocol/openid-connect/token',
      jwks: '/protocol/openid-connect/certs',
      userinfo: '/protocol/openid-connect/userinfo',
      end_session: '/protocol/openid-connect/logout',
    },
    scopes: ['openid', 'profile', 'email', 'phone'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    },
    findAccount: (_ctx: unknown, sub: string) => {
      const user = bySub.get(sub);
      return user === undefined ? undefined : { accountId: sub, claims: () => ({ sub, ...profile(user) }) };
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, indicator: string) => {
          if (indicator !== resource) throw new oidc.errors.InvalidTarget('unknown resource');
          return resourceServer;
        },
      },
    },
    extraTokenClaims: (_ctx: unknown, token: Token) => {
      if (token.kind === 'ClientCredentials') {
        return {
          azp: token.clientId,
          preferred_username: `service-account-${token.clientId}`,
          realm_access: { roles: token.clientId === 'vc-call-in' ? ['call-in'] : [] },
        };
      }
      const user = token.accountId === undefined ? undefined : bySub.get(token.accountId);
      if (user === undefined) return undefined;
      return { azp: token.clientId, ...profile(user), realm_access: { roles: [...(user.realmRoles ?? [])] } };
    },
  });
  provider.registerGrantType(
    userGrant,
    async (ctx) => {
      const user = byUsername.get(String(ctx.oidc.params['username']));
      if (user === undefined) throw new oidc.errors.InvalidGrant('unknown user');
      const grant = new provider.Grant({ accountId: user.sub, clientId: ctx.oidc.client.clientId });
      grant.addOIDCScope(scope);
      grant.addResourceScope(resource, scope);
      const grantId = await grant.save();
      const token = new provider.AccessToken({
        accountId: user.sub,
        client: ctx.oidc.client,
        grantId,
        gty: userGrant,
        scope,
      });
      token.resourceServer = new provider.ResourceServer(resource, resourceServer);
      ctx.body = {
        access_token: await token.save(),
        token_type: 'Bearer',
        expires_in: token.expiration,
        scope,
      };
    },
    ['username'],
  );
  const handle = provider.callback();
  const prefix = `/realms/${realm}`;
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url !== prefix && !url.startsWith(`${prefix}/`) && !url.startsWith(`${prefix}?`)) {
      res.writeHead(404).end();
      return;
    }
    // As express mounting does: oidc-provider derives its mount path from originalUrl minus url.
    (req as IncomingMessage & { originalUrl: string }).originalUrl = url;
    req.url = url.slice(prefix.length) || '/';
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  const tokenRequest = async (
    clientId: string,
    secret: string,
    form: Record<string, string>,
  ): Promise<string> => {
    const response = await fetch(`${issuer}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
      body: new URLSearchParams(form),
    });
    const body = (await response.json()) as { access_token?: string; error_description?: string };
    if (!response.ok || body.access_token === undefined)
      throw new Error(`token request failed: ${response.status} ${JSON.stringify(body)}`);
    return body.access_token;
  };
  return {
    issuer,
    callInSecret,
    userToken: (username) =>
      tokenRequest('vc-tests', testsSecret, { grant_type: userGrant, username, scope }),
    clientToken: (clientId) =>
      tokenRequest(clientId, clientId === 'vc-call-in' ? callInSecret : testsSecret, {
        grant_type: 'client_credentials',
        scope: 'openid',
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
