import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startHubProcess, waitForStatus, type HubProcess } from './support/hub-process.js';
import { startKeycloakIssuer, type KeycloakIssuer } from './support/keycloak-issuer.js';

// UCS users sign in through UCS Keycloak (realm ucs); the hub is a resource server of that issuer.
// The issuer here serves Keycloak's paths and claims (support/keycloak-issuer.ts).
describe('a hub with OIDC_ISSUER=<UCS Keycloak>/realms/ucs', () => {
  let keycloak: KeycloakIssuer;
  let hub: HubProcess;
  const dataDir = mkdtempSync(join(tmpdir(), 'vc-ucs-login-'));

  beforeAll(async () => {
    keycloak = await startKeycloakIssuer({
      users: [
        {
          sub: 'b8f0d3c2-0000-4000-8000-00000000a11a',
          username: 'anna',
          email: 'anna@ucs.test',
          givenName: 'Anna',
          familyName: 'Berg',
        },
      ],
    });
    hub = await startHubProcess({
      DATA_DIR: dataDir,
      OIDC_ISSUER: keycloak.issuer,
      SHUTDOWN_TIMEOUT_MS: '2000',
    });
    // Ready, not only alive: the first /v1/users/me writes the user (the schema must be in place).
    await waitForStatus(`${hub.url}/readyz`, 200, 80_000).catch((err: unknown) => {
      throw new Error(`${String(err)}\nhub output:\n${hub.output()}`);
    });
  }, 90_000); // a hub process starts slowly on a busy machine
  afterAll(async () => {
    await hub.stop('SIGKILL');
    await keycloak.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds the issuer at Keycloak paths', async () => {
    const discovery = (await (
      await fetch(`${keycloak.issuer}/.well-known/openid-configuration`)
    ).json()) as Record<string, string>;
    expect(discovery['issuer']).toBe(keycloak.issuer);
    expect(discovery['token_endpoint']).toBe(`${keycloak.issuer}/protocol/openid-connect/token`);
    expect(discovery['authorization_endpoint']).toBe(`${keycloak.issuer}/protocol/openid-connect/auth`);
    expect(discovery['jwks_uri']).toBe(`${keycloak.issuer}/protocol/openid-connect/certs`);
  });

  it("accepts a UCS user's access token and shows the user at /v1/users/me", async () => {
    const token = await keycloak.userToken('anna');
    expect(decodeJwt(token)).toMatchObject({
      iss: keycloak.issuer,
      aud: 'vc-api',
      preferred_username: 'anna',
    });
    const response = await fetch(`${hub.url}/v1/users/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const me = (await response.json()) as Record<string, unknown>;
    expect(JSON.stringify(me)).toContain('anna@ucs.test');
    expect(JSON.stringify(me)).toContain('Berg');
  });

  it('takes the call-in role from the service account realm roles, and refuses a client without it', async () => {
    const call = async (
      token: string,
    ): Promise<{ status: number; body: { code?: string; detail?: string } }> => {
      const response = await fetch(`${hub.url}/v1/services/call_in/start`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: '1234567890', pin: '1234' }),
      });
      return { status: response.status, body: (await response.json()) as { code?: string; detail?: string } };
    };
    const gateway = await call(await keycloak.clientToken('vc-call-in'));
    // Authenticated and allowed: the answer is about the conference, not about the token.
    expect(gateway.body.detail).toBe('unknown conference id or wrong PIN');
    const other = await call(await keycloak.clientToken('vc-tests'));
    expect(other.status).toBe(403);
  });

  it('rejects a token signed by another issuer with the same realm name', async () => {
    const impostor = await startKeycloakIssuer({
      users: [{ sub: 'x', username: 'anna', email: 'anna@ucs.test', givenName: 'A', familyName: 'B' }],
    });
    try {
      const token = await impostor.userToken('anna');
      const response = await fetch(`${hub.url}/v1/users/me`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(401);
    } finally {
      await impostor.close();
    }
  });
});
