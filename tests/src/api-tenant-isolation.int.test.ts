import { apiV1Endpoints } from '@vc/conference-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { adminEndpoints, fakeConnector, fakeDirectory } from '@vc/hub/testing';
import { startApiHub, type ApiBackend, type ApiHub } from './support/api-hub.js';

/**
 * "No cross-tenant read or write is possible: a test tries every endpoint with another tenant's
 * ids." Tenant A (alice, the default tenant) creates one of everything; a user of tenant B then
 * calls every endpoint of the registry with A's ids, and A's data must come out unchanged.
 */

const berlin = (datetime: string) => ({ datetime, timezone: 'Europe/Berlin' });
/** The occurrence of A's weekly series that A changed (an exception) before the sweep. */
const instanceId = '20310317T080000Z';

interface AsData {
  connectorId?: string;
  runId?: string;
  roomId: string;
  inviteCode: string;
  eventId: string;
  instanceId: string;
  bobId: string;
  etag: string;
}

/** What tenant B's call to an endpoint must get. */
type Expectation =
  /** Not found: the id does not exist for the caller. */
  | { kind: 'not-found' }
  /** Refused outright, whatever the ids (e.g. a service-only endpoint called by a person). */
  | { kind: 'forbidden' }
  /** A listing: 200 and nothing in it (B has no data of its own yet). */
  | { kind: 'empty-list' }
  /** The endpoint acts on the caller's own data only, so a 2xx is right; why, in `reason`. */
  | { kind: 'own-data'; reason: string; orNotFound?: true };

interface Probe {
  readonly expect: Expectation;
  readonly query?: string;
  readonly body?: (a: AsData) => unknown;
}

const notFound: Expectation = { kind: 'not-found' };

/** One rule per endpoint that a user (or a guest) may call; a new endpoint without one fails the sweep. */
const probes: Record<string, Probe> = {
  getUsersMe: { expect: { kind: 'own-data', reason: 'the caller’s own profile; takes no ids' } },
  patchUsersMe: {
    expect: { kind: 'own-data', reason: 'changes the caller’s own profile; takes no ids' },
    body: () => ({ display_name: 'Mallory' }),
  },
  // The calendar feed of the caller: /me paths name no ids of anyone else.
  postCalendarFeed: {
    expect: { kind: 'own-data', reason: 'creates the secret feed URL of the caller; takes no ids' },
  },
  deleteCalendarFeed: {
    expect: {
      kind: 'own-data',
      reason: 'revokes the caller’s own feed (404 when the caller has none); takes no ids',
      orNotFound: true,
    },
  },
  getUsersFind: { expect: { kind: 'empty-list' }, query: 'q=alice' },
  getEvents: { expect: { kind: 'empty-list' } },
  postEvents: {
    expect: { kind: 'own-data', reason: 'creates an event (and room) in the caller’s tenant; takes no ids' },
    body: () => ({
      title: 'B meeting',
      starts_at: berlin('2031-03-10T08:00:00Z'),
      ends_at: berlin('2031-03-10T09:00:00Z'),
    }),
  },
  getEvent: { expect: notFound },
  patchEvent: { expect: notFound, body: () => ({ title: 'Hijacked' }) },
  deleteEvent: { expect: notFound },
  getEventInstances: { expect: notFound },
  getEventInstance: { expect: notFound },
  patchEventInstance: { expect: notFound, body: () => ({ status: 'cancelled' }) },
  getEventInvites: { expect: notFound },
  postEventInvites: { expect: notFound, body: (a) => ({ invitee: a.bobId, role: 'moderator' }) },
  deleteEventInviteUser: { expect: notFound },
  patchEventInvite: { expect: notFound, body: () => ({ status: 'accepted' }) },
  deleteEventInvite: { expect: notFound },
  getRooms: { expect: { kind: 'empty-list' } },
  postRooms: {
    expect: { kind: 'own-data', reason: 'creates a room in the caller’s tenant; takes no ids' },
    body: () => ({}),
  },
  // Service-only: a person of any tenant is refused before any id is looked at.
  postCallInStart: { expect: { kind: 'forbidden' }, body: () => ({ id: '0000000000', pin: '0000' }) },
  // Guest-only: it answers for the invite code the caller holds, so a person is refused.
  getInviteRoom: { expect: { kind: 'forbidden' } },
  getRoom: { expect: notFound },
  patchRoom: { expect: notFound, body: () => ({ password: null, guest_access: 'direct_access' }) },
  deleteRoom: { expect: notFound },
  getRoomInvites: { expect: notFound },
  postRoomInvites: { expect: notFound, body: () => ({}) },
  getRoomInvite: { expect: notFound },
  putRoomInvite: { expect: notFound, body: () => ({ active: false }) },
  deleteRoomInvite: { expect: notFound },
  getRoomSip: { expect: notFound },
  putRoomSip: { expect: notFound, body: () => ({ password: '1111', lobby: true }) },
  deleteRoomSip: { expect: notFound },
  postRoomStart: { expect: notFound, body: () => ({ password: 'a-secret' }) },
  // Tenant administrators only (mallory is none); an admin of another tenant sees only their own
  // tenant's mail (tests/src/api-mail.int.test.ts).
  // Roles from groups: tenant administrators only, refused before any id is looked at.
  getAdminRoleMapping: { expect: { kind: 'forbidden' } },
  putAdminRoleMapping: { expect: { kind: 'forbidden' }, body: () => ({ rules: [] }) },
  getAdminUserRoles: { expect: { kind: 'forbidden' } },
  getAdminMailDeadLetters: { expect: { kind: 'forbidden' } },
  getAdminMailOutbox: { expect: { kind: 'forbidden' } },
  postAdminMailReplies: {
    expect: { kind: 'forbidden' },
    body: (a) => ({
      ics: `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:${a.eventId}\r\nATTENDEE;PARTSTAT=DECLINED:mailto:bob@example.test\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`,
    }),
  },
};

/**
 * The hub's connector admin endpoints, probed by an administrator of the other tenant (alice in
 * tenant other-co): a person without the role is refused before any id is looked at, which would
 * prove nothing about isolation.
 */
const adminProbes: Record<string, Probe> = {
  getConnectorTypes: {
    expect: { kind: 'own-data', reason: 'the connector types of this hub; no tenant data' },
  },
  getConnectorAudit: { expect: { kind: 'empty-list' } },
  getConnectors: { expect: { kind: 'empty-list' } },
  postConnectors: {
    expect: { kind: 'own-data', reason: 'creates a connector in the caller’s tenant; takes no ids' },
    body: () => ({ type: 'fake', name: 'B directory', settings: { directory: 'b', password: 'b-pass' } }),
  },
  getConnector: { expect: notFound },
  patchConnector: { expect: notFound, body: () => ({ name: 'Hijacked', settings: { password: 'mine' } }) },
  deleteConnector: { expect: notFound },
  postConnectorCheck: { expect: notFound },
  getConnectorRuns: { expect: notFound },
  postConnectorRuns: { expect: notFound, body: () => ({ mode: 'full' }) },
  getConnectorRun: { expect: notFound },
  postConnectorRunApprove: { expect: notFound },
  postConnectorRunReject: { expect: notFound },
};

function pathWithAsIds(path: string, a: AsData): string {
  const values: Record<string, string> = {
    eventId: a.eventId,
    roomId: a.roomId,
    inviteCode: a.inviteCode,
    userId: a.bobId,
    instanceId: a.instanceId,
    ...(a.connectorId === undefined ? {} : { connectorId: a.connectorId }),
    ...(a.runId === undefined ? {} : { runId: a.runId }),
  };
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined)
      throw new Error(`no value of tenant A for the path parameter ${name} in ${path}`);
    return encodeURIComponent(value);
  });
}

describe.each<ApiBackend>(['pglite', 'postgres'])('tenant isolation of API v1 (%s)', (backend) => {
  const directoryA = fakeDirectory('a-pass');
  directoryA.put({ externalId: 'a1', email: 'a1@a.test' });
  let api: ApiHub;
  let alice: string;
  let bob: string;
  let mallory: string;
  let a: AsData;

  async function json<T>(res: Response, status: number): Promise<T> {
    expect(res.status, await res.clone().text()).toBe(status);
    return (await res.json()) as T;
  }

  /** Everything of tenant A, read as alice. */
  async function snapshot(): Promise<Record<string, unknown>> {
    const read = async (path: string) => {
      const res = await api.call(path, { token: alice });
      return { status: res.status, etag: res.headers.get('etag'), body: await res.json() };
    };
    return {
      room: await read(`/v1/rooms/${a.roomId}`),
      event: await read(`/v1/events/${a.eventId}`),
      instance: await read(`/v1/events/${a.eventId}/instances/${a.instanceId}`),
      invites: await read(`/v1/events/${a.eventId}/invites`),
      guestLinks: await read(`/v1/rooms/${a.roomId}/invites`),
      guestLink: await read(`/v1/rooms/${a.roomId}/invites/${a.inviteCode}`),
      dialIn: await read(`/v1/rooms/${a.roomId}/sip`),
    };
  }

  beforeAll(async () => {
    api = await startApiHub({
      backend,
      connectors: [fakeConnector({ a: directoryA, b: fakeDirectory('b-pass') })],
    });
    [alice, bob, mallory] = await Promise.all([
      api.token('alice'),
      api.token('bob'),
      api.token('carol', 'other-co'),
    ]);
    const bobMe = await json<{ id: string }>(await api.call('/v1/users/me', { token: bob }), 200);

    const room = await json<{ id: string }>(
      await api.call('/v1/rooms', { method: 'POST', token: alice, body: { password: 'a-secret' } }),
      201,
    );
    const link = await json<{ invite_code: string }>(
      await api.call(`/v1/rooms/${room.id}/invites`, { method: 'POST', token: alice, body: {} }),
      201,
    );
    await json(
      await api.call(`/v1/rooms/${room.id}/sip`, { method: 'PUT', token: alice, body: { password: '2468' } }),
      201,
    );
    const event = await json<{ id: string }>(
      await api.call('/v1/events', {
        method: 'POST',
        token: alice,
        body: {
          title: 'Weekly sync',
          starts_at: berlin('2031-03-10T08:00:00Z'),
          ends_at: berlin('2031-03-10T09:00:00Z'),
          recurrence_pattern: ['RRULE:FREQ=WEEKLY;COUNT=6'],
        },
      }),
      201,
    );
    await json(
      await api.call(`/v1/events/${event.id}/instances/${instanceId}`, {
        method: 'PATCH',
        token: alice,
        body: { title: 'Moved' },
        headers: { 'if-match': '"1"' },
      }),
      200,
    );
    const invited = await api.call(`/v1/events/${event.id}/invites`, {
      method: 'POST',
      token: alice,
      body: { invitee: bobMe.id },
    });
    await json(invited, 201);
    const current = await api.call(`/v1/events/${event.id}`, { token: alice });
    a = {
      roomId: room.id,
      inviteCode: link.invite_code,
      eventId: event.id,
      instanceId,
      bobId: bobMe.id,
      etag: current.headers.get('etag') ?? '',
    };
    expect(a.etag).toBe('"2"'); // created, then one exception (invites do not change the revision)
  });
  afterAll(async () => {
    await api.stop();
  });

  it('gives a user of another tenant nothing of tenant A on any endpoint, and changes nothing', async () => {
    const before = await snapshot();
    expect(before['guestLink']).toMatchObject({ status: 200, body: { active: true } });
    expect(before['dialIn']).toMatchObject({ status: 200, body: { password: '2468' } });

    const missing = apiV1Endpoints
      .filter((e) => (e.access.includes('user') || e.access.includes('guest')) && !(e.operationId in probes))
      .map((e) => e.operationId);
    expect.soft(missing, 'endpoints without a tenant-isolation probe rule').toEqual([]);

    // Public endpoints (access []) hold no tenant data and are skipped. Own-data endpoints run
    // last, so the listings still see an empty tenant B.
    const swept = apiV1Endpoints
      .filter((e) => e.access.length > 0 && probes[e.operationId] !== undefined)
      .sort(
        (x, y) =>
          Number(probes[x.operationId]?.expect.kind === 'own-data') -
          Number(probes[y.operationId]?.expect.kind === 'own-data'),
      );
    const failures: string[] = [];
    for (const endpoint of swept) {
      const probe = probes[endpoint.operationId];
      if (probe === undefined) continue;
      const path = pathWithAsIds(endpoint.path, a) + (probe.query === undefined ? '' : `?${probe.query}`);
      const res = await api.call(path, {
        method: endpoint.method.toUpperCase(),
        token: mallory,
        headers: { 'if-match': a.etag },
        ...(probe.body === undefined ? {} : { body: probe.body(a) }),
      });
      const text = await res.text();
      const what = `${endpoint.operationId} ${endpoint.method.toUpperCase()} ${path} → ${res.status} ${text.slice(0, 200)}`;
      if (res.status >= 500) {
        failures.push(`server error: ${what}`);
        continue;
      }
      switch (probe.expect.kind) {
        case 'not-found':
          if (res.status !== 404) failures.push(`expected 404: ${what}`);
          break;
        case 'forbidden':
          if (res.status !== 403) failures.push(`expected 403: ${what}`);
          break;
        case 'empty-list': {
          const body = res.status === 200 ? (JSON.parse(text) as unknown) : undefined;
          const items = Array.isArray(body) ? body : (body as { items?: unknown } | undefined)?.items;
          if (!Array.isArray(items) || items.length > 0)
            failures.push(`expected 200 and an empty list: ${what}`);
          break;
        }
        case 'own-data':
          if (probe.expect.orNotFound === true && res.status === 404) break;
          if (res.status < 200 || res.status > 299) failures.push(`expected 2xx on own data: ${what}`);
          else if ([a.roomId, a.eventId, a.inviteCode].some((id) => text.includes(id)))
            failures.push(`own-data answer names tenant A's ids: ${what}`);
          break;
      }
    }
    expect(failures).toEqual([]);

    const after = await snapshot();
    expect(after).toEqual(before);
    expect(after['event']).toMatchObject({ status: 200, etag: a.etag });
  });

  it('gives an administrator of another tenant nothing of tenant A’s connectors, runs or audit log', async () => {
    const otherAdmin = await api.token('alice', 'other-co');
    const connector = await json<{ id: string }>(
      await api.call('/v1/admin/connectors', {
        method: 'POST',
        token: alice,
        // No schedule: the run below is the only one, started by the test.
        body: {
          type: 'fake',
          name: 'A directory',
          settings: { directory: 'a', password: 'a-pass' },
          incremental_every_ms: null,
          full_cron: null,
        },
      }),
      201,
    );
    const run = await json<{ id: string }>(
      await api.call(`/v1/admin/connectors/${connector.id}/runs`, {
        method: 'POST',
        token: alice,
        body: { mode: 'full', dry_run: true },
      }),
      202,
    );
    const ids: AsData = { ...a, connectorId: connector.id, runId: run.id };
    const readA = async () => {
      const one = await api.call(`/v1/admin/connectors/${connector.id}`, { token: alice });
      const body = (await one.json()) as { name: string; settings: unknown; updated_at: string };
      const audit = await api.call('/v1/admin/connector-audit', { token: alice });
      return {
        name: body.name,
        settings: body.settings,
        updated: body.updated_at,
        audit: await audit.json(),
      };
    };
    const before = await readA();

    const missing = adminEndpoints.filter((e) => !(e.operationId in adminProbes)).map((e) => e.operationId);
    expect.soft(missing, 'admin endpoints without a tenant-isolation probe rule').toEqual([]);
    const swept = [...adminEndpoints].sort(
      (x, y) =>
        Number(adminProbes[x.operationId]?.expect.kind === 'own-data') -
        Number(adminProbes[y.operationId]?.expect.kind === 'own-data'),
    );
    const failures: string[] = [];
    for (const endpoint of swept) {
      const probe = adminProbes[endpoint.operationId];
      if (probe === undefined) continue;
      const path = pathWithAsIds(endpoint.path, ids);
      const res = await api.call(path, {
        method: endpoint.method.toUpperCase(),
        token: otherAdmin,
        ...(probe.body === undefined ? {} : { body: probe.body(ids) }),
      });
      const text = await res.text();
      const what = `${endpoint.operationId} ${endpoint.method.toUpperCase()} ${path} → ${res.status} ${text.slice(0, 200)}`;
      const kind = probe.expect.kind;
      if (kind === 'not-found' && res.status !== 404) failures.push(`expected 404: ${what}`);
      if (kind === 'empty-list') {
        const items = res.status === 200 ? (JSON.parse(text) as { items?: unknown[] }).items : undefined;
        if (!Array.isArray(items) || items.length > 0) failures.push(`expected an empty list: ${what}`);
      }
      if (kind === 'own-data') {
        if (res.status < 200 || res.status > 299) failures.push(`expected 2xx on own data: ${what}`);
        else if ([connector.id, run.id].some((id) => text.includes(id)))
          failures.push(`names A's ids: ${what}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await readA()).toEqual(before);
  });

  it('lets a guest code of one tenant start no room of the other', async () => {
    const bRoom = await json<{ id: string }>(
      await api.call('/v1/rooms', { method: 'POST', token: mallory, body: {} }),
      201,
    );
    const bLink = await json<{ invite_code: string }>(
      await api.call(`/v1/rooms/${bRoom.id}/invites`, { method: 'POST', token: mallory, body: {} }),
      201,
    );
    const start = (roomId: string, code: string, ip: string) =>
      api.call(`/v1/rooms/${roomId}/start`, {
        method: 'POST',
        body: { password: 'a-secret' },
        headers: { authorization: `InviteCode ${code}`, 'x-forwarded-for': ip },
      });
    const aCodeOnB = await start(bRoom.id, a.inviteCode, '10.9.0.1');
    expect([403, 404]).toContain(aCodeOnB.status);
    const bCodeOnA = await start(a.roomId, bLink.invite_code, '10.9.0.2');
    expect([403, 404]).toContain(bCodeOnA.status);
    // The codes themselves still work where they belong.
    expect((await start(bRoom.id, bLink.invite_code, '10.9.0.3')).status).toBe(200);
  });
});
