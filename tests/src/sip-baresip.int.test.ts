import { afterAll, describe, expect, it } from 'vitest';

import type { ReceivedFrame } from '@vc/conference-core/signaling-client';

import { freePort } from '../scripts/free-port.js';
import { Baresip } from './support/baresip.js';
import { PlainRtpMixer } from './support/plain-rtp-mixer.js';
import { createRoom, useSignalingWorld } from './support/signaling.js';

/**
 * baresip (Debian) as a second real softphone next to sipp: it calls the hub's SIP edge on
 * loopback, types the conference id and PIN as RFC 4733 digits, and shows up in the meeting as
 * a phone; its sine tone reaches the mixer behind the ConferenceAudio port.
 */
const sipPort = await freePort();
const rtpBase = 50000 + 2 * Math.floor(Math.random() * 2000);
const mixer = new PlainRtpMixer();
const world = useSignalingWorld(
  {
    SIP_PORT: String(sipPort),
    SIP_HOST: '127.0.0.1',
    SIP_RTP_PORTS: `${rtpBase}-${rtpBase + 9}`,
    DEV_IDP_CALL_IN_SECRET: 'call-in-secret-for-the-baresip-test',
  },
  { conferenceAudio: mixer },
);
const phones: Baresip[] = [];
afterAll(async () => {
  await Promise.all(phones.map((p) => p.stop()));
  mixer.close();
});

const isPhone = (payload: ReceivedFrame['payload']) =>
  (payload['participant'] as { control: { participation_kind: string } }).control.participation_kind ===
  'phone';

describe('SIP call-in from baresip', () => {
  it('dials in with id and PIN, appears in the participant list, is heard, and leaves at hang-up', async () => {
    const roomId = await createRoom(world.api, world.alice);
    const sip = (await (
      await world.api.call(`/v1/rooms/${roomId}/sip`, { method: 'PUT', token: world.alice })
    ).json()) as { sip_id: string; password: string };
    const { client: alice } = await world.join(roomId, { token: world.alice });
    const phone = await Baresip.start('+4930123456');
    phones.push(phone);

    expect((await phone.command('dial', `sip:dialin@127.0.0.1:${sipPort}`)).ok).toBe(true);
    await phone.event('CALL_ESTABLISHED', 15_000);
    expect((await phone.command('sndcode', `${sip.sip_id}#${sip.password}#`)).ok).toBe(true);

    const joined = await alice.next('control', 'joined', isPhone, 30_000);
    const participant = joined.payload['participant'] as { id: string; control: Record<string, unknown> };
    expect(participant.control).toMatchObject({ display_name: '+4930 ••• 56', participation_kind: 'phone' });

    // The sine tone reaches the mixer, re-packetized to 20 ms frames.
    const leg = () => mixer.legs.find((l) => l.phone.participantId === participant.id);
    for (let i = 0; i < 300 && (leg()?.nonSilent ?? 0) <= 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(leg()?.nonSilent).toBeGreaterThan(50);
    expect(leg()?.wrongSize).toBe(0);

    await phone.command('hangup');
    await phone.event('CALL_CLOSED', 10_000);
    await alice.next('control', 'left', (p) => p['id'] === participant.id, 10_000);
    // The call ends on the gateway (BYE answered, relay closed) and gives its ports back.
    const gateway = world.api.hub.sip();
    for (let i = 0; i < 200 && (gateway?.rtpPortsInUse ?? 0) > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(gateway?.finished.some((c) => c.reachedMeeting)).toBe(true);
    expect(gateway?.rtpPortsInUse).toBe(0);
  }, 60_000);
});
