import { afterAll, describe, expect, it } from 'vitest';

import { freePort } from '../scripts/free-port.js';
import { callInEnv, dialInRoom, isPhone, waitUntil } from './support/call-in.js';
import { Kamailio } from './support/kamailio.js';
import { PlainRtpMixer } from './support/plain-rtp-mixer.js';
import { useSignalingWorld } from './support/signaling.js';
import { runSipp } from './support/sipp.js';

/**
 * The registration path with a real registrar: the hub's SIP gateway registers at a private
 * kamailio (digest) on loopback, and a call that only knows the address of record
 * (`dialin@` the registrar) is routed by kamailio to the registered contact and reaches the meeting.
 */
const password = 'registrar-password-for-the-test';
const kamailio = await Kamailio.start('dialin', password);
const sipPort = await freePort();
const mixer = new PlainRtpMixer();
const world = useSignalingWorld(
  {
    ...callInEnv(sipPort, { callInSecret: 'call-in-secret-for-the-kamailio-test' }),
    SIP_REGISTRAR: `sip:127.0.0.1:${kamailio.port}`,
    SIP_AOR: `sip:dialin@127.0.0.1:${kamailio.port}`,
    SIP_USERNAME: 'dialin',
    SIP_PASSWORD: password,
  },
  { conferenceAudio: mixer },
  120_000,
);
afterAll(async () => {
  mixer.close();
  await kamailio.stop();
});

describe('SIP call-in through kamailio', () => {
  it('registers at kamailio, and a call to the address of record reaches the meeting', async () => {
    const gateway = world.api.hub.sip();
    await waitUntil(() => gateway?.registration?.registered === true, 'the registration', 10_000);

    const dialIn = await dialInRoom(world.api, world.alice);
    const { client: alice } = await world.join(dialIn.roomId, { token: world.alice });
    // sipp talks to kamailio only; kamailio's location lookup finds the gateway.
    const call = runSipp(
      { host: '127.0.0.1', port: kamailio.port },
      {
        from: '+4989123456',
        dial: 'dialin',
        steps: [{ dtmf: `${dialIn.id}#${dialIn.pin}#` }, { pause: 2000 }, { hangUp: true }],
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
