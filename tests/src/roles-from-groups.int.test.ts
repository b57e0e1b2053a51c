import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ucsConnector } from '@vc/connector-ucs';

import { startApiHub, type ApiBackend, type ApiHub } from './support/api-hub.js';
import { startSlapd, type Slapd } from './support/slapd.js';
import { slapdSettings } from './support/ucs-harness.js';
import { groupDn, groupLdif, userDn, userLdif } from './support/ucs-ldap/ucs-ldif.js';

/**
 * Roles from directory groups (issue 17, decision 0027) end to end: the real UCS connector reads a
 * private slapd into a hub (both storage backends), a tenant admin maps the UCS group `planners`
 * to scheduling, dial-in and guest invitations, and every endpoint that creates something answers
 * a member 2xx and anyone else 403 `missing_role` naming the permission. Taking the member out of
 * the group in LDAP takes the permission away at the next sync; a token's groups claim maps too;
 * a tenant without a mapping behaves as before; bad mappings get 422.
 */
const backends: readonly ApiBackend[] = ['pglite', 'postgres'];
const baseOf = (backend: ApiBackend) => `dc=${backend === 'pglite' ? 'l' : 'p'}roles,dc=test`;

let slapd: Slapd;
beforeAll(async () => {
  slapd = await startSlapd({ suffixes: backends.map(baseOf) });
});
afterAll(async () => {
  await slapd.dispose();
});

describe.each(backends)('roles from directory groups (%s)', (backend) => {
  const base = baseOf(backend);
  let api: ApiHub;
  let alice: string;
  let bob: string;
  let carol: string;
  let connectorId: string;
  /** Carol's room and meeting, made before the tenant had a mapping. */
  let carolRoom: string;
  let carolEvent: string;
  let carolLink: string;

  async function json<T>(res: Response, status: number): Promise<T> {
    expect(res.status, await res.clone().text()).toBe(status);
    return (await res.json()) as T;
  }
  const post = (path: string, token: string, body: unknown = {}) =>
    api.call(path, { method: 'POST', token, body });
  const put = (path: string, token: string, body: unknown = {}) =>
    api.call(path, { method: 'PUT', token, body });

  async function fullSync(): Promise<void> {
    const run = await json<{ id: string }>(
      await post(`/v1/admin/connectors/${connectorId}/runs`, alice, { mode: 'full' }),
      202,
    );
    for (let i = 0; i < 400; i++) {
      const state = await json<{ state: string }>(
        await api.call(`/v1/admin/connectors/${connectorId}/runs/${run.id}`, { token: alice }),
        200,
      );
      if (state.state === 'completed') return;
      if (!['queued', 'running'].includes(state.state)) throw new Error(`the run ended ${state.state}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the run did not finish');
  }

  const event = { title: 'Planning', starts_at: undefined, is_time_independent: true };

  beforeAll(async () => {
    await slapd.add(
      [
        userLdif(base, {
          uid: 'bob',
          mail: 'bob@example.test',
          givenName: 'Bob',
          sn: 'Baker',
          activated: true,
        }),
        userLdif(base, {
          uid: 'carol',
          mail: 'carol@example.test',
          givenName: 'Carol',
          sn: 'Castell',
          activated: true,
        }),
        groupLdif(base, { cn: 'planners', memberUids: ['bob'] }),
      ].join('\n\n'),
    );
    api = await startApiHub({ backend, connectors: [ucsConnector] });
    [alice, bob, carol] = await Promise.all([api.token('alice'), api.token('bob'), api.token('carol')]);
    for (const token of [alice, bob, carol])
      expect((await api.call('/v1/users/me', { token })).status).toBe(200);

    const created = await json<{ id: string }>(
      await post('/v1/admin/connectors', alice, {
        type: 'ucs',
        name: 'UCS',
        settings: slapdSettings(slapd, { baseDn: base }),
        incremental_every_ms: null,
        full_cron: null,
      }),
      201,
    );
    connectorId = created.id;
    await fullSync();

    carolRoom = (await json<{ id: string }>(await post('/v1/rooms', carol), 201)).id;
    carolEvent = (await json<{ id: string }>(await post('/v1/events', carol, event), 201)).id;
    carolLink = (
      await json<{ invite_code: string }>(await post(`/v1/rooms/${carolRoom}/invites`, carol), 201)
    ).invite_code;
    // A hub on a fresh PGlite runs initdb first: slow on a loaded machine.
  }, 180_000);
  afterAll(async () => {
    await api?.stop();
  });

  const planners = () => ({ kind: 'connector', connector_id: connectorId, name: 'planners' });

  it('refuses bad mappings with 422 naming the field, and people who are not tenant admins with 403', async () => {
    const unknownRole = await json<{ code: string; errors: { field: string }[] }>(
      await put('/v1/admin/role-mapping', alice, { rules: [{ group: planners(), roles: ['teleport'] }] }),
      422,
    );
    expect(unknownRole.errors.map((e) => e.field)).toEqual(['body.rules.0.roles.0']);
    const unknownConnector = await json<{ errors: { field: string }[] }>(
      await put('/v1/admin/role-mapping', alice, {
        rules: [
          {
            group: { ...planners(), connector_id: '00000000-0000-4000-8000-000000000000' },
            roles: ['schedule'],
          },
        ],
      }),
      422,
    );
    expect(unknownConnector.errors.map((e) => e.field)).toEqual(['body.rules.0.group.connector_id']);
    const twice = await json<{ errors: { field: string }[] }>(
      await put('/v1/admin/role-mapping', alice, {
        rules: [
          { group: planners(), roles: ['schedule'] },
          { group: planners(), roles: ['dial_in'] },
        ],
      }),
      422,
    );
    expect(twice.errors.map((e) => e.field)).toEqual(['body.rules.1.group']);
    expect((await put('/v1/admin/role-mapping', bob, { rules: [] })).status).toBe(403);
    expect((await api.call('/v1/admin/role-mapping', { token: bob })).status).toBe(403);
    // Nothing was stored by any of them.
    expect(
      await json<{ rules: unknown[] }>(await api.call('/v1/admin/role-mapping', { token: alice }), 200),
    ).toMatchObject({ rules: [], restricted: [] });
  });

  it('lets only members of the mapped UCS group create, and refuses everyone else on every create endpoint', async () => {
    const stored = await json<{ rules: { status: string }[]; restricted: string[]; open: string[] }>(
      await put('/v1/admin/role-mapping', alice, {
        rules: [{ group: planners(), roles: ['schedule', 'dial_in', 'invite_guests'] }],
      }),
      200,
    );
    expect(stored.rules[0]?.status).toBe('synced');
    expect(stored.restricted).toEqual(['schedule', 'dial_in', 'invite_guests']);
    expect(stored.open).toEqual(['record']);

    // Bob is in planners: everything works.
    const bobRoom = await json<{ id: string }>(await post('/v1/rooms', bob, { enable_sip: true }), 201);
    await json(await post('/v1/events', bob, event), 201);
    await json(await put(`/v1/rooms/${bobRoom.id}/sip`, bob), 200);
    await json(await post(`/v1/rooms/${bobRoom.id}/invites`, bob), 201);
    expect(
      (await json<{ permissions: string[] }>(await api.call('/v1/users/me', { token: bob }), 200))
        .permissions,
    ).toEqual(['schedule', 'dial_in', 'invite_guests', 'record']);

    // Carol is not: 403 missing_role, naming the permission, on every endpoint that creates.
    const refusals: [string, Promise<Response>][] = [
      ['schedule', post('/v1/rooms', carol)],
      ['schedule', post('/v1/events', carol, event)],
      ['dial_in', put(`/v1/rooms/${carolRoom}/sip`, carol)],
      ['invite_guests', post(`/v1/rooms/${carolRoom}/invites`, carol)],
      ['invite_guests', put(`/v1/rooms/${carolRoom}/invites/${carolLink}`, carol, { active: true })],
      ['invite_guests', post(`/v1/events/${carolEvent}/invites`, carol, { email: 'outside@elsewhere.test' })],
    ];
    for (const [permission, response] of refusals) {
      const problem = await json<{ code: string; permission: string; title: string }>(await response, 403);
      expect(problem).toMatchObject({ code: 'missing_role', permission });
      expect(problem.title).toMatch(/^You may not /);
    }
    // What is not creating stays hers: inviting a colleague, switching a guest link off, joining Bob's room.
    await json(await post(`/v1/events/${carolEvent}/invites`, carol, { email: 'bob@example.test' }), 201);
    await json(await put(`/v1/rooms/${carolRoom}/invites/${carolLink}`, carol, { active: false }), 200);
    await json(await post(`/v1/rooms/${bobRoom.id}/start`, carol), 200);
    expect(
      (await json<{ permissions: string[] }>(await api.call('/v1/users/me', { token: carol }), 200))
        .permissions,
    ).toEqual(['record']);
  });

  it("lists a person's permissions with where each comes from", async () => {
    const me = await json<{ id: string }>(await api.call('/v1/users/me', { token: bob }), 200);
    const roles = await json<{
      mapping: boolean;
      permissions: { permission: string; held: boolean; grants: unknown[] }[];
    }>(await api.call(`/v1/admin/users/${me.id}/roles`, { token: alice }), 200);
    expect(roles.mapping).toBe(true);
    const byName = Object.fromEntries(roles.permissions.map((p) => [p.permission, p]));
    expect(byName['schedule']).toEqual({
      permission: 'schedule',
      held: true,
      grants: [{ kind: 'connector_group', connector_id: connectorId, group: 'planners' }],
    });
    expect(byName['record']?.grants).toEqual([{ kind: 'default' }]);
    expect(byName['tenant_admin']).toMatchObject({ held: false, grants: [] });
  });

  it('takes the permission away at the next sync after the directory removes the membership', async () => {
    await slapd.modify(
      [
        `dn: ${groupDn(base, 'planners')}`,
        'changetype: modify',
        'delete: uniqueMember',
        `uniqueMember: ${userDn(base, 'bob')}`,
        '-',
        'delete: memberUid',
        'memberUid: bob',
        '-',
      ].join('\n'),
    );
    // Until the sync has read it, the core still knows Bob as a member.
    await json(await post('/v1/rooms', bob), 201);
    await fullSync();
    expect(await json<{ permission: string }>(await post('/v1/rooms', bob), 403)).toMatchObject({
      code: 'missing_role',
      permission: 'schedule',
    });
  });

  it("maps groups of the sign-in token's groups claim", async () => {
    // Bob's token says groups: staff, sales; Carol's: support.
    await json(
      await put('/v1/admin/role-mapping', alice, {
        rules: [
          { group: planners(), roles: ['schedule'] },
          { group: { kind: 'token', name: 'sales' }, roles: ['schedule'] },
          { group: { kind: 'token', name: 'support' }, roles: ['tenant_admin'] },
        ],
      }),
      200,
    );
    await json(await post('/v1/rooms', bob), 201);
    // A mapped tenant admin administers (and so holds every permission).
    await json(await api.call('/v1/admin/role-mapping', { token: carol }), 200);
    await json(await post('/v1/rooms', carol), 201);
    // A claim that only looks alike grants nothing.
    await json(
      await put('/v1/admin/role-mapping', alice, {
        rules: [{ group: { kind: 'token', name: 'Sales' }, roles: ['schedule'] }],
      }),
      200,
    );
    expect((await post('/v1/rooms', bob)).status).toBe(403);
  });

  it('refuses a mapping that would end the caller’s own administration', async () => {
    await json(
      await put('/v1/admin/role-mapping', alice, {
        rules: [{ group: { kind: 'token', name: 'support' }, roles: ['tenant_admin'] }],
      }),
      200,
    );
    // Carol administers only through the mapping: removing her rule is refused; Alice (realm role) may.
    expect(
      (await json<{ code: string }>(await put('/v1/admin/role-mapping', carol, { rules: [] }), 409)).code,
    ).toBe('conflict');
    await json(await put('/v1/admin/role-mapping', alice, { rules: [] }), 200);
    await json(await post('/v1/rooms', carol), 201);
  });

  it('leaves a tenant without a mapping as it was: everyone signed in may create', async () => {
    const elsewhere = await api.token('bob', 'elsewhere');
    const me = await json<{ permissions: string[] }>(
      await api.call('/v1/users/me', { token: elsewhere }),
      200,
    );
    expect(me.permissions).toEqual(['schedule', 'dial_in', 'invite_guests', 'record']);
    const room = await json<{ id: string }>(await post('/v1/rooms', elsewhere, { enable_sip: true }), 201);
    await json(await post(`/v1/rooms/${room.id}/invites`, elsewhere), 201);
    await json(await post('/v1/events', elsewhere, event), 201);
  });
});
