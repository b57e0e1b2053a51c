import { afterAll, describe, expect, it } from 'vitest';

import type { ReceivedFrame } from '@vc/conference-core/signaling-client';

import { freePort } from '../scripts/free-port.js';
import {
  callInEnv,
  dialInRoom,
  isPhoneNamed,
  joinAsRtpPhone,
  pinEntrySteps,
  waitUntil,
  type DialIn,
  type RtpParticipant,
} from './support/call-in.js';
import { startTestJanus, type TestJanus } from './support/janus.js';
import { useSignalingWorld } from './support/signaling.js';
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
const world = useSignalingWorld(
  {
    ...callInEnv(sipPort, { callInSecret, rtpPorts: 20 }),
    MEDIA: 'auto',
    JANUS_URLS: janus.url,
    JANUS_API_SECRET: janus.apiSecret,
    JANUS_ADMIN_KEY: janus.adminKey,
  },
  {},
  120_000,
);
const listeners: RtpParticipant[] = [];
afterAll(async () => {
  listeners.forEach((l) => l.close());
  await janus.dispose();
});

/** A plain-RTP participant of the bridge (entered like a phone): sends a tone, counts loud frames of its mix. */
async function rtpListener(dialIn: DialIn) {
  const { client, rtp } = await joinAsRtpPhone(world.api, {
    callInSecret,
    dialIn,
    displayName: 'Listener',
    sound: 'tone',
  });
  world.track(client);
  listeners.push(rtp);
  return rtp;
}

describe('SIP call-in with Janus', () => {
  it('puts the caller into the AudioBridge: the others hear it and see it speak, it hears the others, and it leaves at hang-up', async () => {
    const dialIn = await dialInRoom(world.api, world.alice);
    const { client: alice } = await world.join(dialIn.roomId, { token: world.alice });
    const listener = await rtpListener(dialIn);
    await alice.next('control', 'joined', isPhoneNamed('Listener'), 10_000);

    const call = runSipp(
      { host: '127.0.0.1', port: sipPort },
      { from: '+4917612345678', steps: pinEntrySteps(dialIn) },
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
    await waitUntil(() => (gateway?.finished.length ?? 0) > 0, 'the call to end', 10_000);
    const finished = gateway?.finished.find((c) => c.reachedMeeting);
    // The listener's tone reached the caller, mixed by Janus.
    expect(finished?.stats.loudFromConference).toBeGreaterThan(100);
    expect(finished?.stats.toConference).toBeGreaterThan(300);
    expect(gateway?.rtpPortsInUse).toBe(0);
  }, 60_000);

  it('rejoins the bridge after a Janus restart during the call: a participant who joins afterwards hears the caller', async () => {
    const dialIn = await dialInRoom(world.api, world.alice);
    const { client: alice } = await world.join(dialIn.roomId, { token: world.alice });
    const call = runSipp(
      { host: '127.0.0.1', port: sipPort },
      {
        from: '+4917699999999',
        // sipp plays a pcap in the background: each 7 s of speech is followed by its own pause.
        steps: pinEntrySteps(dialIn, { settleMs: 1000, speechPlays: 3 }),
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
    const listener = await rtpListener(dialIn);
    await waitUntil(() => listener.heard.loud > 50, 'the caller in the new bridge', 10_000);
    listener.stop();
    const result = await call;
    expect(result.code, result.output).toBe(0);
    await alice.next('control', 'left', (p) => p['id'] === phoneId, 10_000);
  }, 90_000);
});
