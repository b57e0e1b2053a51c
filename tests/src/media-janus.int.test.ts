import { randomInt } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { silentLogger, type MediaService } from '@vc/conference-core';
import {
  JanusConnection,
  JanusError,
  createJanusMediaService,
  ownerTag,
  type MeetingMediaEvents,
} from '@vc/conference-core/testing';

import { startApiHub, type ApiHub } from './support/api-hub.js';
import { startTestJanus, type TestJanus } from './support/janus.js';
import { createRoom, joinRoom } from './support/signaling.js';

/** Janus-level tests without a browser: phones (plain RTP on 127.0.0.1) need no ICE. */

const ice = { stunUrls: [], turnUrls: [], turnTtlSeconds: 600 };
const phone = (port: number) => ({ ip: '127.0.0.1', port, codec: 'pcma' as const });

/** Meeting events as promises the test awaits. */
function recordEvents() {
  const waiters: { kind: string; resolve: () => void }[] = [];
  const seen: string[] = [];
  const hit = (kind: string): void => {
    seen.push(kind);
    for (const w of waiters.filter((w) => w.kind === kind)) w.resolve();
  };
  const events: MeetingMediaEvents = {
    webrtcUp: () => undefined,
    webrtcDown: () => undefined,
    talking: () => undefined,
    interrupted: () => hit('interrupted'),
    restored: () => hit('restored'),
  };
  const next = (kind: string): Promise<void> => new Promise((resolve) => waiters.push({ kind, resolve }));
  return { events, seen, next };
}

describe('the janode wrapper against a real Janus', () => {
  let janus: TestJanus;
  let connection: JanusConnection;

  beforeAll(async () => {
    janus = await startTestJanus();
    connection = await JanusConnection.open({ url: janus.url, apiSecret: janus.apiSecret });
  });
  afterAll(async () => {
    await connection?.close();
    await janus?.dispose();
  });

  it('refuses a connection without the API secret', async () => {
    const bad = await JanusConnection.open({ url: janus.url, apiSecret: 'wrong' });
    await expect(bad.createSession()).rejects.toBeInstanceOf(JanusError);
    await bad.close();
  });

  it('creates an AudioBridge room, joins a phone by plain RTP and mutes it in the bridge', async () => {
    const session = await connection.createSession();
    const admin = await session.attachAudioBridge();
    const room = randomInt(1, 2 ** 40);
    await admin.createRoom({ room, secret: 's3', adminKey: janus.adminKey });
    await expect(admin.createRoom({ room, secret: 's3', adminKey: janus.adminKey })).rejects.toMatchObject({
      code: 486,
    });
    const caller = await session.attachAudioBridge();
    const joined = await caller.joinRtp({
      room,
      display: 'phone',
      codec: 'pcma',
      rtp: { ip: '127.0.0.1', port: 19000 },
    });
    expect(joined.janusRtp).toMatchObject({ ip: '127.0.0.1', payloadType: 8 });
    expect(joined.janusRtp.port).toBeGreaterThan(0);
    await admin.setMuted(room, 's3', joined.feed, true);
    expect(await admin.participants(room)).toEqual([{ feed: joined.feed, display: 'phone', muted: true }]);
    await expect(admin.setMuted(room, 'wrong', joined.feed, false)).rejects.toBeInstanceOf(JanusError);
    await admin.setMuted(room, 's3', joined.feed, false);
    expect((await admin.participants(room))[0]?.muted).toBe(false);
    await caller.detach();
    await admin.destroyRoom(room, 's3');
    await session.destroy();
  });

  it('answers a subscription to a feed nobody publishes with Janus error 428', async () => {
    const session = await connection.createSession();
    const admin = await session.attachVideoRoom();
    const room = randomInt(1, 2 ** 40);
    await admin.createRoom({ room, secret: 's4', adminKey: janus.adminKey });
    expect(await admin.participants(room)).toEqual([]);
    const viewer = await session.attachVideoRoom();
    await expect(viewer.subscribe({ room, feed: 12345 })).rejects.toMatchObject({ code: 428 });
    await admin.destroyRoom(room, 's4');
    await session.destroy();
  });
});

describe('the rooms of a dead hub node', () => {
  let janus: TestJanus;
  let connection: JanusConnection;
  const services: MediaService[] = [];

  beforeAll(async () => {
    janus = await startTestJanus();
    connection = await JanusConnection.open({ url: janus.url, apiSecret: janus.apiSecret });
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.close()));
    await connection?.close();
    await janus?.dispose();
  });

  it("are removed from Janus by a live node, never its own, an unknown node's or a foreign room", async () => {
    // The node registry as the hub's Redis one answers it: alive, dead, or not known here.
    const alive = new Set(['node-a', 'node-b']);
    const dead = new Set<string>();
    const isNodeAlive = (id: string) =>
      Promise.resolve(alive.has(id) ? true : dead.has(id) ? false : undefined);
    const node = (nodeId: string) => {
      const service = createJanusMediaService({
        servers: [{ url: janus.url, apiSecret: janus.apiSecret }],
        adminKey: janus.adminKey,
        ice,
        logger: silentLogger,
        nodeId,
        isNodeAlive,
        sweepIntervalMs: 100,
      });
      services.push(service);
      return service;
    };
    const [a, b] = [node('node-a'), node('node-b')];
    await until(a, () => a.load().every((l) => l.up));
    await until(b, () => b.load().every((l) => l.up));
    await a.meeting('room-a', recordEvents().events).joinPhone('pa', phone(19030), false);
    await b.meeting('room-b', recordEvents().events).joinPhone('pb', phone(19032), false);
    // Another application's room, and one of a node this registry does not know.
    const session = await connection.createSession();
    const [audio, video] = [await session.attachAudioBridge(), await session.attachVideoRoom()];
    const foreign = randomInt(1, 2 ** 40);
    const stranger = randomInt(1, 2 ** 40);
    await audio.createRoom({ room: foreign, secret: 'f', description: 'not ours', adminKey: janus.adminKey });
    await video.createRoom({
      room: stranger,
      secret: 's',
      description: ownerTag('node-x'),
      adminKey: janus.adminKey,
    });
    const owners = async () => {
      const rooms = [...(await audio.listRooms(janus.adminKey)), ...(await video.listRooms(janus.adminKey))];
      return rooms.map((r) => r.description).sort();
    };
    expect(await owners()).toEqual(
      [
        ownerTag('node-a'),
        ownerTag('node-a'),
        ownerTag('node-b'),
        ownerTag('node-b'),
        ownerTag('node-x'),
        'not ours',
      ].sort(),
    );

    // Node A dies (its process would be gone; here only the registry says so).
    alive.delete('node-a');
    dead.add('node-a');
    await expect
      .poll(owners, { timeout: 10_000 })
      .toEqual([ownerTag('node-b'), ownerTag('node-b'), ownerTag('node-x'), 'not ours'].sort());
    await audio.destroyRoom(foreign, 'f');
    await video.destroyRoom(stranger, 's');
    await session.destroy();
  });
});

describe('the Janus pool', () => {
  let first: TestJanus;
  let second: TestJanus;
  let media: MediaService;

  beforeAll(async () => {
    // A pool shares one API secret and one admin key.
    first = await startTestJanus();
    second = await startTestJanus({ apiSecret: first.apiSecret, adminKey: first.adminKey });
  });
  afterAll(async () => {
    await media?.close();
    await Promise.all([first?.dispose(), second?.dispose()]);
  });

  it('places each meeting on the least-loaded Janus and moves it when that Janus dies', async () => {
    const pool = [first, second].map((j) => ({ url: j.url, apiSecret: j.apiSecret }));
    media = createJanusMediaService({
      servers: pool,
      adminKey: first.adminKey,
      ice,
      logger: silentLogger,
      minBackoffMs: 100,
    });
    await until(media, () => media.load().every((l) => l.up));

    const a = recordEvents();
    const meetingA = media.meeting('room-a', a.events);
    await meetingA.joinPhone('pa1', phone(19010), false);
    await meetingA.joinPhone('pa2', phone(19012), false);
    const meetingB = media.meeting('room-b', recordEvents().events);
    await meetingB.joinPhone('pb1', phone(19014), false);
    const load = media.load();
    expect(load.map((l) => l.participants).sort()).toEqual([1, 2]);
    const hostOfA = load.find((l) => l.participants === 2)?.url;
    const dying = hostOfA === first.url ? first : second;

    const interrupted = a.next('interrupted');
    const restored = a.next('restored');
    dying.kill();
    await interrupted;
    await restored;
    // The meeting's rooms now live on the survivor; the phones join again, as clients renegotiate.
    await meetingA.joinPhone('pa1', phone(19010), true);
    const after = media.load();
    expect(after.find((l) => l.url === hostOfA)).toMatchObject({ up: false, meetings: 0 });
    expect(after.find((l) => l.url !== hostOfA)).toMatchObject({ up: true, meetings: 2 });
  });

  it('reconnects to a restarted Janus and rebuilds the meeting there within 10 s', async () => {
    await media.close();
    const only = await startTestJanus();
    media = createJanusMediaService({
      servers: [{ url: only.url, apiSecret: only.apiSecret }],
      adminKey: only.adminKey,
      ice,
      logger: silentLogger,
      minBackoffMs: 100,
    });
    try {
      await until(media, () => media.unavailable() === null);
      const events = recordEvents();
      const meeting = media.meeting('room-c', events.events);
      await meeting.joinPhone('pc1', phone(19020), false);
      const interrupted = events.next('interrupted');
      const restored = events.next('restored');
      only.kill();
      await interrupted;
      expect(media.unavailable()).toBe('media_server_down');
      await expect(meeting.joinPhone('pc1', phone(19020), false)).rejects.toMatchObject({
        code: 'media_unavailable',
      });
      const started = Date.now();
      const again = await startTestJanus({
        wsPort: Number(new URL(only.url).port),
        apiSecret: only.apiSecret,
        adminKey: only.adminKey,
      });
      try {
        await restored;
        expect(Date.now() - started).toBeLessThan(10_000);
        const rtp = await meeting.joinPhone('pc1', phone(19020), false);
        expect(rtp.port).toBeGreaterThan(0);
      } finally {
        await media.close();
        await again.dispose();
      }
    } finally {
      await only.dispose();
    }
  });
});

describe('meetings without a media server', () => {
  let api: ApiHub;
  afterAll(async () => api?.stop());

  it('still join, are told why there is no media, and refuse media requests clearly', async () => {
    api = await startApiHub({ MEDIA: 'off' });
    const alice = await api.token('alice');
    const roomId = await createRoom(api, alice);
    const { client: owner, me } = await joinRoom(api, roomId, { token: alice });
    expect(me.modules['media']).toEqual({
      available: false,
      reason: 'disabled',
      ice_servers: [],
      muted: false,
      force_muted: false,
    });
    const { client: guest, me: bob } = await joinRoom(api, roomId, { token: await api.token('bob') });

    guest.send('media', { action: 'publish', media: 'audio', sdp: 'v=0 an offer' });
    // Errors of stream requests name the stream: a client with several in flight knows which failed.
    expect((await guest.next('media', 'error')).payload).toMatchObject({
      error: 'media_unavailable',
      action: 'publish',
      media: 'audio',
    });
    guest.send('media', { action: 'subscribe', source: me.id, media: 'camera' });
    expect((await guest.next('media', 'error')).payload).toMatchObject({
      error: 'not_published',
      action: 'subscribe',
      source: me.id,
      media: 'camera',
    });
    guest.send('media', { action: 'answer', source: me.id, media: 'screen', sdp: 'v=0 an answer' });
    expect((await guest.next('media', 'error')).payload).toMatchObject({
      error: 'not_published',
      action: 'answer',
      source: me.id,
      media: 'screen',
    });
    guest.sendRaw(
      JSON.stringify({
        namespace: 'media',
        payload: { action: 'publish', media: 'audio', sdp: 'x'.repeat(13_000) },
      }),
    );
    expect((await guest.next('media', 'error')).payload).toMatchObject({ error: 'invalid_command' });
    guest.send('media', { action: 'force_mute', targets: [me.id] });
    expect((await guest.next('media', 'error')).payload).toMatchObject({ error: 'insufficient_permissions' });

    // Mute state works without media: a moderator holds Bob muted, and Bob cannot undo it.
    owner.send('media', { action: 'force_mute', targets: [bob.id] });
    expect((await guest.next('media', 'force_muted')).payload).toMatchObject({ by: me.id });
    guest.send('media', { action: 'mute', muted: false });
    expect((await guest.next('media', 'error')).payload).toMatchObject({ error: 'force_muted' });
    const update = await owner.next(
      'control',
      'update',
      (p) => (p['participant'] as { id: string }).id === bob.id,
    );
    expect((update.payload['participant'] as { media: unknown }).media).toMatchObject({
      muted: true,
      force_muted: true,
    });
    await Promise.all([owner.close(), guest.close()]);
  });
});

/** Resolves once the pool's availability, which changes as servers connect, meets `condition`. */
function until(media: MediaService, condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (condition()) return resolve();
    const stop = media.onAvailabilityChange(() => {
      if (!condition()) return;
      stop();
      resolve();
    });
  });
}
