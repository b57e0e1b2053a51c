import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JSONWebKeySet } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';

import { AuthError, httpStatusForAuthError } from './auth-error.js';
import { createTokenVerifier } from './token-verifier.js';

// Broken and edge-case tokens only; tokens from a real issuer are tested in
// tests/src/auth-verifier.int.test.ts against the development issuer.
const issuer = 'https://idp.example.test/realms/vc';
const audience = 'vc-api';
let privateKey: CryptoKey;
let jwks: JSONWebKeySet;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] };
});

function sign(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ iss: issuer, aud: audience, sub: 'u1', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', ...header })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);
}

/** A fetch that fails the test: these cases must be decided without any network. */
const noNetwork = (): Promise<Response> => Promise.reject(new Error('no network expected'));

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AuthError) return err.code;
    throw err;
  }
  throw new Error('expected the token to be refused');
}

describe('the token verifier (without an issuer)', () => {
  it('refuses to be configured with none or HMAC algorithms', () => {
    expect(() => createTokenVerifier({ issuer, audience, algorithms: ['RS256', 'HS256'] })).toThrow(/HS256/);
    expect(() => createTokenVerifier({ issuer, audience, algorithms: ['none'] })).toThrow(/none/);
    expect(() => createTokenVerifier({ issuer, audience, algorithms: [] })).toThrow(/empty/);
    expect(() => createTokenVerifier({ issuer: 'not a url', audience })).toThrow(/issuer/);
  });

  it('verifies a token against in-process keys and reports algorithm and key id', async () => {
    const verifier = createTokenVerifier({ issuer, audience, jwks, fetch: noNetwork });
    const verified = await verifier.verify(await sign({ email: 'a@example.test' }));
    expect(verified).toMatchObject({
      algorithm: 'ES256',
      keyId: 'k1',
      claims: { sub: 'u1', email: 'a@example.test' },
    });
  });

  it('accepts the API as azp when aud names something else (Keycloak without an audience mapper)', async () => {
    const verifier = createTokenVerifier({ issuer, audience: 'vc-web', jwks });
    await expect(verifier.verify(await sign({ aud: 'account', azp: 'vc-web' }))).resolves.toBeDefined();
    expect(await codeOf(verifier.verify(await sign({ aud: 'account', azp: 'other' })))).toBe(
      'wrong_audience',
    );
    expect(await codeOf(verifier.verify(await sign({ aud: undefined })))).toBe('wrong_audience');
  });

  it('refuses Keycloak ID and refresh tokens presented as access tokens', async () => {
    const verifier = createTokenVerifier({ issuer, audience, jwks });
    expect(await codeOf(verifier.verify(await sign({ typ: 'ID' })))).toBe('invalid_token');
    expect(await codeOf(verifier.verify(await sign({ typ: 'Refresh' })))).toBe('invalid_token');
    await expect(verifier.verify(await sign({ typ: 'Bearer' }))).resolves.toBeDefined();
  });

  it('refuses a token without exp, since it would never expire', async () => {
    const verifier = createTokenVerifier({ issuer, audience, jwks });
    const token = await new SignJWT({ iss: issuer, aud: audience, sub: 'u1' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .sign(privateKey);
    expect(await codeOf(verifier.verify(token))).toBe('invalid_token');
  });

  it('decides malformed, foreign and unsigned tokens before looking for keys', async () => {
    const verifier = createTokenVerifier({ issuer, audience, fetch: noNetwork });
    expect(await codeOf(verifier.verify(''))).toBe('missing_token');
    expect(await codeOf(verifier.verify('abc'))).toBe('invalid_token');
    expect(await codeOf(verifier.verify('a.b.c.d.e'))).toBe('invalid_token');
    expect(await codeOf(verifier.verify('!!.??.##'))).toBe('invalid_token');
    expect(await codeOf(verifier.verify(await sign({ iss: 'https://evil.example.test/realms/vc' })))).toBe(
      'wrong_issuer',
    );
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ iss: issuer, aud: audience, sub: 'u1', exp: 2e9 })).toString(
      'base64url',
    );
    expect(await codeOf(verifier.verify(`${header}.${payload}.`))).toBe('unsupported_algorithm');
  });

  it('maps every code to 401 except an unavailable issuer, which is 503', () => {
    expect(httpStatusForAuthError('token_expired')).toBe(401);
    expect(httpStatusForAuthError('issuer_unavailable')).toBe(503);
  });
});
