import {
  connectAppClient,
  fakeAppGetLogin,
  startFakePbx,
  type AppClient,
  type FakePbx,
} from '@vc/connector-innovaphone/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApiHub, type ApiHub } from './support/api-hub.js';

// The myApps side and the PBX are FAKES (connectors/innovaphone/src/testing): logins are signed the
// way the PBX does for AppGetLogin, with the App object password; PbxTableUsers replicates users. The hub, its database, the core's meetings,
// the dial-in numbers and the AppWebsocket endpoint are real.

const appPassword = 'app-object-password';
const aliceGuid = 'a11ce000000000000000000000000001';
const carolGuid = 'ca201000000000000000000000000003';
const aliceLogin = { app: 'vc-meetings', domain: 'example.test', sip: 'alice', guid: aliceGuid, dn: 'Alice' };

const inAnHour = () => ({
  datetime: new Date(Date.now() + 3_600_000).toISOString(),
  timezone: 'Europe/Berlin',
});
const inTwoHours = () => ({
  datetime: new Date(Date.now() + 7_200_000).toISOString(),
  timezone: 'Europe/Berlin',
});

describe('the innovaphone app service on a real hub', () => {
  let api: ApiHub;
  let pbx: FakePbx;
  let alice: string;
  let instanceId: string;
  let meetingId: string;
  const clients: AppClient[] = [];
  const wsUrl = () => `${api.url.replace(/^http/, 'ws')}/innovaphone/${instanceId}/websocket`;
  const open = async () => {
    const client = await connectAppClient(wsUrl());
    clients.push(client);
    return client;
  };
  const signIn = async (client: AppClient, user = aliceLogin, password = appPassword) => {
    const { challenge } = await client.request({ mt: 'AppChallenge' });
    return client.request(fakeAppGetLogin(user, challenge as string, password));
  };

  beforeAll(async () => {
    pbx = await startFakePbx({ vc: { password: appPassword, apis: ['TableUsers', 'RCC'] } });
    pbx.addUser({
      guid: carolGuid,
      h323: 'carol.pbx',
      cn: 'carol',
      dn: 'Carol Cooper',
      e164: '203',
      emails: ['carol.pbx@example.test'],
      grps: ['sales'],
      apps: ['vc'],
    });
    api = await startApiHub({ MAIL_DIAL_IN_NUMBER: '+49 30 5550100' });
    alice = await api.token('alice');
    await api.call('/v1/users/me', { token: alice });
    await api.call('/v1/users/me', { token: await api.token('bob') });
    const created = await api.call('/v1/admin/connectors', {
      method: 'POST',
      token: alice,
      body: {
        type: 'innovaphone',
        name: 'PBX',
        settings: {
          pbxUrl: pbx.url,
          appObject: 'vc',
          appPassword,
          callInNumber: '88',
          callInSipDomain: 'meet.example.test',
        },
        incremental_every_ms: null,
        full_cron: null,
      },
    });
    const text = await created.text();
    expect(created.status, text).toBe(201);
    expect(text).not.toContain(appPassword);
    instanceId = (JSON.parse(text) as { id: string }).id;
    const event = await api.call('/v1/events', {
      method: 'POST',
      token: alice,
      body: { title: 'Project sync', starts_at: inAnHour(), ends_at: inTwoHours() },
    });
    expect(event.status).toBe(201);
    meetingId = ((await event.json()) as { id: string }).id;
  }, 180_000);
  afterAll(async () => {
    for (const client of clients) client.close();
    await api.stop();
    await pbx.close();
  });

  it('refuses the websocket of an unknown connector instance', async () => {
    await expect(
      connectAppClient(
        `${api.url.replace(/^http/, 'ws')}/innovaphone/00000000-0000-4000-8000-000000000000/websocket`,
      ),
    ).rejects.toThrow(/404/);
  });

  it('signs a PBX user in (matched by SIP name and domain to the email) and lists their meetings', async () => {
    const client = await open();
    expect(await signIn(client)).toMatchObject({ mt: 'AppLoginResult', ok: true });
    const list = await client.request({ mt: 'MeetingsList' });
    expect(list).toMatchObject({ mt: 'MeetingsListResult', user: { sip: 'alice' } });
    const meetings = list['meetings'] as { id: string; title: string; joinUrl: string }[];
    expect(meetings.map((m) => m.title)).toEqual(['Project sync']);
    expect(meetings[0]?.joinUrl).toMatch(new RegExp(`^${api.url}/rooms/[0-9a-f-]{36}$`));
  });

  it('finds the user by the GUID linked at the first login, whatever SIP name comes later', async () => {
    const client = await open();
    expect(await signIn(client, { ...aliceLogin, sip: 'alice.renamed' })).toMatchObject({ ok: true });
  });

  it('refuses a reused challenge, a wrong password and an unknown user', async () => {
    const client = await open();
    const { challenge } = await client.request({ mt: 'AppChallenge' });
    const login = fakeAppGetLogin(aliceLogin, challenge as string, appPassword);
    expect(await client.request(login)).toMatchObject({ ok: true });
    const replay = await open();
    expect(await replay.request({ ...login, challenge })).toMatchObject({
      ok: false,
      error: 'challenge used',
    });
    expect(await signIn(await open(), aliceLogin, 'not-the-password')).toMatchObject({
      ok: false,
      error: 'digest mismatch',
    });
    expect(await signIn(await open(), { ...aliceLogin, sip: 'mallory', guid: 'f'.repeat(32) })).toMatchObject(
      { ok: false, error: 'unknown user' },
    );
  });

  it('gives meeting details with join link, dial-in, conference id, PIN and direct-dial strings', async () => {
    const client = await open();
    await signIn(client);
    const answer = await client.request({ mt: 'MeetingDetails', id: meetingId });
    const meeting = answer['meeting'] as {
      joinUrl: string;
      guestUrl: string;
      phone: { number: string; conferenceId: string; pin: string; directDial: { num: string; sip: string } };
    };
    expect(meeting.guestUrl).toMatch(/\/invite\//);
    expect(meeting.phone.conferenceId).toMatch(/^\d{10}$/);
    expect(meeting.phone.pin).toMatch(/^\d{4,12}$/);
    expect(meeting.phone.number).toBe('88');
    expect(meeting.phone.directDial).toEqual({
      num: `88${meeting.phone.conferenceId}*${meeting.phone.pin}`,
      sip: `sip:${meeting.phone.conferenceId}*${meeting.phone.pin}@meet.example.test`,
    });
    // The same numbers the REST API gives the organizer.
    const roomId = meeting.joinUrl.split('/').at(-1)!;
    const sip = (await (await api.call(`/v1/rooms/${roomId}/sip`, { token: alice })).json()) as {
      conference_id?: string;
      id?: string;
      pin?: string;
    };
    expect(JSON.stringify(sip)).toContain(meeting.phone.conferenceId);
  });

  it('creates an ad-hoc meeting and invites a colleague by PBX user once that user is synced', async () => {
    const client = await open();
    await signIn(client);
    const created = await client.request({ mt: 'MeetingCreate', title: 'Quick call' });
    const id = (created['meeting'] as { id: string }).id;
    const unsynced = await client.request({
      mt: 'MeetingInvite',
      id,
      guid: 'b0b00000000000000000000000000002',
    });
    expect(unsynced).toMatchObject({ error: 'not_found' });
    // bob signs in to the app once: his GUID is linked to his account from then on.
    expect(
      await signIn(await open(), {
        ...aliceLogin,
        sip: 'bob',
        dn: 'Bob',
        guid: 'b0b00000000000000000000000000002',
      }),
    ).toMatchObject({ ok: true });
    const invited = await client.request({
      mt: 'MeetingInvite',
      id,
      guid: 'b0b00000000000000000000000000002',
    });
    expect(invited).toMatchObject({
      mt: 'MeetingInviteResult',
      invited: { displayName: 'Bob Baker' },
    });
    const again = await client.request({ mt: 'MeetingInvite', id, guid: 'b0b00000000000000000000000000002' });
    expect(again).toMatchObject({ error: 'conflict' });
    const bobsList = await client.request({
      mt: 'MeetingDetails',
      id: '00000000-0000-4000-8000-000000000000',
    });
    expect(bobsList).toMatchObject({ error: 'not_found' });
  });

  it('syncs PBX users into the core, so a colleague who never opened the app can be invited', async () => {
    const client = await open();
    await signIn(client);
    const created = await client.request({ mt: 'MeetingCreate' });
    const id = (created['meeting'] as { id: string }).id;
    expect(await client.request({ mt: 'MeetingInvite', id, guid: carolGuid })).toMatchObject({
      error: 'not_found',
    });
    const started = await api.call(`/v1/admin/connectors/${instanceId}/runs`, {
      method: 'POST',
      token: alice,
      body: { mode: 'full' },
    });
    expect(started.status, await started.clone().text()).toBe(202);
    const runId = ((await started.json()) as { id: string }).id;
    let state = 'queued';
    // The run's state is what the admin dashboard polls too; bounded, not a fixed sleep.
    for (let i = 0; i < 400 && ['queued', 'running'].includes(state); i++) {
      const run = (await (
        await api.call(`/v1/admin/connectors/${instanceId}/runs/${runId}`, { token: alice })
      ).json()) as {
        state: string;
      };
      state = run.state;
      if (['queued', 'running'].includes(state)) await new Promise((r) => setTimeout(r, 50));
    }
    expect(state).toBe('completed');
    expect(await client.request({ mt: 'MeetingInvite', id, guid: carolGuid })).toMatchObject({
      invited: { displayName: 'Carol Cooper' },
    });
    // Carol signs in by her GUID, whatever her SIP name: the sync linked it.
    expect(
      await signIn(await open(), { ...aliceLogin, sip: 'carol.pbx', dn: 'Carol Cooper', guid: carolGuid }),
    ).toMatchObject({ ok: true });
  });

  it('answers a malformed request with bad_request and keeps the session', async () => {
    const client = await open();
    await signIn(client);
    expect(await client.request({ mt: 'MeetingInvite', id: 'x', guid: 'y' })).toMatchObject({
      error: 'bad_request',
    });
    expect(await client.request({ mt: 'MeetingsList' })).toMatchObject({ mt: 'MeetingsListResult' });
  });
});
