import * as oidc from 'openid-client';
import { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';

import type { JoinSuccess } from '@vc/conference-core/signaling-client';

import {
  connect,
  useSignalingWorld,
  createRoom,
  guestLink,
  nothingArrives,
  startRoom,
} from './support/signaling.js';

const callInSecret = 'call-in-secret-for-the-signaling-test';
const world = useSignalingWorld({
  SIGNALING_RECONNECT_GRACE_MS: '1000',
  SIGNALING_PING_INTERVAL_MS: '300',
  DEV_IDP_CALL_IN_SECRET: callInSecret,
});
const { join } = world;

/** Status of an upgrade attempt that the server refuses before upgrading. */
function refusedStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => reject(new Error('the server upgraded')));
    ws.on('error', () => undefined);
  });
}

describe('signaling: connection and join', () => {
  it('joins the owner as moderator with room and event info, then announces others, names and leaving', async () => {
    const roomId = await createRoom(world.api, world.alice, {
      guest_access: 'direct_access',
      password: 'pw',
    });
    const { client: a, me } = await join(roomId, { token: world.alice });
    expect(me).toMatchObject({
      message: 'join_success',
      protocol_version: '1.1',
      role: 'moderator',
      is_room_owner: true,
      participation_kind: 'user',
      display_name: expect.stringContaining('Alice') as unknown,
      room: { id: roomId, waiting_room: false, guest_access: 'direct_access', password: 'pw' },
      event: null,
      dial_in: null,
      participants: [],
    });
    expect(me.resumption).toMatch(/^[A-Za-z0-9_-]{20,}$/);

    const { signaling_url } = await startRoom(world.api, roomId, { token: world.bob }, 'pw');
    const b = await connect(signaling_url);
    world.track(b);
    const bobJoined = (await b.join({ display_name: 'Bobby' })).payload as unknown as JoinSuccess;
    expect(bobJoined).toMatchObject({ role: 'user', is_room_owner: false, display_name: 'Bobby' });
    expect(bobJoined.room).not.toHaveProperty('password');
    expect(bobJoined.participants.map((p) => p.id)).toEqual([me.id]);
    const announced = await a.next('control', 'joined');
    expect(announced.payload['participant']).toMatchObject({
      id: bobJoined.id,
      control: { display_name: 'Bobby', role: 'user', participation_kind: 'user', is_room_owner: false },
    });
    expect(announced.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);

    b.send('control', { action: 'set_display_name', display_name: '  Bob B.  ' });
    const update = await a.next('control', 'update');
    expect(update.payload['participant']).toMatchObject({
      id: bobJoined.id,
      control: { display_name: 'Bob B.' },
    });

    b.send('control', { action: 'leave' });
    expect((await b.closed).code).toBe(4004);
    expect((await a.next('control', 'left')).payload).toEqual({
      message: 'left',
      id: bobJoined.id,
      reason: 'quit',
    });
  });

  it('refuses a used ticket, a made-up ticket and other paths before the upgrade', async () => {
    const roomId = await createRoom(world.api, world.alice);
    const { signaling_url, ticket } = await startRoom(world.api, roomId, { token: world.alice });
    const first = await connect(signaling_url);
    world.track(first);
    expect(await refusedStatus(signaling_url)).toBe(401);
    expect(await refusedStatus(signaling_url.replace(ticket, 'A'.repeat(43)))).toBe(401);
    expect(await refusedStatus(signaling_url.replace(ticket, 'short'))).toBe(401);
    expect(await refusedStatus(`${world.api.url.replace('http', 'ws')}/elsewhere`)).toBe(404);
    const res = await fetch(signaling_url.replace('ws', 'http'));
    expect(res.status).toBeGreaterThanOrEqual(400);
  });

  it('lets several tabs of one user join as separate participants of the same user', async () => {
    const roomId = await createRoom(world.api, world.alice);
    const one = await join(roomId, { token: world.bob });
    const two = await join(roomId, { token: world.bob });
    expect(two.me.id).not.toBe(one.me.id);
    const joined = (await one.client.next('control', 'joined')).payload[
      'participant'
    ] as JoinSuccess['participants'][number];
    expect(joined.id).toBe(two.me.id);
    expect(two.me.participants.map((p) => p.id)).toEqual([one.me.id]);
    expect(joined.control.user_id).toBeDefined();
    expect(two.me.participants[0]?.control.user_id).toBe(joined.control.user_id);
  });

  it('answers echo before and after joining', async () => {
    const roomId = await createRoom(world.api, world.alice);
    const { signaling_url } = await startRoom(world.api, roomId, { token: world.alice });
    const c = await connect(signaling_url);
    world.track(c);
    c.send('echo', { action: 'echo', data: { n: 1 } });
    expect((await c.next('echo', 'echo')).payload).toEqual({ message: 'echo', data: { n: 1 } });
    c.send('moderation', { action: 'accept_all' });
    expect((await c.next('moderation', 'error')).payload).toMatchObject({ error: 'not_joined' });
    await c.join();
    c.send('echo', { action: 'echo' });
    expect((await c.next('echo', 'echo')).payload).toEqual({ message: 'echo', data: null });
  });
});

async function callInToken(): Promise<string> {
  const issuer = world.api.hub.devIdpIssuer ?? '';
  const client = new oidc.Configuration(
    { issuer, token_endpoint: `${issuer}/protocol/openid-connect/token` },
    'vc-call-in',
    undefined,
    oidc.ClientSecretBasic(callInSecret),
  );
  oidc.allowInsecureRequests(client);
  return (await oidc.clientCredentialsGrant(client)).access_token;
}

describe('signaling: meeting details and phone callers', () => {
  it('shows the event and dial-in in join_success and lets a phone caller in through the lobby', async () => {
    const created = await world.api.call('/v1/events', {
      method: 'POST',
      token: world.alice,
      body: { title: 'Planung', description: 'Q3', is_time_independent: true, is_adhoc: true },
    });
    expect(created.status).toBe(201);
    const event = (await created.json()) as { id: string; room_id: string };
    const sip = await world.api.call(`/v1/rooms/${event.room_id}/sip`, {
      method: 'PUT',
      token: world.alice,
      body: { password: '4711', lobby: true },
    });
    const dialIn = (await sip.json()) as { sip_id: string };
    const { client: mod, me } = await join(event.room_id, { token: world.alice });
    expect(me.event).toMatchObject({
      id: event.id,
      title: 'Planung',
      description: 'Q3',
      is_adhoc: true,
      starts_at: null,
    });
    expect(me.dial_in).toEqual({ conference_id: dialIn.sip_id, pin: '4711' });

    const started = await world.api.call('/v1/services/call_in/start', {
      method: 'POST',
      token: await callInToken(),
      body: { id: dialIn.sip_id, pin: '4711' },
    });
    expect(started.status).toBe(200);
    const phone = await connect(((await started.json()) as { signaling_url: string }).signaling_url);
    world.track(phone);
    expect((await phone.join({ display_name: '+49 30 1234' })).payload.message).toBe('in_waiting_room');
    const waiting = await mod.next('moderation', 'joined_waiting_room');
    expect(waiting.payload['participant']).toMatchObject({ control: { participation_kind: 'phone' } });
    mod.send('moderation', { action: 'accept_all' });
    await phone.next('moderation', 'accepted');
    expect(await phone.enterRoom()).toMatchObject({
      participation_kind: 'phone',
      role: 'guest',
      display_name: '+49 30 1234',
    });
  });
});

describe('signaling: waiting room', () => {
  it('holds participants until a moderator accepts them, one or all, then they enter', async () => {
    const roomId = await createRoom(world.api, world.alice, {
      waiting_room: true,
      guest_access: 'waiting_room',
    });
    const { client: mod } = await join(roomId, { token: world.alice });
    const b = await join(roomId, { token: world.bob }, { display_name: 'Bob' });
    expect(b.answer.payload.message).toBe('in_waiting_room');
    const waiting = await mod.next('moderation', 'joined_waiting_room');
    const bobId = (waiting.payload['participant'] as { id: string }).id;
    expect(waiting.payload['participant']).toMatchObject({
      control: { display_name: 'Bob', participation_kind: 'user' },
    });

    // Nothing but entering, leaving and echo from the waiting room; and no early entering.
    b.client.send('moderation', { action: 'accept_all' });
    expect((await b.client.next('moderation', 'error')).payload).toMatchObject({ error: 'not_in_room' });
    b.client.send('control', { action: 'enter_room' });
    expect((await b.client.next('control', 'error')).payload).toMatchObject({ error: 'not_accepted' });

    mod.send('moderation', { action: 'accept', target: bobId });
    await b.client.next('moderation', 'accepted');
    expect((await mod.next('moderation', 'left_waiting_room')).payload).toMatchObject({ id: bobId });
    const entered = await b.client.enterRoom();
    expect(entered.id).toBe(bobId);
    expect((await mod.next('control', 'joined')).payload['participant']).toMatchObject({ id: bobId });

    const invite = await guestLink(world.api, world.alice, roomId);
    const g1 = await join(roomId, { invite }, { display_name: 'Guest One' });
    const g2 = await join(roomId, { invite }, { display_name: 'Guest Two' });
    expect([g1.answer.payload.message, g2.answer.payload.message]).toEqual([
      'in_waiting_room',
      'in_waiting_room',
    ]);
    mod.send('moderation', { action: 'accept_all' });
    await g1.client.next('moderation', 'accepted');
    await g2.client.next('moderation', 'accepted');
    const guest = await g1.client.enterRoom();
    expect(guest).toMatchObject({ role: 'guest', participation_kind: 'guest', display_name: 'Guest One' });
    // Bob, in the room, saw nothing of the waiting room.
    expect(b.client.pending().filter((f) => f.namespace === 'moderation')).toEqual([]);
  });

  it('lets a moderator enable and disable the waiting room for those who join later', async () => {
    const roomId = await createRoom(world.api, world.alice, { guest_access: 'direct_access' });
    const { client: mod } = await join(roomId, { token: world.alice });
    mod.send('moderation', { action: 'enable_waiting_room' });
    await mod.next('moderation', 'waiting_room_enabled');
    const b = await join(roomId, { token: world.bob });
    expect(b.answer.payload.message).toBe('in_waiting_room');
    mod.send('moderation', { action: 'disable_waiting_room' });
    await mod.next('moderation', 'waiting_room_disabled');
    const c = await join(roomId, { token: world.carol });
    expect(c.answer.payload.message).toBe('join_success');
  });
});

describe('signaling: reconnect', () => {
  it('keeps identity and role for a reconnect within the grace period, and the others notice nothing', async () => {
    const roomId = await createRoom(world.api, world.alice);
    const a = await join(roomId, { token: world.alice });
    const b = await join(roomId, { token: world.bob });
    await a.client.next('control', 'joined');
    a.client.send('moderation', { action: 'grant_moderator', target: b.me.id });
    await b.client.next('moderation', 'role_updated');
    await a.client.next('control', 'update');
    // The connection drops (no goodbye).
    await b.client.close(3000, 'network gone');
    const again = await join(roomId, { token: world.bob }, { resumption: b.me.resumption });
    expect(again.me).toMatchObject({ message: 'join_success', id: b.me.id, role: 'moderator' });
    expect(again.me.participants.map((p) => p.id)).toEqual([a.me.id]);
    expect(await nothingArrives(a.client, 'control', 'left', 1300)).toBe(true);
    expect(a.client.pending().filter((f) => f.namespace === 'control')).toEqual([]);
  });

  it('announces the leave after the grace period, and a late resumption joins as someone new', async () => {
    const roomId = await createRoom(world.api, world.alice);
    const a = await join(roomId, { token: world.alice });
    const b = await join(roomId, { token: world.bob });
    await a.client.next('control', 'joined');
    await b.client.close(3000, 'network gone');
    const left = await a.client.next('control', 'left', undefined, 3000);
    expect(left.payload).toEqual({ message: 'left', id: b.me.id, reason: 'timeout' });
    const late = await join(roomId, { token: world.bob }, { resumption: b.me.resumption });
    expect(late.me.id).not.toBe(b.me.id);
    expect(late.me.role).toBe('user');
  });

  it('does not let another person take a participant over with its resumption token', async () => {
    const roomId = await createRoom(world.api, world.alice);
    const a = await join(roomId, { token: world.alice });
    await a.client.close(3000, 'drop');
    const c = await join(roomId, { token: world.carol }, { resumption: a.me.resumption });
    expect(c.me.id).not.toBe(a.me.id);
    expect(c.me.role).toBe('user');
  });

  it('closes a connection that stops answering pings and treats it like a drop', async () => {
    const roomId = await createRoom(world.api, world.alice);
    const a = await join(roomId, { token: world.alice });
    const { signaling_url } = await startRoom(world.api, roomId, { token: world.bob });
    const raw = new WebSocket(signaling_url);
    await new Promise((resolve) => raw.once('open', resolve));
    raw.send(JSON.stringify({ namespace: 'control', payload: { action: 'join' } }));
    const joined = await a.client.next('control', 'joined');
    const id = (joined.payload['participant'] as { id: string }).id;
    // Stop reading: no pongs go back.
    (raw as unknown as { _socket: { pause(): void } })._socket.pause();
    const left = await a.client.next('control', 'left', undefined, 5000);
    expect(left.payload).toEqual({ message: 'left', id, reason: 'timeout' });
    raw.terminate();
  });
});
