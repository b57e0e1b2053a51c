import { createSocket, type Socket } from 'node:dgram';

import * as oidc from 'openid-client';
import { afterAll, describe, expect, it } from 'vitest';

import type { ReceivedFrame } from '@vc/conference-core/signaling-client';

import { freePort } from '../scripts/free-port.js';
import { startTestJanus, type TestJanus } from './support/janus.js';
import { alawLevel, toneFrame } from './support/plain-rtp-mixer.js';
import { connect, createRoom, useSignalingWorld } from './support/signaling.js';
import { runSipp } from './support/sipp.js';

/**
 * SIP call-in with the real meeting audio: the hub uses the test's Janus, the gateway joins
 * the meeting's AudioBridge as a plain-RTP participant through the phone's `media` signaling,
 * and a second plain-RTP participant (a phone joined by this test through the same API) hears
 * the sipp caller's speech in the mix while the caller gets that participant's tone back; the
 * others see the caller speaking (`speaker_updated`). When Janus restarts mid-call, the gateway
 * joins the new bridge by itself.
 */
const sipPort = await freePort();
const rtpBase = 50000 + 2 * Math.floor(Math.random() * 2000);
const callInSecret = 'call-in-secret-for-the-sip-janus-test';
// The test's own Janus (AudioBridge plain RTP on 127.0.0.1), so a test can restart it.
let janus: TestJanus = await startTestJanus();
const restartJanus = async (): Promise<void> => {
  janus.kill();
  await janus.exited;
  janus = await startTestJanus({
    wsPort: Number(new URL(janus.url).port),
    apiSecret: janus.apiSecret,
    adminKey: janus.adminKey,
  });
};
const world = useSignalingWorld({
  SIP_PORT: String(sipPort),
  SIP_HOST: '127.0.0.1',
  SIP_RTP_PORTS: `${rtpBase}-${rtpBase + 19}`,
  DEV_IDP_CALL_IN_SECRET: callInSecret,
  MEDIA: 'auto',
  JANUS_URLS: janus.url,
  JANUS_API_SECRET: janus.apiSecret,
  JANUS_ADMIN_KEY: janus.adminKey,
});
const sockets: Socket[] = [];
const timers: NodeJS.Timeout[] = [];
afterAll(async () => {
  timers.forEach((t) => clearInterval(t));
  sockets.forEach((s) => s.close());
  await janus.dispose();
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

/** A plain-RTP participant of the bridge: sends a tone every 20 ms and counts loud frames of its mix. */
async function rtpListener(roomId: string, id: string, pin: string) {
  const started = await world.api.call('/v1/services/call_in/start', {
    method: 'POST',
    token: await callInToken(),
    body: { id, pin, caller: { key: 'test-listener' } },
  });
  expect(started.status).toBe(200);
  const client = world.track(
    await connect(((await started.json()) as { signaling_url: string }).signaling_url),
  );
  expect((await client.join({ display_name: 'Listener' })).payload.message).toBe('join_success');
  const socket = createSocket('udp4');
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = (socket.address() as { port: number }).port;
  client.send('media', { action: 'publish_phone', rtp: { ip: '127.0.0.1', port, codec: 'pcma' } });
  const answer = await client.next(
    (f) => f.namespace === 'media' && ['rtp_endpoint', 'error'].includes(f.payload.message),
    20_000,
  );
  expect(JSON.stringify(answer.payload)).toContain('rtp_endpoint');
  const endpoint = answer.payload as unknown as { ip: string; port: number };
  const heard = { frames: 0, loud: 0 };
  socket.on('message', (data) => {
    heard.frames += 1;
    if (alawLevel(data.subarray(12)) > 200) heard.loud += 1;
  });
  let n = 0;
  const timer = setInterval(() => {
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = 8;
    header.writeUInt16BE(n & 0xffff, 2);
    header.writeUInt32BE(n * 160, 4);
    header.writeUInt32BE(0x1157e4e7, 8);
    socket.send(Buffer.concat([header, toneFrame(n * 160)]), endpoint.port, endpoint.ip);
    n += 1;
  }, 20);
  timers.push(timer);
  return { heard, stop: () => clearInterval(timer) };
}

const isPhoneNamed = (name: string) => (payload: ReceivedFrame['payload']) =>
  (payload['participant'] as { control: { display_name: string } }).control.display_name === name;

describe('SIP call-in with Janus', () => {
  it('puts the caller into the AudioBridge: the others hear it and see it speak, it hears the others, and it leaves at hang-up', async () => {
    const roomId = await createRoom(world.api, world.alice);
    const sip = (await (
      await world.api.call(`/v1/rooms/${roomId}/sip`, { method: 'PUT', token: world.alice })
    ).json()) as { sip_id: string; password: string };
    const { client: alice } = await world.join(roomId, { token: world.alice });
    const listener = await rtpListener(roomId, sip.sip_id, sip.password);
    await alice.next('control', 'joined', isPhoneNamed('Listener'), 10_000);

    const call = runSipp(
      { host: '127.0.0.1', port: sipPort },
      {
        from: '+4917612345678',
        steps: [
          { dtmf: `${sip.sip_id}#${sip.password}#` },
          { pause: 2000 },
          { speech: true },
          { pause: 7500 },
          { hangUp: true },
        ],
      },
    );
    const joined = await alice.next('control', 'joined', isPhoneNamed('+4917 ••• 78'), 30_000);
    const phoneId = (joined.payload['participant'] as { id: string }).id;
    const before = listener.heard.loud;
    // The relay's talk detection (the bridge has none for plain RTP) shows the caller speaking
    // while the speech plays, and not any more once it is over.
    const speaking = (on: boolean) => (p: ReceivedFrame['payload']) =>
      p['id'] === phoneId && p['speaking'] === on;
    await alice.next('media', 'speaker_updated', speaking(true), 30_000);
    await alice.next('media', 'speaker_updated', speaking(false), 15_000);
    // Only phones report their own talking: a browser participant cannot fake it.
    alice.send('media', { action: 'speaking', speaking: true });
    expect((await alice.next('media', 'error', undefined, 10_000)).payload).toMatchObject({
      error: 'insufficient_permissions',
    });
    const result = await call;
    listener.stop();
    expect(result.code, result.output).toBe(0);
    await alice.next('control', 'left', (p) => p['id'] === phoneId, 10_000);

    // The caller's 7 s of speech reached the other participant through Janus's mix.
    expect(listener.heard.loud - before).toBeGreaterThan(100);
    const gateway = world.api.hub.sip();
    for (let i = 0; i < 200 && (gateway?.finished.length ?? 0) === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const finished = gateway?.finished.find((c) => c.reachedMeeting);
    // The listener's tone reached the caller, mixed by Janus.
    expect(finished?.stats.loudFromConference).toBeGreaterThan(100);
    expect(finished?.stats.toConference).toBeGreaterThan(300);
    expect(gateway?.rtpPortsInUse).toBe(0);
  }, 60_000);

  it('rejoins the bridge after a Janus restart during the call: a participant who joins afterwards hears the caller', async () => {
    const roomId = await createRoom(world.api, world.alice);
    const sip = (await (
      await world.api.call(`/v1/rooms/${roomId}/sip`, { method: 'PUT', token: world.alice })
    ).json()) as { sip_id: string; password: string };
    const { client: alice } = await world.join(roomId, { token: world.alice });
    const call = runSipp(
      { host: '127.0.0.1', port: sipPort },
      {
        from: '+4917699999999',
        steps: [
          { dtmf: `${sip.sip_id}#${sip.password}#` },
          { pause: 1000 },
          // sipp plays a pcap in the background: each 7 s of speech is followed by its own pause.
          { speech: true },
          { pause: 7000 },
          { speech: true },
          { pause: 7000 },
          { speech: true },
          { pause: 7000 },
          { hangUp: true },
        ],
      },
    );
    const joined = await alice.next('control', 'joined', isPhoneNamed('+4917 ••• 99'), 30_000);
    const phoneId = (joined.payload['participant'] as { id: string }).id;
    await alice.next(
      'media',
      'speaker_updated',
      (p) => p['id'] === phoneId && p['speaking'] === true,
      20_000,
    );

    await restartJanus();
    await alice.next('media', 'media_status', (p) => p['available'] === false, 20_000);
    await alice.next('media', 'media_status', (p) => p['available'] === true, 20_000);
    // The gateway joins the new bridge by itself; a listener that joins now hears the caller.
    const listener = await rtpListener(roomId, sip.sip_id, sip.password);
    for (let i = 0; i < 200 && listener.heard.loud <= 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    listener.stop();
    expect(listener.heard.loud).toBeGreaterThan(50);
    const result = await call;
    expect(result.code, result.output).toBe(0);
    await alice.next('control', 'left', (p) => p['id'] === phoneId, 10_000);
  }, 90_000);
});
