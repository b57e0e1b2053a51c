import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { addinEventIdName, microsoft365Settings } from '@vc/connector-microsoft365';
import { ADDIN_ID } from '@vc/outlook-addin/manifests';

import {
  addMeeting,
  createFakeMailboxItem,
  createMeetingApi,
  eventIdProperty,
  type FakeMailboxItem,
  type MeetingApi,
} from '@vc/outlook-addin';

import { startApiHub, type ApiHub } from './support/api-hub.js';

/**
 * "Add meeting" as the add-in runs it, against a real hub and real tokens of its development
 * issuer; the appointment is the typed fake mailbox item, which enforces Outlook's documented
 * limits (255-character location, 2,500 characters of custom properties, `x_` id rewrite, three
 * concurrent calls) but is not Outlook.
 */
describe('Outlook add-in: Add meeting against the API', () => {
  let hub: ApiHub;
  let api: MeetingApi;
  let aliceToken: string;
  const zone = 'Europe/Berlin';

  beforeAll(async () => {
    hub = await startApiHub({ backend: 'postgres', env: { MAIL_DIAL_IN_NUMBER: '+49 30 1234567' } });
    aliceToken = await hub.token('alice');
    // bob has signed in once, so he is a registered user of the tenant.
    await hub.call('/v1/users/me', { token: await hub.token('bob') });
    api = createMeetingApi({ baseUrl: hub.url, accessToken: () => Promise.resolve(aliceToken) });
  }, 180_000);
  afterAll(async () => {
    await hub?.stop();
  });

  function appointment(): FakeMailboxItem {
    return createFakeMailboxItem({
      subject: 'Quarterly review',
      start: new Date('2027-03-01T09:00:00Z'),
      end: new Date('2027-03-01T10:00:00Z'),
      location: 'Room 4.12',
      requiredAttendees: [{ emailAddress: 'bob@example.test', displayName: 'Bob' }],
      optionalAttendees: [{ emailAddress: 'gast@partner.example', displayName: 'Gast' }],
    });
  }

  const run = (item: FakeMailboxItem, settings?: Parameters<typeof addMeeting>[0]['settings']) =>
    addMeeting({
      item,
      api,
      publicUrl: hub.url,
      timeZone: zone,
      locale: 'en',
      ...(settings && { settings }),
    });

  async function json<T>(path: string): Promise<T> {
    const res = await hub.call(path, { token: aliceToken });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  }

  it('creates the meeting, invites the attendees, and writes one block, the link and the event id', async () => {
    const item = appointment();
    const result = await run(item);
    expect(result.created).toBe(true);

    const event = await json<{
      title: string;
      room_id: string;
      starts_at: { datetime: string; timezone: string };
    }>(`/v1/events/${result.eventId}`);
    expect(event.title).toBe('Quarterly review');
    expect(event.starts_at).toEqual({ datetime: '2027-03-01T09:00:00.000Z', timezone: zone });
    const invites = await json<{ email: string | null; invitee_user_id: string | null }[]>(
      `/v1/events/${result.eventId}/invites`,
    );
    expect(invites.map((i) => i.email).filter((e) => e !== null)).toEqual(['gast@partner.example']);
    expect(invites.filter((i) => i.invitee_user_id !== null)).toHaveLength(1);

    const sip = await json<{ sip_id: string; password: string; number: string }>(
      `/v1/rooms/${event.room_id}/sip`,
    );
    const links = await json<{ invite_code: string }[]>(`/v1/rooms/${event.room_id}/invites`);
    const body = item.state.body;
    expect(body.split('vc-meeting-block')).toHaveLength(2);
    expect(body).toContain('id="x_vc-meeting-block"');
    expect(body).toContain(`${hub.url}/rooms/${event.room_id}`);
    expect(body).toContain(`${hub.url}/invite/${links[0]!.invite_code}`);
    expect(body).toContain('+49 30 1234567');
    expect(body).toContain(sip.sip_id);
    expect(body).toContain(sip.password);
    expect(body).toContain('Agenda');
    expect(item.state.location).toBe(`Room 4.12; ${hub.url}/rooms/${event.room_id}`);
    expect(item.state.customProperties[eventIdProperty]).toBe(result.eventId);
  });

  it('updates the same meeting after the organizer moved it and changed attendees, never duplicating anything', async () => {
    const item = appointment();
    const first = await run(item);
    item.state.start = new Date('2027-03-02T13:00:00Z');
    item.state.end = new Date('2027-03-02T14:30:00Z');
    item.state.subject = 'Quarterly review (moved)';
    item.state.requiredAttendees = [{ emailAddress: 'carol@example.test', displayName: 'Carol' }];
    item.state.recurrence = {
      recurrenceType: 'weekly',
      recurrenceProperties: { days: ['tue'] },
      seriesTime: { getStartDate: () => '2027-03-02', getEndDate: () => '2027-04-27' },
    };
    const second = await run(item);
    const third = await run(item);
    expect(second).toMatchObject({ eventId: first.eventId, created: false });
    expect(third.eventId).toBe(first.eventId);

    const event = await json<{
      title: string;
      starts_at: { datetime: string };
      recurrence_pattern: string[];
      revision: number;
    }>(`/v1/events/${first.eventId}`);
    expect(event.title).toBe('Quarterly review (moved)');
    expect(event.starts_at.datetime).toBe('2027-03-02T13:00:00.000Z');
    expect(event.recurrence_pattern).toEqual(['RRULE:FREQ=WEEKLY;UNTIL=20270427T235959Z;BYDAY=TU']);
    expect(event.revision).toBe(2); // the third run found nothing to change
    const invites = await json<{ email: string | null; invitee_user_id: string | null }[]>(
      `/v1/events/${first.eventId}/invites`,
    );
    // bob (a registered user) left and is withdrawn; carol is no user here and is invited by address.
    expect(invites.filter((i) => i.invitee_user_id !== null)).toEqual([]);
    expect(invites.map((i) => i.email).sort()).toEqual(['carol@example.test', 'gast@partner.example']);
    expect(item.state.body.split('vc-meeting-block')).toHaveLength(2);
    expect(item.state.location.split(hub.url)).toHaveLength(2);
    expect(item.calls['body.setAsync']).toBe(3);
  });

  it('applies the settings of the task pane to the room and can leave the dial-in out', async () => {
    const item = appointment();
    const { eventId, details } = await run(item, {
      waiting_room: true,
      guest_access: 'waiting_room',
      password: 'secret-42',
      showDialIn: false,
    });
    const event = await json<{ room_id: string }>(`/v1/events/${eventId}`);
    const room = await json<{ waiting_room: boolean; guest_access: string; password: string }>(
      `/v1/rooms/${event.room_id}`,
    );
    expect(room).toMatchObject({ waiting_room: true, guest_access: 'waiting_room', password: 'secret-42' });
    expect(details.dialIn).toBeNull();
    expect(item.state.body).not.toContain('Conference ID');
    // The choice is remembered on the appointment: a plain second run keeps it.
    await run(item);
    expect(item.state.body).not.toContain('Conference ID');
  });

  it('reads its event id back from the custom properties: the block and link edited away, a second run updates the same meeting', async () => {
    const item = appointment();
    const first = await run(item);
    const week = '/v1/events?time_min=2027-02-28T00:00:00Z&time_max=2027-03-05T00:00:00Z&limit=500';
    const before = (await json<{ items: { id: string }[] }>(week)).items;
    expect(before.map((e) => e.id)).toContain(first.eventId);
    // The organizer deleted our block and the link: only the custom property still names the event.
    item.state.body = '<html><body><div>Agenda, rewritten by hand</div></body></html>';
    item.state.location = 'Room 4.12';
    item.state.subject = 'Quarterly review (renamed)';
    const second = await run(item);
    expect(second).toMatchObject({ eventId: first.eventId, created: false });
    const after = (await json<{ items: { id: string }[] }>(week)).items;
    expect(after.map((e) => e.id).sort()).toEqual(before.map((e) => e.id).sort());
    expect((await json<{ title: string }>(`/v1/events/${first.eventId}`)).title).toBe(
      'Quarterly review (renamed)',
    );
    expect(item.state.body.split('vc-meeting-block')).toHaveLength(2);
    expect(item.state.body).toContain('Agenda, rewritten by hand');
    expect(item.state.location.split(hub.url)).toHaveLength(2);
    expect(item.calls['loadCustomPropertiesAsync']).toBe(2);
  });

  it('stores its event id where the Microsoft 365 connector looks for it (cecp-<add-in id>, same name)', () => {
    expect(addinEventIdName).toBe(eventIdProperty);
    const defaults = microsoft365Settings.parse({
      tenantId: 'contoso.example',
      clientId: ADDIN_ID,
      clientSecret: 'x',
      meetingBaseUrl: 'https://meet.example.org',
    });
    expect(defaults.addinId).toBe(ADDIN_ID);
  });

  it('makes a new meeting when the one the appointment names was deleted', async () => {
    const item = appointment();
    const first = await run(item);
    expect(
      (
        await hub.call(`/v1/events/${first.eventId}?suppress_email_notification=true`, {
          method: 'DELETE',
          token: aliceToken,
          headers: { 'if-match': '*' },
        })
      ).status,
    ).toBe(204);
    const second = await run(item);
    expect(second.created).toBe(true);
    expect(second.eventId).not.toBe(first.eventId);
    expect(item.state.body.split('vc-meeting-block')).toHaveLength(2);
  });

  it('sends no invitation mail of its own (Outlook sends it), while the same invite made without suppression does', async () => {
    const item = appointment();
    const { eventId } = await run(item);
    const control = await api.createEvent({
      title: 'Control',
      starts_at: { datetime: '2027-03-05T09:00:00Z', timezone: zone },
      ends_at: { datetime: '2027-03-05T10:00:00Z', timezone: zone },
      recurrence_pattern: [],
    });
    const invited = await hub.call(`/v1/events/${control.id}/invites`, {
      method: 'POST',
      token: aliceToken,
      body: { email: 'gast@partner.example' },
    });
    expect(invited.status).toBe(201);
    type Outbox = { items: { event_id: string | null }[] };
    await expect
      .poll(
        async () =>
          (await json<Outbox>('/v1/admin/mail/outbox')).items.some((m) => m.event_id === control.id),
        {
          timeout: 20_000,
        },
      )
      .toBe(true);
    const outbox = await json<Outbox>('/v1/admin/mail/outbox');
    expect(outbox.items.filter((m) => m.event_id === eventId)).toEqual([]);
  });

  it('fails with a clear error and leaves the appointment alone when Outlook refuses or the limits are hit', async () => {
    const item = appointment();
    item.failNext('body.getAsync', {
      code: 9002,
      name: 'InternalServerError',
      message: 'The mailbox is offline.',
    });
    await expect(run(item)).rejects.toThrow(/read the body: The mailbox is offline/);
    expect(item.state.location).toBe('Room 4.12');

    const crowded = appointment();
    crowded.state.customProperties = { otherAddinNote: 'x'.repeat(2_480) };
    await expect(run(crowded)).rejects.toThrow(/custom properties exceeds 2500/);

    const backwards = appointment();
    backwards.state.end = new Date(backwards.state.start.getTime() - 1);
    await expect(run(backwards)).rejects.toThrow(/ends before it starts/);

    const signedOut = createMeetingApi({
      baseUrl: hub.url,
      accessToken: () => Promise.resolve('not-a-token'),
    });
    await expect(
      addMeeting({ item: appointment(), api: signedOut, publicUrl: hub.url, timeZone: zone, locale: 'en' }),
    ).rejects.toMatchObject({ status: 401 });
  });
});
