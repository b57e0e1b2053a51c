import { afterAll, describe, expect, it } from 'vitest';

import { freePort } from '../scripts/free-port.js';
import { Baresip } from './support/baresip.js';
import { callInEnv, dialInRoom, isPhone, waitUntil } from './support/call-in.js';
import { PlainRtpMixer } from './support/plain-rtp-mixer.js';
import { useSignalingWorld } from './support/signaling.js';

/**
 * baresip (Debian) as a second real softphone next to sipp: it calls the hub's SIP edge on
 * loopback, types the conference id and PIN as RFC 4733 digits, and shows up in the meeting as
 * a phone; its sine tone reaches the mixer behind the ConferenceAudio port.
 */
const sipPort = await freePort();
const mixer = new PlainRtpMixer();
const world = useSignalingWorld(
  callInEnv(sipPort, { callInSecret: 'call-in-secret-for-the-baresip-test' }),
  { conferenceAudio: mixer },
  120_000,
);
const phones: Baresip[] = [];
afterAll(async () => {
  await Promise.all(phones.map((p) => p.stop()));
  mixer.close();
});

describe('SIP call-in from baresip', () => {
  it('dials in with id and PIN, appears in the participant list, is heard, and leaves at hang-up', async () => {
    const dialIn = await dialInRoom(world.api, world.alice);
    const { client: alice } = await world.join(dialIn.roomId, { token: world.alice });
    const phone = await Baresip.start('+4930123456');
    phones.push(phone);

    expect((await phone.command('dial', `sip:dialin@127.0.0.1:${sipPort}`)).ok).toBe(true);
    await phone.event('CALL_ESTABLISHED', 15_000);
    expect((await phone.command('sndcode', `${dialIn.id}#${dialIn.pin}#`)).ok).toBe(true);

    const joined = await alice.next('control', 'joined', isPhone, 30_000);
    const participant = joined.payload['participant'] as { id: string; control: Record<string, unknown> };
    expect(participant.control).toMatchObject({ display_name: '+4930 ••• 56', participation_kind: 'phone' });

    // The sine tone reaches the mixer, re-packetized to 20 ms frames.
    const leg = () => mixer.legs.find((l) => l.phone.participantId === participant.id);
    await waitUntil(() => (leg()?.nonSilent ?? 0) > 50, 'the tone at the mixer');
    expect(leg()?.wrongSize).toBe(0);

    await phone.command('hangup');
    await phone.event('CALL_CLOSED', 10_000);
    await alice.next('control', 'left', (p) => p['id'] === participant.id, 10_000);
    // The call ends on the gateway (BYE answered, relay closed) and gives its ports back.
    const gateway = world.api.hub.sip();
    await waitUntil(() => gateway?.rtpPortsInUse === 0, 'the RTP ports to be free', 10_000);
    expect(gateway?.finished.some((c) => c.reachedMeeting)).toBe(true);
    expect(gateway?.rtpPortsInUse).toBe(0);
  }, 60_000);
});
