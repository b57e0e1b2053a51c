import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { apiV1Endpoints } from '@vc/conference-core';

import { adminEndpoints } from '@vc/hub/testing';
import { startApiHub, type ApiHub } from './support/api-hub.js';

let api: ApiHub;
beforeAll(async () => {
  api = await startApiHub();
});
afterAll(async () => {
  await api.stop();
});

describe('API v1: auth discovery, users and the OpenAPI document', () => {
  it('tells clients which issuer and client to sign in with', async () => {
    const res = await api.call('/v1/auth/login');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ oidc: { issuer: api.hub.devIdpIssuer, client_id: 'vc-web' } });
  });

  it('creates the user at the first login and shows the profile from the token', async () => {
    const token = await api.token('alice');
    const res = await api.call('/v1/users/me', { token });
    expect(res.status).toBe(200);
    const me = (await res.json()) as Record<string, unknown>;
    expect(me).toMatchObject({ email: expect.stringMatching(/^alice@/) as unknown, language: 'de' });
    const again = (await (await api.call('/v1/users/me', { token })).json()) as Record<string, unknown>;
    expect(again['id']).toBe(me['id']);
  });

  it('lets people change their display name, language and time zone, and refuses bad values by field', async () => {
    const token = await api.token('bob');
    const changed = await api.call('/v1/users/me', {
      method: 'PATCH',
      token,
      body: { display_name: 'Bob B.', language: 'de', time_zone: 'Europe/Berlin' },
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({
      display_name: 'Bob B.',
      language: 'de',
      time_zone: 'Europe/Berlin',
    });

    const bad = await api.call('/v1/users/me', {
      method: 'PATCH',
      token,
      body: { time_zone: 'Mars/Olympus', language: 'tlh', email: 'x@y.z' },
    });
    expect(bad.status).toBe(422);
    const problem = (await bad.json()) as { code: string; errors: { field: string }[] };
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors.map((e) => e.field).sort()).toEqual(['body', 'body.language', 'body.time_zone']);
    const me = (await (await api.call('/v1/users/me', { token })).json()) as Record<string, unknown>;
    expect(me['time_zone']).toBe('Europe/Berlin');
  });

  it('finds people of the same tenant only, by the start of their email or name', async () => {
    const alice = await api.token('alice');
    const bob = await api.token('bob');
    await api.call('/v1/users/me', { token: bob });
    const found = (await (await api.call('/v1/users/find?q=bo', { token: alice })).json()) as {
      email: string;
    }[];
    expect(found.map((u) => u.email)).toEqual([expect.stringMatching(/^bob@/)]);
    expect((await (await api.call('/v1/users/find?q=%25', { token: alice })).json()) as unknown[]).toEqual(
      [],
    );

    const elsewhere = await api.token('carol', 'other-co');
    const fromOther = (await (
      await api.call('/v1/users/find?q=bo', { token: elsewhere })
    ).json()) as unknown[];
    expect(fromOther).toEqual([]);
  });

  it('gives a person the meetings they were invited to by address before their first login', async () => {
    const alice = await api.token('alice');
    const created = await api.call('/v1/events', {
      method: 'POST',
      token: alice,
      body: {
        title: 'Before Carol joined',
        starts_at: { datetime: '2031-05-06T08:00:00Z', timezone: 'Europe/Berlin' },
        ends_at: { datetime: '2031-05-06T09:00:00Z', timezone: 'Europe/Berlin' },
      },
    });
    expect(created.status).toBe(201);
    const event = (await created.json()) as { id: string };
    const invited = await api.call(`/v1/events/${event.id}/invites`, {
      method: 'POST',
      token: alice,
      body: { email: 'Carol@Example.test', role: 'moderator' },
    });
    expect(invited.status).toBe(201);

    // Carol signs in for the first time (in the default tenant) and finds the meeting listed.
    const carol = await api.token('carol');
    const listed = await api.call('/v1/events?time_min=2031-05-01T00:00:00Z&time_max=2031-05-31T00:00:00Z', {
      token: carol,
    });
    expect(listed.status).toBe(200);
    const items = ((await listed.json()) as { items: { id: string }[] }).items;
    expect(items.map((item) => item.id)).toEqual([event.id]);
    expect((await api.call(`/v1/events/${event.id}/invite`, { method: 'PATCH', token: carol })).status).toBe(
      200,
    );
  });

  it('refuses missing, forged and malformed credentials with problem details', async () => {
    const missing = await api.call('/v1/users/me');
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ code: 'unauthorized' });
    const token = await api.token('alice');
    const [header, payload] = token.split('.');
    const forged = await api.call('/v1/users/me', { token: `${header}.${payload}.AAAA` });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ code: 'invalid_token' });
    const guest = await api.call('/v1/users/me', {
      headers: { authorization: 'InviteCode 00000000-0000-4000-8000-000000000000' },
    });
    expect(guest.status).toBe(401);
    const basic = await api.call('/v1/users/me', { headers: { authorization: 'Basic YTpi' } });
    expect(basic.status).toBe(401);
  });

  it('serves an OpenAPI 3.1 document that lists exactly the mounted endpoints', async () => {
    const res = await api.call('/v1/openapi.json');
    expect(res.status).toBe(200);
    const document = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(document.openapi).toBe('3.1.0');
    const documented = Object.entries(document.paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    // The core's endpoints and the hub's extension (the connector admin API), nothing else.
    const endpoints = [...apiV1Endpoints, ...adminEndpoints];
    const mounted = endpoints.map((e) => `${e.method.toUpperCase()} ${e.path}`).sort();
    expect(documented).toEqual(mounted);
    // Every documented route answers (not the router's 404).
    for (const endpoint of endpoints) {
      const path = endpoint.path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      const answer = await api.call(path, { method: endpoint.method.toUpperCase() });
      const body = answer.status === 404 ? ((await answer.json()) as { detail?: string }) : {};
      expect(body.detail ?? '', `${endpoint.method} ${endpoint.path}`).not.toMatch(/^No resource at/);
    }
  });
});
