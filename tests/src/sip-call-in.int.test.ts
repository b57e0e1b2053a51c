import { createSocket } from 'node:dgram';

import { afterAll, describe, expect, it } from 'vitest';

import { freePort } from '../scripts/free-port.js';
import {
  callInEnv,
  dialInRoom as createDialIn,
  isPhone,
  pinEntrySteps,
  waitUntil,
} from './support/call-in.js';
import { PlainRtpMixer } from './support/plain-rtp-mixer.js';
import { useSignalingWorld, type SignalingClient } from './support/signaling.js';
import { runSipp } from './support/sipp.js';

/**
 * SIP call-in end to end on loopback: sipp calls the hub's SIP edge, types the conference id and
 * PIN (RFC 4733 from the pcaps sip-tester ships, or SIP INFO), talks (7 s of A-law speech) and
 * hangs up; the phone shows up in the meeting's signaling and its audio reaches the mixer behind
 * the ConferenceAudio port (a plain-RTP mixer here, which answers with a tone).
 */
const sipPort = await freePort();
const mixer = new PlainRtpMixer();
const world = useSignalingWorld(
  {
    ...callInEnv(sipPort, { callInSecret: 'call-in-secret-for-the-sip-test', rtpPorts: 20 }),
    SIP_MAX_ATTEMPTS: '3',
  },
  { conferenceAudio: mixer },
);
const gatewayAddress = { host: '127.0.0.1', port: sipPort };
afterAll(() => mixer.close());

const gateway = () => {
  const sip = world.api.hub.sip();
  if (sip === undefined) throw new Error('the SIP gateway did not start');
  return sip;
};

const dialInRoom = (body: Record<string, unknown> = {}) => createDialIn(world.api, world.alice, body);

describe('SIP call-in', () => {
  it('takes a caller with the right id and PIN into the meeting, relays audio both ways and frees everything at hang-up', async () => {
    const { roomId, id, pin } = await dialInRoom();
    const { client: alice } = await world.join(roomId, { token: world.alice });
    const call = runSipp(gatewayAddress, {
      from: '+4917612345678',
      steps: pinEntrySteps({ id, pin }, { settleMs: 1500 }),
    });
    const joined = await alice.next('control', 'joined', isPhone, 30_000);
    const phone = joined.payload['participant'] as { id: string; control: Record<string, unknown> };
    expect(phone.control).toMatchObject({
      display_name: '+4917 ••• 78',
      role: 'guest',
      participation_kind: 'phone',
    });
    const result = await call;
    expect(result.code, result.output).toBe(0);
    const left = await alice.next('control', 'left', (p) => p['id'] === phone.id, 10_000);
    expect(left.payload['reason']).toBe('quit');

    const leg = mixer.legs.find((l) => l.phone.participantId === phone.id);
    expect(leg?.phone).toMatchObject({ roomId, codec: 'PCMA' });
    // 7 s of speech in 30 ms packets arrive as 20 ms frames: about 350, all 160 bytes.
    expect(leg?.wrongSize).toBe(0);
    expect(leg?.nonSilent).toBeGreaterThan(200);
    expect(leg?.left).toBe(true);
    await waitUntil(
      () => gateway().finished.some((c) => c.reachedMeeting && c.stats.fromConference > 0),
      'the call to end',
    );
    const finished = gateway().finished.find((c) => c.reachedMeeting)!;
    expect(finished).toMatchObject({ reason: 'caller_hung_up' });
    expect(finished.stats.digits).toBe(id.length + pin.length + 2);
    // The mixer's tone went back to the caller.
    expect(finished.stats.toCaller).toBeGreaterThan(finished.stats.fromConference * 0.9);
    await waitUntil(() => gateway().rtpPortsInUse === 0, 'the RTP ports to be free');
  }, 60_000);

  it('says goodbye after three wrong PINs typed by SIP INFO, and that caller does not lock out another', async () => {
    const { roomId, id, pin } = await dialInRoom();
    const wrong = pin === '000000' ? '111111' : '000000';
    const guesser = await runSipp(gatewayAddress, {
      from: '+4915100000001',
      steps: [
        { info: `${id}#${wrong}#` },
        { info: `${id}#${wrong}#` },
        { info: `${id}#${wrong}#` },
        { expectBye: 15_000 },
      ],
    });
    expect(guesser.code, guesser.output).toBe(0);
    const again = await runSipp(gatewayAddress, {
      from: '+4915100000001',
      steps: [
        { info: `${id}#${wrong}#` },
        { info: `${id}#${wrong}#` },
        { info: `${id}#${wrong}#` },
        { expectBye: 15_000 },
      ],
    });
    expect(again.code, again.output).toBe(0);
    // Six failures: this caller now waits; everyone else (same gateway address) gets in at once.
    const { client: alice } = await world.join(roomId, { token: world.alice });
    const other = runSipp(gatewayAddress, {
      from: '+49305550101',
      steps: [{ info: `${id}#${pin}#` }, { pause: 1500 }, { hangUp: true }],
    });
    const joined = await alice.next('control', 'joined', isPhone, 15_000);
    // The caller's number belongs to exactly one user (Alice): the phone is shown with her name.
    expect(
      (joined.payload['participant'] as { control: { display_name: string } }).control.display_name,
    ).toMatch(/Alice/);
    expect((await other).code).toBe(0);
  }, 60_000);

  it('puts a direct-dial caller over TCP in the lobby, lets the moderator admit and kick it, and hangs up', async () => {
    const { roomId, id, pin } = await dialInRoom({ lobby: true });
    const { client: alice } = await world.join(roomId, { token: world.alice });
    const call = runSipp(gatewayAddress, {
      from: 'anonymous',
      dial: `${id}*${pin}`,
      transport: 'tcp',
      steps: [{ expectBye: 30_000 }],
    });
    const waiting = await alice.next('moderation', 'joined_waiting_room', undefined, 20_000);
    const phoneId = (waiting.payload['participant'] as { id: string }).id;
    alice.send('moderation', { action: 'accept', target: phoneId });
    await alice.next('control', 'joined', (p) => isPhone(p), 10_000);
    await waitUntil(
      () => mixer.legs.some((l) => l.phone.participantId === phoneId),
      'the phone to join the audio',
    );
    alice.send('moderation', { action: 'kick', target: phoneId });
    const result = await call;
    expect(result.code, result.output).toBe(0);
    await waitUntil(
      () => mixer.legs.find((l) => l.phone.participantId === phoneId)?.left === true,
      'the audio leg to end',
    );
  }, 60_000);

  it('frees the call when the caller hangs up in the menu', async () => {
    const before = gateway().finished.length;
    const result = await runSipp(gatewayAddress, {
      from: '+4930999',
      steps: [{ dtmf: '12' }, { hangUp: true }],
    });
    expect(result.code, result.output).toBe(0);
    await waitUntil(() => gateway().finished.length > before, 'the call to end');
    expect(gateway().finished.at(-1)).toMatchObject({ reason: 'caller_hung_up', reachedMeeting: false });
    await waitUntil(
      () => gateway().rtpPortsInUse === 0 && gateway().calls.size === 0,
      'the ports to be free',
    );
  }, 30_000);
});

/** One raw SIP request over UDP; resolves with the final status line's code. */
async function sendRaw(request: string): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = (socket.address() as { port: number }).port;
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no final answer')), 5000);
      socket.on('message', (data) => {
        const status = Number(/^SIP\/2\.0 (\d{3})/.exec(data.toString())?.[1]);
        if (status >= 200) {
          clearTimeout(timer);
          resolve(status);
        }
      });
      socket.send(request.replaceAll('PORT', String(port)).replace(/\n/g, '\r\n'), sipPort, '127.0.0.1');
    });
  } finally {
    socket.close();
  }
}

function invite(sdp: string, n: number): string {
  return `INVITE sip:callin@127.0.0.1:${sipPort} SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:PORT;branch=z9hG4bK-raw-${n}-${Math.random()}
From: <sip:raw@127.0.0.1:PORT>;tag=raw${n}
To: <sip:callin@127.0.0.1>
Call-ID: raw-${n}-${Math.random()}@127.0.0.1
CSeq: 1 INVITE
Contact: <sip:raw@127.0.0.1:PORT>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: ${sdp.replace(/\n/g, '\r\n').length}

${sdp}`;
}

describe('SIP call-in: bad input', () => {
  it('answers 488 to other codecs, 400 to a broken SDP and 200 to OPTIONS', async () => {
    const opus =
      'v=0\no=x 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 4000 RTP/AVP 111\na=rtpmap:111 opus/48000/2\n';
    expect(await sendRaw(invite(opus, 1))).toBe(488);
    expect(await sendRaw(invite('this is not sdp', 2))).toBe(400);
    expect(
      await sendRaw(`OPTIONS sip:callin@127.0.0.1:${sipPort} SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:PORT;branch=z9hG4bK-opt-${Math.random()}
From: <sip:raw@127.0.0.1:PORT>;tag=o1
To: <sip:callin@127.0.0.1>
Call-ID: opt-${Math.random()}
CSeq: 1 OPTIONS
Max-Forwards: 70
Content-Length: 0

`),
    ).toBe(200);
    expect(gateway().calls.size).toBe(0);
  });

  it('refuses an INVITE flood from one source with 503 once its burst is used', async () => {
    const opus = 'v=0\no=x 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 4000 RTP/AVP 111\n';
    const statuses: number[] = [];
    for (let n = 0; n < 40; n++) statuses.push(await sendRaw(invite(opus, 100 + n)));
    expect(statuses).toContain(503);
  });
});

export type { SignalingClient };
