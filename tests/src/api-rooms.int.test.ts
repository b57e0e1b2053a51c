import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApiHub, type ApiHub } from './support/api-hub.js';

const callInSecret = 'call-in-secret-for-the-rooms-test';

let api: ApiHub;
let alice: string;
let bob: string;
beforeAll(async () => {
  api = await startApiHub({ DEV_IDP_CALL_IN_SECRET: callInSecret, MAIL_DIAL_IN_NUMBER: '+49 30 555 0100' });
  [alice, bob] = await Promise.all([api.token('alice'), api.token('bob')]);
  // Both users exist before either looks at the other's rooms.
  await Promise.all([api.call('/v1/users/me', { token: alice }), api.call('/v1/users/me', { token: bob })]);
});
afterAll(async () => {
  await api.stop();
});

interface RoomJson {
  id: string;
  owner_id: string;
  password?: string | null;
  waiting_room: boolean;
  guest_access: string;
  sip?: { sip_id: string; password: string; lobby: boolean };
}
interface LinkJson {
  invite_code: string;
  room_id: string;
  expiration: string | null;
  active: boolean;
}
interface StartJson {
  ticket: string;
  signaling_url: string;
  expires_in: number;
}
interface ProblemJson {
  code: string;
  detail?: string;
  errors?: { field: string }[];
}

async function createRoom(token: string, body: Record<string, unknown> = {}): Promise<RoomJson> {
  const res = await api.call('/v1/rooms', { method: 'POST', token, body });
  expect(res.status).toBe(201);
  return (await res.json()) as RoomJson;
}

/** Each caller its own source address (the hub trusts X-Forwarded-For from loopback). */
function from(ip: string): Record<string, string> {
  return { 'x-forwarded-for': ip };
}

function start(roomId: string, init: { token?: string; invite?: string; password?: string; ip: string }) {
  return api.call(`/v1/rooms/${roomId}/start`, {
    method: 'POST',
    ...(init.token === undefined ? {} : { token: init.token }),
    body: init.password === undefined ? {} : { password: init.password },
    headers: {
      ...from(init.ip),
      ...(init.invite === undefined ? {} : { authorization: `InviteCode ${init.invite}` }),
    },
  });
}

async function callInToken(): Promise<string> {
  const issuer = api.hub.devIdpIssuer;
  if (issuer === undefined) throw new Error('the development issuer is not running');
  const client = new oidc.Configuration(
    { issuer, token_endpoint: `${issuer}/protocol/openid-connect/token` },
    'vc-call-in',
    undefined,
    oidc.ClientSecretBasic(callInSecret),
  );
  oidc.allowInsecureRequests(client);
  return (await oidc.clientCredentialsGrant(client)).access_token;
}

function expectTicket(body: StartJson): void {
  expect(body.ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(body.signaling_url.endsWith(`/${body.ticket}`)).toBe(true);
  expect(body.expires_in).toBe(30);
}

describe('API v1: rooms', () => {
  it('creates, lists page by page, reads, changes and deletes the rooms of their owner', async () => {
    const carolToken = await api.token('carol');
    const created = [
      await createRoom(carolToken, { password: 'secret', waiting_room: true }),
      await createRoom(carolToken, { guest_access: 'disabled' }),
      await createRoom(carolToken),
    ];
    expect(created[0]).toMatchObject({
      password: 'secret',
      waiting_room: true,
      guest_access: 'waiting_room',
    });
    expect(created[1]).toMatchObject({ password: null, waiting_room: false, guest_access: 'disabled' });

    const first = (await (await api.call('/v1/rooms?limit=2', { token: carolToken })).json()) as {
      items: RoomJson[];
      next_cursor: string | null;
    };
    expect(first.items.map((r) => r.id)).toEqual([created[2]?.id, created[1]?.id]);
    expect(first.next_cursor).not.toBeNull();
    const second = (await (
      await api.call(`/v1/rooms?limit=2&after=${encodeURIComponent(first.next_cursor ?? '')}`, {
        token: carolToken,
      })
    ).json()) as { items: RoomJson[]; next_cursor: string | null };
    expect(second).toEqual({ items: [expect.objectContaining({ id: created[0]?.id })], next_cursor: null });

    const id = created[0]?.id ?? '';
    const got = await api.call(`/v1/rooms/${id}`, { token: carolToken });
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({ id, password: 'secret' });

    const patched = await api.call(`/v1/rooms/${id}`, {
      method: 'PATCH',
      token: carolToken,
      body: { password: null, guest_access: 'direct_access' },
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      password: null,
      guest_access: 'direct_access',
      waiting_room: true,
    });

    const deleted = await api.call(`/v1/rooms/${id}`, { method: 'DELETE', token: carolToken });
    expect(deleted.status).toBe(204);
    expect((await api.call(`/v1/rooms/${id}`, { token: carolToken })).status).toBe(404);
    expect((await api.call(`/v1/rooms/${id}`, { method: 'DELETE', token: carolToken })).status).toBe(404);
  });

  it('hides a room from other people of the tenant and from every other tenant', async () => {
    const room = await createRoom(alice, { password: 'hidden' });
    const elsewhere = await api.token('carol', 'other-co');
    for (const token of [bob, elsewhere]) {
      expect((await api.call(`/v1/rooms/${room.id}`, { token })).status).toBe(404);
      const patch = await api.call(`/v1/rooms/${room.id}`, {
        method: 'PATCH',
        token,
        body: { waiting_room: true },
      });
      expect(patch.status).toBe(404);
      expect((await api.call(`/v1/rooms/${room.id}`, { method: 'DELETE', token })).status).toBe(404);
      expect((await api.call(`/v1/rooms/${room.id}/invites`, { token })).status).toBe(404);
      expect((await api.call(`/v1/rooms/${room.id}/sip`, { method: 'PUT', token, body: {} })).status).toBe(
        404,
      );
      const listed = (await (await api.call('/v1/rooms', { token })).json()) as { items: RoomJson[] };
      expect(listed.items.map((r) => r.id)).not.toContain(room.id);
    }
    // Another tenant cannot even start it: the room does not exist there.
    expect((await start(room.id, { token: elsewhere, password: 'hidden', ip: '10.0.0.9' })).status).toBe(404);
    // The owner still sees it unchanged.
    expect(await (await api.call(`/v1/rooms/${room.id}`, { token: alice })).json()).toMatchObject({
      waiting_room: false,
    });
  });

  it('refuses bad bodies, bad ids and bad cursors field by field', async () => {
    const bad = await api.call('/v1/rooms', {
      method: 'POST',
      token: alice,
      body: { guest_access: 'everyone', waiting_room: 'yes', owner_id: 'x' },
    });
    expect(bad.status).toBe(422);
    const problem = (await bad.json()) as ProblemJson;
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors?.map((e) => e.field).sort()).toEqual([
      'body',
      'body.guest_access',
      'body.waiting_room',
    ]);

    const badId = await api.call('/v1/rooms/not-a-uuid', { token: alice });
    expect(badId.status).toBe(422);
    expect(((await badId.json()) as ProblemJson).errors?.map((e) => e.field)).toEqual(['path.roomId']);

    const badCursor = await api.call('/v1/rooms?after=bm9wZQ', { token: alice });
    expect(badCursor.status).toBe(422);
    expect(((await badCursor.json()) as ProblemJson).errors?.map((e) => e.field)).toEqual(['query.after']);

    const room = await createRoom(alice);
    const emptyPatch = await api.call(`/v1/rooms/${room.id}`, { method: 'PATCH', token: alice, body: {} });
    expect(emptyPatch.status).toBe(422);
    const badPin = await api.call(`/v1/rooms/${room.id}/sip`, {
      method: 'PUT',
      token: alice,
      body: { password: '12a4' },
    });
    expect(badPin.status).toBe(422);
    expect(((await badPin.json()) as ProblemJson).errors?.map((e) => e.field)).toEqual(['body.password']);
    const pastLink = await api.call(`/v1/rooms/${room.id}/invites`, {
      method: 'POST',
      token: alice,
      body: { expiration: '2001-01-01T00:00:00Z' },
    });
    expect(pastLink.status).toBe(422);
    expect(((await pastLink.json()) as ProblemJson).errors?.map((e) => e.field)).toEqual(['body.expiration']);
  });
});

describe('API v1: guest links and starting a room', () => {
  it('creates, lists, changes and deletes guest links of a room', async () => {
    const room = await createRoom(alice);
    const expiration = new Date(Date.now() + 3_600_000).toISOString();
    const created = await api.call(`/v1/rooms/${room.id}/invites`, {
      method: 'POST',
      token: alice,
      body: { expiration },
    });
    expect(created.status).toBe(201);
    const link = (await created.json()) as LinkJson;
    expect(link).toMatchObject({ room_id: room.id, expiration, active: true });
    const plain = (await (
      await api.call(`/v1/rooms/${room.id}/invites`, { method: 'POST', token: alice })
    ).json()) as LinkJson;
    expect(plain.expiration).toBeNull();

    const listed = (await (
      await api.call(`/v1/rooms/${room.id}/invites`, { token: alice })
    ).json()) as LinkJson[];
    expect(listed.map((l) => l.invite_code)).toEqual([link.invite_code, plain.invite_code]);

    const path = `/v1/rooms/${room.id}/invites/${link.invite_code}`;
    expect(await (await api.call(path, { token: alice })).json()).toMatchObject({
      invite_code: link.invite_code,
    });
    const changed = await api.call(path, {
      method: 'PUT',
      token: alice,
      body: { active: false, expiration: null },
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ active: false, expiration: null });

    // A code is only reachable under its own room.
    const other = await createRoom(alice);
    expect(
      (await api.call(`/v1/rooms/${other.id}/invites/${link.invite_code}`, { token: alice })).status,
    ).toBe(404);
    expect((await api.call(path, { token: bob })).status).toBe(404);

    expect((await api.call(path, { method: 'DELETE', token: alice })).status).toBe(204);
    expect((await api.call(path, { token: alice })).status).toBe(404);
  });

  it('lets a guest with a usable code start its room and refuses deactivated codes and closed rooms', async () => {
    const room = await createRoom(alice, { guest_access: 'waiting_room' });
    const link = (await (
      await api.call(`/v1/rooms/${room.id}/invites`, { method: 'POST', token: alice })
    ).json()) as LinkJson;

    const started = await start(room.id, { invite: link.invite_code, ip: '10.0.1.1' });
    expect(started.status).toBe(200);
    expectTicket((await started.json()) as StartJson);

    // The code opens its own room only.
    const other = await createRoom(alice);
    expect((await start(other.id, { invite: link.invite_code, ip: '10.0.1.1' })).status).toBe(403);

    await api.call(`/v1/rooms/${room.id}`, {
      method: 'PATCH',
      token: alice,
      body: { guest_access: 'disabled' },
    });
    const closed = await start(room.id, { invite: link.invite_code, ip: '10.0.1.1' });
    expect(closed.status).toBe(403);
    expect(((await closed.json()) as ProblemJson).code).toBe('forbidden');

    await api.call(`/v1/rooms/${room.id}`, {
      method: 'PATCH',
      token: alice,
      body: { guest_access: 'direct_access' },
    });
    await api.call(`/v1/rooms/${room.id}/invites/${link.invite_code}`, {
      method: 'PUT',
      token: alice,
      body: { active: false },
    });
    expect((await start(room.id, { invite: link.invite_code, ip: '10.0.1.1' })).status).toBe(401);
  });

  it('refuses a guest whose code has expired', async () => {
    const room = await createRoom(alice, { guest_access: 'direct_access' });
    const link = (await (
      await api.call(`/v1/rooms/${room.id}/invites`, {
        method: 'POST',
        token: alice,
        body: { expiration: new Date(Date.now() + 1_000).toISOString() },
      })
    ).json()) as LinkJson;
    expect((await start(room.id, { invite: link.invite_code, ip: '10.0.2.1' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const expired = await start(room.id, { invite: link.invite_code, ip: '10.0.2.1' });
    expect(expired.status).toBe(401);
  });

  it('lets the owner in without the password and asks it of everyone else', async () => {
    const room = await createRoom(alice, { password: 'open sesame' });
    expect((await start(room.id, { token: alice, ip: '10.0.3.1' })).status).toBe(200);
    const missing = await start(room.id, { token: bob, ip: '10.0.3.1' });
    expect(missing.status).toBe(401);
    const wrong = await start(room.id, { token: bob, password: 'open sesam', ip: '10.0.3.1' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: 'unauthorized', detail: 'wrong room password' });
    const right = await start(room.id, { token: bob, password: 'open sesame', ip: '10.0.3.1' });
    expect(right.status).toBe(200);
    expectTicket((await right.json()) as StartJson);
  });

  it('slows down password guessing from one source with 429 and Retry-After', async () => {
    const room = await createRoom(alice, { password: 'correct horse' });
    for (let i = 0; i < 6; i++) {
      expect((await start(room.id, { token: bob, password: `guess ${i}`, ip: '10.0.4.1' })).status).toBe(401);
    }
    const limited = await start(room.id, { token: bob, password: 'correct horse', ip: '10.0.4.1' });
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as ProblemJson).code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another source is not slowed by this one's failures.
    expect((await start(room.id, { token: bob, password: 'correct horse', ip: '10.0.4.2' })).status).toBe(
      200,
    );
  });

  it('keeps guests guessing a password from locking the room for its members', async () => {
    const room = await createRoom(alice, { password: 'members only', guest_access: 'direct_access' });
    const link = (await (
      await api.call(`/v1/rooms/${room.id}/invites`, { method: 'POST', token: alice })
    ).json()) as LinkJson;
    // 31 wrong guesses from 7 addresses, each within its free tries: beyond the room's guest limit (30).
    for (let i = 0; i < 31; i++) {
      const res = await start(room.id, {
        invite: link.invite_code,
        password: `guess ${i}`,
        ip: `10.0.9.${i % 7}`,
      });
      expect(res.status).toBe(401);
    }
    const guest = await start(room.id, {
      invite: link.invite_code,
      password: 'members only',
      ip: '10.0.9.50',
    });
    expect(guest.status).toBe(429);
    const member = await start(room.id, { token: bob, password: 'members only', ip: '10.0.9.51' });
    expect(member.status).toBe(200);
  });

  it('forgets the failures of a source once it gives the right password', async () => {
    const room = await createRoom(alice, { password: 'tr0ub4dor' });
    for (let i = 0; i < 5; i++) {
      expect((await start(room.id, { token: bob, password: `guess ${i}`, ip: '10.0.5.1' })).status).toBe(401);
    }
    expect((await start(room.id, { token: bob, password: 'tr0ub4dor', ip: '10.0.5.1' })).status).toBe(200);
    // Without the reset, the second attempt from here would have to wait; with it, six are free again.
    for (let i = 0; i < 6; i++) {
      expect((await start(room.id, { token: bob, password: `again ${i}`, ip: '10.0.5.1' })).status).toBe(401);
    }
  });
});

describe('API v1: dial-in', () => {
  it('enables, reads, changes and removes the dial-in of a room', async () => {
    const room = await createRoom(alice);
    const path = `/v1/rooms/${room.id}/sip`;
    expect((await api.call(path, { token: alice })).status).toBe(404);
    const created = await api.call(path, { method: 'PUT', token: alice });
    expect(created.status).toBe(201);
    const sip = (await created.json()) as { sip_id: string; password: string; lobby: boolean };
    expect(sip).toMatchObject({
      sip_id: expect.stringMatching(/^[0-9]{10}$/) as unknown,
      lobby: false,
      number: '+49 30 555 0100',
    });
    expect(sip.password).toMatch(/^[0-9]{6}$/);

    const changed = await api.call(path, {
      method: 'PUT',
      token: alice,
      body: { password: '4711', lobby: true },
    });
    expect(changed.status).toBe(200);
    const number = '+49 30 555 0100';
    expect(await changed.json()).toEqual({ sip_id: sip.sip_id, password: '4711', lobby: true, number });
    expect(await (await api.call(path, { token: alice })).json()).toEqual({
      sip_id: sip.sip_id,
      password: '4711',
      lobby: true,
      number,
    });

    expect((await api.call(path, { method: 'DELETE', token: alice })).status).toBe(204);
    expect((await api.call(path, { token: alice })).status).toBe(404);
  });

  it('gives a room its dial-in at creation when asked', async () => {
    const room = await createRoom(alice, { enable_sip: true });
    expect(room.sip?.sip_id).toMatch(/^[0-9]{10}$/);
    expect(await (await api.call(`/v1/rooms/${room.id}/sip`, { token: alice })).json()).toEqual(room.sip);
  });

  it('lets the call-in service start a call with the right conference id and PIN only', async () => {
    const room = await createRoom(alice, { enable_sip: true });
    const sip = room.sip;
    if (sip === undefined) throw new Error('no dial-in');
    const service = await callInToken();
    const callIn = (body: unknown, token = service, ip = '10.0.6.1') =>
      api.call('/v1/services/call_in/start', { method: 'POST', token, body, headers: from(ip) });

    const ok = await callIn({ id: sip.sip_id, pin: sip.password });
    expect(ok.status).toBe(200);
    expectTicket((await ok.json()) as StartJson);

    const wrongPin = await callIn({ id: sip.sip_id, pin: sip.password === '000000' ? '111111' : '000000' });
    expect(wrongPin.status).toBe(401);
    const wrongPinProblem = (await wrongPin.json()) as ProblemJson;
    expect(wrongPinProblem).toMatchObject({
      code: 'unauthorized',
      detail: 'unknown conference id or wrong PIN',
    });
    const unknownId = await callIn({
      id: sip.sip_id === '0000000000' ? '1111111111' : '0000000000',
      pin: '1234',
    });
    expect(unknownId.status).toBe(401);
    expect(((await unknownId.json()) as ProblemJson).detail).toBe(wrongPinProblem.detail);

    const asUser = await callIn({ id: sip.sip_id, pin: sip.password }, alice);
    expect(asUser.status).toBe(403);

    const badBody = await callIn({ id: '12345', pin: 'abcd' });
    expect(badBody.status).toBe(422);
    expect(((await badBody.json()) as ProblemJson).errors?.map((e) => e.field).sort()).toEqual([
      'body.id',
      'body.pin',
    ]);
  });

  it('counts PIN failures per caller the gateway names, so one caller guessing does not block another', async () => {
    const room = await createRoom(alice, { enable_sip: true });
    const sip = room.sip;
    if (sip === undefined) throw new Error('no dial-in');
    const service = await callInToken();
    const wrong = sip.password === '999999' ? '888888' : '999999';
    // Every call reaches the API from the gateway's one address.
    const callIn = (caller: string, pin: string) =>
      api.call('/v1/services/call_in/start', {
        method: 'POST',
        token: service,
        body: { id: sip.sip_id, pin, caller: { key: caller, number: '+4930999000' } },
        headers: from('10.0.8.1'),
      });
    for (let i = 0; i < 6; i++) expect((await callIn('+4915100000009@203.0.113.9', wrong)).status).toBe(401);
    expect((await callIn('+4915100000009@203.0.113.9', sip.password)).status).toBe(429);
    const other = await callIn('+4917600000001@203.0.113.9', sip.password);
    expect(other.status).toBe(200);
    expect(await other.json()).toMatchObject({ display_name: '+4930 ••• 00' });
  });

  it('slows down PIN guessing from one source', async () => {
    const room = await createRoom(alice, { enable_sip: true });
    const sip = room.sip;
    if (sip === undefined) throw new Error('no dial-in');
    const service = await callInToken();
    const wrong = sip.password === '999999' ? '888888' : '999999';
    for (let i = 0; i < 6; i++) {
      const res = await api.call('/v1/services/call_in/start', {
        method: 'POST',
        token: service,
        body: { id: sip.sip_id, pin: wrong },
        headers: from('10.0.7.1'),
      });
      expect(res.status).toBe(401);
    }
    const limited = await api.call('/v1/services/call_in/start', {
      method: 'POST',
      token: service,
      body: { id: sip.sip_id, pin: sip.password },
      headers: from('10.0.7.1'),
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^[0-9]+$/);
  });
});
