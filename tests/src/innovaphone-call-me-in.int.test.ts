import {
  connectAppClient,
  fakeAppGetLogin,
  startFakePbx,
  type AppClient,
  type FakeCall,
  type FakePbx,
} from '@vc/connector-innovaphone/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { freePort } from '../scripts/free-port.js';
import { callInEnv, isPhone } from './support/call-in.js';
import { PlainRtpMixer } from './support/plain-rtp-mixer.js';
import { useSignalingWorld } from './support/signaling.js';
import { runSipp, type SippResult } from './support/sipp.js';

/**
 * "Call me into the meeting" end to end on loopback. The PBX is a FAKE (RCC from the SDK message
 * definitions); where a real PBX would route the user's call over its SIP trunk, this test stands
 * in with sipp placing exactly that call at our real SIP gateway: the route prefix stripped, the
 * Request-URI user `<id>*<pin>` (direct dial), or the plain number and the digits the PBX was asked
 * to send with UserDTMF. The meeting, its dial-in and the phone participant are real.
 */
const sipPort = await freePort();
const mixer = new PlainRtpMixer();
const world = useSignalingWorld(
  {
    ...callInEnv(sipPort, { callInSecret: 'call-in-secret-for-the-innovaphone-test' }),
    MAIL_DIAL_IN_NUMBER: '+49 30 5550100',
  },
  { conferenceAudio: mixer },
);
const gateway = { host: '127.0.0.1', port: sipPort };
const password = 'app-object-password';
const aliceGuid = 'a11ce000000000000000000000000001';
const route = '88';

describe('call me into the meeting through the PBX', () => {
  let pbx: FakePbx;
  let instanceId: string;
  const sipp: Promise<SippResult>[] = [];
  const clients: AppClient[] = [];

  const connector = async (settings: Record<string, unknown>) => {
    const res = await world.api.call('/v1/admin/connectors', {
      method: 'POST',
      token: world.alice,
      body: {
        type: 'innovaphone',
        name: `PBX ${Math.random()}`,
        settings: { pbxUrl: pbx.url, appObject: 'vc', appPassword: password, ...settings },
        incremental_every_ms: null,
        full_cron: null,
      },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const signedIn = async (id: string) => {
    const client = await connectAppClient(
      `${world.api.url.replace(/^http/, 'ws')}/innovaphone/${id}/websocket`,
    );
    clients.push(client);
    const { challenge } = await client.request({ mt: 'AppChallenge' });
    const login = { app: 'vc-meetings', domain: 'example.test', sip: 'alice', guid: aliceGuid, dn: 'Alice' };
    expect(await client.request(fakeAppGetLogin(login, challenge as string, password))).toMatchObject({
      ok: true,
    });
    return client;
  };
  const meeting = async (client: AppClient) => {
    const created = await client.request({ mt: 'MeetingCreate', title: 'Call me in' });
    return created['meeting'] as {
      id: string;
      joinUrl: string;
      phone: { conferenceId: string; pin: string };
    };
  };

  beforeAll(async () => {
    pbx = await startFakePbx({ vc: { password, apis: ['TableUsers', 'RCC'] } });
    pbx.addUser({
      guid: aliceGuid,
      h323: 'alice',
      cn: 'Alice Example',
      dn: 'Alice Example',
      e164: '201',
      emails: ['alice@example.test'],
      apps: ['vc'],
    });
    instanceId = await connector({ callInNumber: route });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.allSettled(sipp);
    await pbx.close();
    mixer.close();
  });

  it('has the PBX call the direct-dial number, which puts the phone into the meeting without a menu', async () => {
    const client = await signedIn(instanceId);
    const { id, joinUrl, phone } = await meeting(client);
    const { client: alice } = await world.join(joinUrl.split('/').at(-1)!, { token: world.alice });
    const placed = new Promise<FakeCall>((resolve) => (pbx.onCall = resolve));
    const answer = await client.request({ mt: 'CallMeIn', id });
    expect(answer).toMatchObject({ mt: 'CallMeInResult', call: expect.any(String) as unknown });
    const call = await placed;
    expect(call).toMatchObject({
      user: aliceGuid,
      to: { e164: `${route}${phone.conferenceId}*${phone.pin}` },
    });
    // The PBX's route strips its prefix and sends the rest as the Request-URI user over its trunk.
    const dialled = call.to.e164!.slice(route.length);
    const result = runSipp(gateway, {
      from: '201',
      dial: dialled,
      steps: [{ pause: 1500 }, { hangUp: true }],
    });
    sipp.push(result);
    const joined = await alice.next('control', 'joined', isPhone, 30_000);
    expect(
      (joined.payload['participant'] as { control: { participation_kind: string } }).control,
    ).toMatchObject({
      participation_kind: 'phone',
    });
    const done = await result;
    expect(done.code, done.output).toBe(0);
  }, 60_000);

  it('without a direct-dial route, calls the number and keys in id and PIN once the call is connected', async () => {
    const fallback = await connector({});
    const client = await signedIn(fallback);
    const { id, joinUrl, phone } = await meeting(client);
    const { client: alice } = await world.join(joinUrl.split('/').at(-1)!, { token: world.alice });
    const seen: FakeCall[] = [];
    pbx.onCall = (call) => {
      seen.push(call);
      pbx.connect(call.call);
    };
    const answer = await client.request({ mt: 'CallMeIn', id });
    expect(answer).toMatchObject({ mt: 'CallMeInResult' });
    const call = seen[0]!;
    // The configured number (MAIL_DIAL_IN_NUMBER) as digits, then id and PIN as DTMF.
    expect(call.to).toEqual({ e164: '+49305550100' });
    expect(call.dtmf).toEqual([`${phone.conferenceId}#${phone.pin}#`]);
    // What the PBX does with UserDTMF on the connected call: RFC 4733 digits to the gateway.
    const result = runSipp(gateway, {
      from: '201',
      steps: [{ dtmf: call.dtmf[0]! }, { pause: 1500 }, { hangUp: true }],
    });
    sipp.push(result);
    await alice.next('control', 'joined', isPhone, 30_000);
    const done = await result;
    expect(done.code, done.output).toBe(0);
  }, 60_000);

  it('says forbidden when the PBX does not let the App object control the user', async () => {
    const client = await signedIn(instanceId);
    const { id } = await meeting(client);
    pbx.updateUser(aliceGuid, { apps: ['phone'] });
    try {
      expect(await client.request({ mt: 'CallMeIn', id })).toMatchObject({ error: 'forbidden' });
    } finally {
      pbx.updateUser(aliceGuid, { apps: ['vc'] });
    }
  });
});
