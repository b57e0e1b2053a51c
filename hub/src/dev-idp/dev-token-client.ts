import * as oidc from 'openid-client';

import { devTokenGrantType } from './provider-config.js';
import { tokenCliClientId } from './state-store.js';

/**
 * A client of the development issuer's dev-only grant, as `npm run token` and the test suites use
 * it: `token(user, tenant?)` returns a demo user's access token. No discovery: the issuer's
 * identifier may differ from the address the caller reaches it by.
 */
export interface DevTokenClient {
  token(username: string, tenant?: string): Promise<oidc.TokenEndpointResponse>;
}

export function devTokenClient(issuer: string, secret: string): DevTokenClient {
  const client = new oidc.Configuration(
    { issuer, token_endpoint: `${issuer}/protocol/openid-connect/token` },
    tokenCliClientId,
    undefined,
    oidc.ClientSecretBasic(secret),
  );
  if (issuer.startsWith('http:')) oidc.allowInsecureRequests(client);
  return {
    token: (username: string, tenant?: string) =>
      oidc.genericGrantRequest(client, devTokenGrantType, {
        username,
        ...(tenant === undefined ? {} : { tenant }),
      }),
  };
}
