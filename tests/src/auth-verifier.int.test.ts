import { createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTokenVerifier } from '@vc/conference-core';
import {
  AuthError,
  identityFromClaims,
  type FetchLike,
  type TokenVerifierOptions,
} from '@vc/conference-core/testing';
import { devTokenGrantType, startDevIdp, type StandaloneDevIdp } from '@vc/hub/testing';

// The verifier against a real issuer: the development issuer (oidc-provider) on loopback, with
// Keycloak's paths. Good tokens all come from it; only the deliberately broken ones are made here.

const dataDir = mkdtempSync(join(tmpdir(), 'vc-auth-verifier-'));
let idp: StandaloneDevIdp;
/** A second issuer (another realm, its own keys) whose tokens must never pass for the first's. */
let otherIdp: StandaloneDevIdp;

beforeAll(async () => {
  [idp, otherIdp] = await Promise.all([
    startDevIdp({ dataDir }),
    startDevIdp({ dataDir: join(dataDir, 'other'), realm: 'other' }),
  ]);
});
afterAll(async () => {
  await Promise.all([idp.stop(), otherIdp.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
});

async function tokenRequest(
  issuer: StandaloneDevIdp,
  clientId: 'vc-call-in' | 'vc-dev-cli',
  body: Record<string, string>,
) {
  const response = await fetch(issuer.tokenEndpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${issuer.clientSecret(clientId)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(body),
  });
  const json = (await response.json()) as { access_token?: string; error?: string };
  if (json.access_token === undefined) throw new Error(`token request failed: ${JSON.stringify(json)}`);
  return json.access_token;
}

/** A demo user's access token, minted by the issuer (the grant `npm run token` uses). */
const userToken = (issuer = idp, username = 'alice', extra: Record<string, string> = {}) =>
  tokenRequest(issuer, 'vc-dev-cli', { grant_type: devTokenGrantType, username, ...extra });
/** A client-credentials token of the call-in service account. */
const serviceToken = (issuer = idp) =>
  tokenRequest(issuer, 'vc-call-in', { grant_type: 'client_credentials' });

/** fetch, counting what the verifier asks for. */
function countingFetch(): {
  fetch: FetchLike;
  discovery: () => number;
  jwks: () => number;
  all: () => number;
} {
  const seen: string[] = [];
  return {
    fetch: (input, init) => {
      seen.push(String(input));
      return fetch(input, init);
    },
    discovery: () => seen.filter((u) => u.endsWith('/.well-known/openid-configuration')).length,
    jwks: () => seen.filter((u) => u.endsWith('/protocol/openid-connect/certs')).length,
    all: () => seen.length,
  };
}

function verifierFor(options: Partial<TokenVerifierOptions> = {}) {
  const counter = countingFetch();
  const verifier = createTokenVerifier({
    issuer: idp.issuer,
    audience: 'vc-api',
    fetch: counter.fetch,
    ...options,
  });
  return { verifier, counter };
}

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AuthError) return err;
    throw err;
  }
  throw new Error('expected the token to be refused');
}

/** The issuer's current signing key, read from its data folder, for the deliberately broken tokens. */
function issuerSigningKey(): JWK {
  const { keys } = JSON.parse(readFileSync(join(dataDir, 'dev-idp', 'signing-keys.json'), 'utf8')) as {
    keys: JWK[];
  };
  const [key] = keys;
  if (key === undefined) throw new Error('the issuer has no signing key');
  return key;
}

async function signedByIssuer(claims: JWTPayload): Promise<string> {
  const jwk = issuerSigningKey();
  return new SignJWT({ iss: idp.issuer, aud: 'vc-api', sub: 'forged', email: 'x@example.test', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid ?? '' })
    .sign(await importJWK(jwk, 'RS256'));
}

const now = (): number => Math.floor(Date.now() / 1000);

describe('the token verifier against a real issuer', () => {
  it('verifies user and service tokens, discovering the keys only when the first token arrives', async () => {
    const { verifier, counter } = verifierFor();
    expect(counter.all()).toBe(0);

    const user = await verifier.verify(await userToken());
    expect(counter.discovery()).toBe(1);
    expect(counter.jwks()).toBe(1);
    expect(user).toMatchObject({ algorithm: 'RS256', claims: { iss: idp.issuer, aud: 'vc-api' } });
    expect(identityFromClaims(user.claims, { defaultTenant: 'default' })).toMatchObject({
      kind: 'user',
      email: 'alice@example.test',
      displayName: 'Alice Adler',
      locale: 'de',
      zoneinfo: 'Europe/Berlin',
      groups: ['staff', 'admins'],
      realmRoles: ['tenant-admin', 'offline_access'],
      tenant: 'default',
    });

    const service = await verifier.verify(await serviceToken());
    expect(identityFromClaims(service.claims, { defaultTenant: 'default' })).toMatchObject({
      kind: 'service',
      clientId: 'vc-call-in',
      roles: ['call-in'],
    });
    const withTenant = await verifier.verify(await userToken(idp, 'bob', { tenant: 'acme' }));
    expect(identityFromClaims(withTenant.claims, { defaultTenant: 'default' })).toMatchObject({
      tenant: 'acme',
    });
    expect(counter.jwks()).toBe(1);
  });

  it('refuses an expired token, allowing the configured leeway', async () => {
    const { verifier } = verifierFor();
    const expired = await refusal(
      verifier.verify(await signedByIssuer({ iat: now() - 600, exp: now() - 120 })),
    );
    expect(expired.code).toBe('token_expired');
    await expect(
      verifier.verify(await signedByIssuer({ iat: now() - 600, exp: now() - 10 })),
    ).resolves.toBeDefined();
    const strict = verifierFor({ clockToleranceSec: 0 }).verifier;
    expect((await refusal(strict.verify(await signedByIssuer({ exp: now() - 10 })))).code).toBe(
      'token_expired',
    );
  });

  it('refuses a token that is not valid yet, allowing the leeway', async () => {
    const { verifier } = verifierFor();
    const early = await refusal(
      verifier.verify(await signedByIssuer({ nbf: now() + 300, exp: now() + 900 })),
    );
    expect(early.code).toBe('invalid_token');
    expect(early.message).toMatch(/not valid yet/);
    await expect(
      verifier.verify(await signedByIssuer({ nbf: now() + 10, exp: now() + 900 })),
    ).resolves.toBeDefined();
  });

  it('refuses a token of another issuer without fetching anything for it', async () => {
    const { verifier, counter } = verifierFor();
    const error = await refusal(verifier.verify(await userToken(otherIdp)));
    expect(error.code).toBe('wrong_issuer');
    expect(counter.all()).toBe(0);
  });

  it('refuses a token issued for another audience', async () => {
    const { verifier } = verifierFor({ audience: 'other-api' });
    expect((await refusal(verifier.verify(await userToken()))).code).toBe('wrong_audience');
  });

  it('refuses alg none', async () => {
    const { verifier, counter } = verifierFor();
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = { iss: idp.issuer, aud: 'vc-api', sub: 'u', email: 'x@example.test', exp: now() + 600 };
    const error = await refusal(verifier.verify(`${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`));
    expect(error.code).toBe('unsupported_algorithm');
    expect(counter.all()).toBe(0);
  });

  it("refuses HS256 tokens signed with the issuer's public key as the secret", async () => {
    const { verifier } = verifierFor();
    const response = await fetch(idp.jwksUri);
    const { keys } = (await response.json()) as { keys: JWK[] };
    const publicJwk = keys[0];
    if (publicJwk === undefined) throw new Error('the issuer publishes no key');
    const pem = createPublicKey({ key: publicJwk as JsonWebKey, format: 'jwk' }).export({
      type: 'spki',
      format: 'pem',
    });
    for (const secret of [Buffer.from(pem), Buffer.from(JSON.stringify(publicJwk))]) {
      const token = await new SignJWT({ iss: idp.issuer, aud: 'vc-api', sub: 'u', email: 'x@example.test' })
        .setProtectedHeader({ alg: 'HS256', kid: publicJwk.kid ?? '' })
        .setExpirationTime('5m')
        .sign(new Uint8Array(secret));
      expect((await refusal(verifier.verify(token))).code).toBe('unsupported_algorithm');
    }
  });

  it('refuses tokens signed by a key the issuer does not publish, and says nothing of the token', async () => {
    const { verifier } = verifierFor();
    await verifier.verify(await userToken());
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    for (const kid of ['unknown-kid', issuerSigningKey().kid ?? '']) {
      const token = await new SignJWT({ iss: idp.issuer, aud: 'vc-api', sub: 'u', email: 'x@example.test' })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setExpirationTime('5m')
        .sign(stranger);
      const error = await refusal(verifier.verify(token));
      expect(error.code).toBe('invalid_token');
      for (const part of token.split('.')) expect(error.message).not.toContain(part);
    }
  });

  it('follows a key rotation: a token with the new kid verifies after one refetch, old tokens still do', async () => {
    const { verifier, counter } = verifierFor({ minJwksRefetchIntervalMs: 200 });
    const before = await userToken();
    const first = await verifier.verify(before);
    expect(counter.jwks()).toBe(1);

    await idp.rotateSigningKey();
    const after = await userToken();
    await new Promise((resolve) => setTimeout(resolve, 250));
    const second = await verifier.verify(after);
    expect(second.keyId).not.toBe(first.keyId);
    expect(counter.jwks()).toBe(2);
    await expect(verifier.verify(before)).resolves.toBeDefined();
    expect(counter.jwks()).toBe(2);
  });

  it('refetches for unknown kids at most once per interval, even in a burst', async () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const forged = await new SignJWT({ iss: idp.issuer, aud: 'vc-api', sub: 'u', email: 'x@example.test' })
      .setProtectedHeader({ alg: 'RS256', kid: 'not-published' })
      .setExpirationTime('5m')
      .sign(stranger);

    const slow = verifierFor({ minJwksRefetchIntervalMs: 60_000 });
    await slow.verifier.verify(await userToken());
    const burst = await Promise.all(Array.from({ length: 5 }, () => refusal(slow.verifier.verify(forged))));
    expect(burst.map((e) => e.code)).toEqual(Array(5).fill('invalid_token'));
    expect(slow.counter.jwks()).toBe(1);

    const quick = verifierFor({ minJwksRefetchIntervalMs: 100 });
    await quick.verifier.verify(await userToken());
    await new Promise((resolve) => setTimeout(resolve, 150));
    await Promise.all(Array.from({ length: 5 }, () => refusal(quick.verifier.verify(forged))));
    expect(quick.counter.jwks()).toBe(2);
  });

  it('says issuer_unavailable when the issuer is down, and does not hammer it', async () => {
    const down = await startDevIdp({ dataDir: join(dataDir, 'down'), realm: 'down' });
    const token = await tokenRequest(down, 'vc-dev-cli', {
      grant_type: devTokenGrantType,
      username: 'carol',
    });
    await down.stop();
    const counter = countingFetch();
    const verifier = createTokenVerifier({
      issuer: down.issuer,
      audience: 'vc-api',
      fetch: counter.fetch,
      minJwksRefetchIntervalMs: 60_000,
    });
    const error = await refusal(verifier.verify(token));
    expect(error.code).toBe('issuer_unavailable');
    expect(error.message).toContain(down.discoveryUrl);
    expect(error.cause).toBeDefined();
    expect((await refusal(verifier.verify(token))).code).toBe('issuer_unavailable');
    expect(counter.all()).toBe(1);
  });

  it('keeps verifying with the keys it has while the issuer is briefly away', async () => {
    const flaky = await startDevIdp({ dataDir: join(dataDir, 'flaky'), realm: 'flaky' });
    const token = await tokenRequest(flaky, 'vc-call-in', { grant_type: 'client_credentials' });
    const verifier = createTokenVerifier({
      issuer: flaky.issuer,
      audience: 'vc-api',
      jwksMaxAgeMs: 0,
      minJwksRefetchIntervalMs: 0,
    });
    await verifier.verify(token);
    await flaky.stop();
    await expect(verifier.verify(token)).resolves.toMatchObject({ claims: { sub: 'vc-call-in' } });
  });
});
