import { randomUUID } from 'node:crypto';

import { signWebhook } from '@vc/connector-a12';
import {
  appointmentDocument,
  appointmentModel,
  appointmentSettingsInput,
  startFakeDataServices,
  type FakeDataServices,
} from '@vc/connector-a12/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApiHub, type ApiHub } from './support/api-hub.js';

// The A12 side is a FAKE Data Services on 127.0.0.1 (connectors/a12/src/testing): A12's method
// names and request shapes, our reading of its answers. The hub, its database, the core's
// meetings and the write-back are real.

const webhookSecret = 'a12-push-secret-0123456789abcdef0123456789';

interface Video {
  EventId?: string;
  JoinUrl?: string;
  GuestUrl?: string;
  DialIn?: string;
}

describe('A12 appointments through a real hub', () => {
  let fake: FakeDataServices;
  let api: ApiHub;
  let alice: string;
  let instanceId: string;
  let tenantId: string;
  const settings = () => ({
    ...appointmentSettingsInput(fake),
    defaultOrganizerEmail: 'alice@example.test',
    webhookSecret,
  });
  const video = (docRef: string) =>
    (fake.get(docRef) as { Appointment: { Video?: Video } }).Appointment.Video ?? {};
  const writes = () => fake.log.methods.filter((m) => m === 'PARTIAL_MODIFY_DOCUMENT').length;
  const poll = () => api.hub.appointments.poll(tenantId, instanceId);
  const eventOf = (id: string) => api.call(`/v1/events/${id}`, { token: alice });
  const invitees = async (id: string) =>
    (await (await api.call(`/v1/events/${id}/invites`, { token: alice })).json()) as {
      email: string | null;
      invitee_user_id: string | null;
    }[];

  beforeAll(async () => {
    fake = await startFakeDataServices({
      models: [appointmentModel],
      clientId: 'vc-hub',
      clientSecret: 'fake-client-secret',
    });
    api = await startApiHub({ MAIL_DIAL_IN_NUMBER: '+49 30 5550100' });
    alice = await api.token('alice');
    await api.call('/v1/users/me', { token: alice }); // provisions alice, the organizer
  }, 180_000);
  afterAll(async () => {
    await api.stop();
    await fake.close();
  });

  it('refuses to save a mis-mapped connector, naming the field', async () => {
    const response = await api.call('/v1/admin/connectors', {
      method: 'POST',
      token: alice,
      body: {
        type: 'a12',
        name: 'Bad A12',
        settings: { ...settings(), endField: '/Appointment/Finish' },
        incremental_every_ms: null,
        full_cron: null,
      },
    });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { errors: { field: string; message: string }[] };
    expect(problem.errors[0]?.message).toMatch(
      /invalid_settings: field mapping: endField \(\/Appointment\/Finish\)/,
    );
  });

  it('saves a fitting connector', async () => {
    const response = await api.call('/v1/admin/connectors', {
      method: 'POST',
      token: alice,
      body: {
        type: 'a12',
        name: 'Case files',
        settings: settings(),
        incremental_every_ms: null,
        full_cron: null,
      },
    });
    const text = await response.text();
    expect(response.status, text).toBe(201);
    expect(text).not.toContain(webhookSecret);
    instanceId = (JSON.parse(text) as { id: string }).id;
    const found = await api.hub.appointments.findEnabled(instanceId);
    tenantId = found?.tenantId ?? '';
    expect(tenantId).not.toBe('');
  });

  let docRef: string;
  let eventId: string;

  it('turns a new appointment into a meeting with its invitations and writes the links back once', async () => {
    docRef = fake.add(
      'Appointment',
      appointmentDocument({
        subject: 'Building permit consultation',
        start: '2030-05-06T10:00:00+02:00',
        end: '2030-05-06T10:30:00+02:00',
        timeZone: 'Europe/Berlin',
        organizer: 'alice@example.test',
        participants: ['Citizen@Partner.example', 'bob@example.test'],
      }),
    );
    const report = await poll();
    expect(report).toMatchObject({ ok: true, counts: { created: 1 } });
    const written = video(docRef);
    eventId = written.EventId ?? '';
    expect(written.JoinUrl).toBe(
      `${api.url}/rooms/${((await (await eventOf(eventId)).json()) as { room_id: string }).room_id}`,
    );
    expect(written.GuestUrl).toMatch(new RegExp(`^${api.url}/invite/`));
    expect(written.DialIn).toMatch(/^Tel\. \+49 30 5550100 · ID \d{10} · PIN \d{4,12}$/);
    const event = (await (await eventOf(eventId)).json()) as {
      title: string;
      starts_at: { datetime: string; timezone: string };
    };
    expect(event.title).toBe('Building permit consultation');
    expect(event.starts_at.timezone).toBe('Europe/Berlin');
    const invited = await invitees(eventId);
    expect(invited.map((i) => i.email ?? i.invitee_user_id).length).toBe(2);
    expect(invited.some((i) => i.email === 'citizen@partner.example')).toBe(true);

    // Our own write changed the document; reading it again changes and writes nothing.
    const before = writes();
    expect(await poll()).toMatchObject({ ok: true, counts: { created: 0, updated: 0 } });
    expect(writes()).toBe(before);
  });

  it('follows a change of title, time and participants', async () => {
    fake.edit(docRef, {
      '/Appointment/Subject': 'Building permit, second talk',
      '/Appointment/Start': '2030-05-07T14:00:00+02:00',
      '/Appointment/End': '2030-05-07T15:00:00+02:00',
    });
    const doc = fake.get(docRef) as { Appointment: { Participants: { Email: string }[] } };
    doc.Appointment.Participants = [{ Email: 'citizen@partner.example' }];
    fake.edit(docRef, {}); // the participant change is a save too
    expect(await poll()).toMatchObject({ ok: true, counts: { updated: 1, created: 0 } });
    const event = (await (await eventOf(eventId)).json()) as {
      title: string;
      starts_at: { datetime: string };
    };
    expect(event.title).toBe('Building permit, second talk');
    expect(new Date(event.starts_at.datetime).toISOString()).toBe('2030-05-07T12:00:00.000Z');
    expect((await invitees(eventId)).map((i) => i.email)).toEqual(['citizen@partner.example']);
    expect(video(docRef).EventId).toBe(eventId);
  });

  it('cancels the meeting when the appointment is cancelled', async () => {
    fake.edit(docRef, { '/Appointment/Status': 'CANCELLED' });
    expect(await poll()).toMatchObject({ ok: true, counts: { cancelled: 1 } });
    expect((await eventOf(eventId)).status).toBe(404);
    expect(await poll()).toMatchObject({ ok: true, counts: { cancelled: 0 } });
  });

  it('finishes an interrupted write-back on the next poll without a second meeting', async () => {
    const ref = fake.add(
      'Appointment',
      appointmentDocument({
        subject: 'Interrupted',
        start: '2030-06-01T09:00:00Z',
        end: '2030-06-01T09:30:00Z',
        organizer: 'alice@example.test',
      }),
    );
    // Data Services goes away after the meeting exists: every try of the write-back fails.
    fake.failCallsOf('GET_DOCUMENT', 4, { kind: 'status', status: 503 });
    const stopped = await poll();
    expect(stopped.ok).toBe(false);
    expect(stopped.error?.code).toBe('upstream_unavailable');
    expect(video(ref).EventId).toBeUndefined();
    expect(await poll()).toMatchObject({ ok: true, counts: { created: 0 } });
    const eventIdWritten = video(ref).EventId ?? '';
    expect((await eventOf(eventIdWritten)).status).toBe(200);
    const list = (await (
      await api.call('/v1/events?time_min=2030-06-01T00:00:00Z&time_max=2030-06-02T00:00:00Z', {
        token: alice,
      })
    ).json()) as { items: { title: string }[] };
    expect(list.items.filter((e) => e.title === 'Interrupted')).toHaveLength(1);
  });

  describe('the signed push hint', () => {
    const send = (body: string, timestamp: number, signature = signWebhook(webhookSecret, timestamp, body)) =>
      fetch(`${api.url}/v1/hooks/a12/${instanceId}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-a12-timestamp': String(timestamp),
          'x-a12-signature': signature,
        },
        body,
      });
    const now = () => Math.floor(Date.now() / 1000);

    it('fetches the named document at once when the hint is genuine', async () => {
      const ref = fake.add(
        'Appointment',
        appointmentDocument({
          subject: 'Pushed',
          start: '2030-07-01T09:00:00Z',
          end: '2030-07-01T10:00:00Z',
          organizer: 'alice@example.test',
        }),
      );
      const body = JSON.stringify({ id: randomUUID(), docRef: ref });
      const timestamp = now();
      expect((await send(body, timestamp)).status).toBe(202);
      await expect
        .poll(() => video(ref).EventId, { timeout: 15_000, interval: 50 })
        .toMatch(/^[0-9a-f-]{36}$/);
      // The same delivery again is a replay.
      expect((await send(body, timestamp)).status).toBe(409);
    });

    it('refuses a forged, a stale or an unsigned hint', async () => {
      const body = JSON.stringify({ id: randomUUID(), docRef: 'Appointment/x' });
      expect(
        (await send(body, now(), signWebhook('not-the-secret-at-all-0123456789abcdef', now(), body))).status,
      ).toBe(401);
      expect(
        (await send(body.replace('x', 'y'), now(), signWebhook(webhookSecret, now(), body))).status,
      ).toBe(401);
      expect((await send(body, now() - 3600)).status).toBe(401);
      const unsigned = await fetch(`${api.url}/v1/hooks/a12/${instanceId}`, { method: 'POST', body });
      expect(unsigned.status).toBe(401);
      expect((await send(JSON.stringify({ id: randomUUID(), docRef: 'Invoice/1' }), now())).status).toBe(422);
      expect((await fetch(`${api.url}/v1/hooks/a12/${randomUUID()}`, { method: 'POST', body })).status).toBe(
        404,
      );
    });
  });
});
