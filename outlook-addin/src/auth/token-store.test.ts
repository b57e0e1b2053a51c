import { describe, expect, it } from 'vitest';

import type { Issuer } from './oidc.js';
import { createTokenStore } from './token-store.js';

const issuer: Issuer = {
  clientId: 'vc-web',
  authorizationEndpoint: 'https://idp.test/auth',
  tokenEndpoint: 'https://idp.test/token',
  deviceAuthorizationEndpoint: undefined,
};

/** A token endpoint in memory: answers refresh grants for one refresh token, counts the calls. */
function tokenEndpoint(validRefreshToken: string) {
  const calls: URLSearchParams[] = [];
  const doFetch = (async (_url: string, init: { body: URLSearchParams }) => {
    calls.push(init.body);
    await new Promise((r) => setTimeout(r, 5));
    if (init.body.get('refresh_token') !== validRefreshToken) {
      return new Response(
        JSON.stringify({ error: 'invalid_grant', error_description: 'grant request is invalid' }),
        {
          status: 400,
        },
      );
    }
    return new Response(JSON.stringify({ access_token: `access-${calls.length}`, expires_in: 300 }), {
      status: 200,
    });
  }) as unknown as typeof fetch;
  return { calls, doFetch };
}

function memoryStorage() {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

describe('the token store', () => {
  it('hands out a fresh token as it is and asks nobody', async () => {
    const endpoint = tokenEndpoint('r1');
    const store = createTokenStore({
      issuer: () => Promise.resolve(issuer),
      doFetch: endpoint.doFetch,
      now: () => 0,
    });
    store.save({ accessToken: 'a', refreshToken: 'r1', expiresAt: 300_000 });
    expect(await store.accessToken()).toBe('a');
    expect(endpoint.calls).toHaveLength(0);
  });

  it('refreshes a token about to expire once for all callers, keeping the refresh token', async () => {
    const endpoint = tokenEndpoint('r1');
    const storage = memoryStorage();
    const store = createTokenStore({
      issuer: () => Promise.resolve(issuer),
      doFetch: endpoint.doFetch,
      now: () => 1_000_000,
      storage,
    });
    store.save({ accessToken: 'old', refreshToken: 'r1', expiresAt: 1_010_000 });
    const tokens = await Promise.all([store.accessToken(), store.accessToken(), store.accessToken()]);
    expect(tokens).toEqual(['access-1', 'access-1', 'access-1']);
    expect(endpoint.calls).toHaveLength(1);
    expect(endpoint.calls[0]!.get('grant_type')).toBe('refresh_token');
    expect(JSON.parse(storage.data.get('vc-outlook-tokens')!)).toMatchObject({
      accessToken: 'access-1',
      refreshToken: 'r1',
    });
  });

  it('forgets everything and asks for sign-in when the refresh is refused or impossible', async () => {
    const endpoint = tokenEndpoint('r1');
    const storage = memoryStorage();
    const store = createTokenStore({
      issuer: () => Promise.resolve(issuer),
      doFetch: endpoint.doFetch,
      now: () => 0,
      storage,
    });
    store.save({ accessToken: 'old', refreshToken: 'revoked', expiresAt: 0 });
    await expect(store.accessToken()).rejects.toMatchObject({ code: 'sign_in_required' });
    expect(store.signedIn).toBe(false);
    expect(storage.data.size).toBe(0);
    store.save({ accessToken: 'old', refreshToken: undefined, expiresAt: 0 });
    await expect(store.accessToken()).rejects.toMatchObject({ code: 'sign_in_required' });
    await expect(store.accessToken()).rejects.toThrow(/sign in first/);
  });

  it('survives garbage in its storage', async () => {
    const storage = memoryStorage();
    storage.data.set('vc-outlook-tokens', '{not json');
    const store = createTokenStore({ issuer: () => Promise.resolve(issuer), storage });
    expect(store.signedIn).toBe(false);
    await expect(store.accessToken()).rejects.toMatchObject({ code: 'sign_in_required' });
  });
});
