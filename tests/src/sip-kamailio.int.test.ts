import { afterAll, describe, expect, it } from 'vitest';

import type { ReceivedFrame } from '@vc/conference-core/signaling-client';

import { freePort } from '../scripts/free-port.js';
import { Kamailio } from './support/kamailio.js';
import { PlainRtpMixer } from './support/plain-rtp-mixer.js';
import { createRoom, useSignalingWorld } from './support/signaling.js';
import { runSipp } from './support/sipp.js';

/**
 * The registration path with a real registrar: the hub's SIP gateway registers at a private
 * kamailio (digest) on loopback, and a call that only knows the address of record
 * (`dialin@` the registrar) is routed by kamailio to the registered contact and reaches the meeting.
 */
const password = 'registrar-password-for-the-test';
const kamailio = await Kamailio.start('dialin', password);
const sipPort = await freePort();
const rtpBase = 50000 + 2 * Math.floor(Math.random() * 2000);
const mixer = new PlainRtpMixer();
const world = useSignalingWorld(
  {
    SIP_PORT: String(sipPort),
    SIP_HOST: '127.0.0.1',
    SIP_RTP_PORTS: `${rtpBase}-${rtpBase + 9}`,
    DEV_IDP_CALL_IN_SECRET: 'call-in-secret-for-the-kamailio-test',
    SIP_REGISTRAR: `sip:127.0.0.1:${kamailio.port}`,
    SIP_AOR: `sip:dialin@127.0.0.1:${kamailio.port}`,
    SIP_USERNAME: 'dialin',
    SIP_PASSWORD: password,
  },
  { conferenceAudio: mixer },
);
afterAll(async () => {
  mixer.close();
  await kamailio.stop();
});

const isPhone = (payload: ReceivedFrame['payload']) =>
  (payload['participant'] as { control: { participation_kind: string } }).control.participation_kind ===
  'phone';

describe('SIP call-in through kamailio', () => {
  it('registers at kamailio, and a call to the address of record reaches the meeting', async () => {
    const gateway = world.api.hub.sip();
    for (let i = 0; i < 200 && gateway?.registration?.registered !== true; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(gateway?.registration?.registered).toBe(true);

    const roomId = await createRoom(world.api, world.alice);
    const sip = (await (
      await world.api.call(`/v1/rooms/${roomId}/sip`, { method: 'PUT', token: world.alice })
    ).json()) as { sip_id: string; password: string };
    const { client: alice } = await world.join(roomId, { token: world.alice });
    // sipp talks to kamailio only; kamailio's location lookup finds the gateway.
    const call = runSipp(
      { host: '127.0.0.1', port: kamailio.port },
      {
        from: '+4989123456',
        dial: 'dialin',
        steps: [{ dtmf: `${sip.sip_id}#${sip.password}#` }, { pause: 2000 }, { hangUp: true }],
      },
    );
    const joined = await alice.next('control', 'joined', isPhone, 30_000);
    const result = await call;
    expect(result.code, result.output).toBe(0);
    await alice.next(
      'control',
      'left',
      (p) => p['id'] === (joined.payload['participant'] as { id: string }).id,
      10_000,
    );
  }, 60_000);

  it('kamailio answers 404 for a user nobody registered: routing really goes through the registration', async () => {
    const result = await runSipp(
      { host: '127.0.0.1', port: kamailio.port },
      { from: '+4989123456', dial: 'nobody', steps: [{ hangUp: true }] },
    );
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/404/);
  }, 30_000);
});
