import type { AppointmentBatch, AppointmentsCapability, JsonValue } from '@vc/connector-sdk';
import { expectConnectorError, testContext } from '@vc/connector-sdk/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { a12Connector } from './a12-connector.js';
import { a12Settings, type A12Settings } from './settings.js';
import {
  appointmentDocument,
  appointmentModel,
  appointmentSettingsInput,
  startFakeDataServices,
  type FakeDataServices,
} from './testing/index.js';

// Runs against a FAKE A12 Data Services on 127.0.0.1 (see testing/fake-data-services.ts): the
// method names and request shapes are A12's, the answers' shapes our reading of its fixtures.

const calendars = a12Connector.capabilities.appointments as AppointmentsCapability<A12Settings>;
let fake: FakeDataServices;
let settings: A12Settings;

beforeAll(async () => {
  fake = await startFakeDataServices({
    models: [appointmentModel],
    clientId: 'vc-hub',
    clientSecret: 'fake-client-secret',
  });
  settings = a12Settings.parse(appointmentSettingsInput(fake));
});
afterAll(() => fake.close());
afterEach(() => fake.rejectClient(false));

const ctx = (overrides: Partial<A12Settings> = {}) => testContext({ ...settings, ...overrides });

async function pollAll(cursor: JsonValue | null, overrides: Partial<A12Settings> = {}) {
  const batches: AppointmentBatch[] = [];
  for await (const batch of calendars.poll(ctx(overrides), cursor)) batches.push(batch);
  return {
    batches,
    cursor: batches.at(-1)?.cursor ?? cursor,
    ids: batches.flatMap((b) => b.appointments.map((a) => a.externalId)),
  };
}

const at = (hour: number) =>
  `2030-03-0${1 + Math.floor(hour / 24)}T${String(hour % 24).padStart(2, '0')}:00:00+01:00`;

describe('the A12 connector against a fake Data Services', () => {
  const refs: string[] = [];

  it('polls every appointment once, in pages, and a later poll only what changed after its cursor', async () => {
    for (let i = 0; i < 5; i++) {
      refs.push(
        fake.add(
          'Appointment',
          appointmentDocument({
            subject: `Consultation ${i}`,
            start: at(9 + i),
            end: at(10 + i),
            participants: [`Citizen${i}@Example.org`, 'clerk@example.org'],
            organizer: 'clerk@example.org',
            timeZone: 'Europe/Berlin',
          }),
        ),
      );
    }
    const first = await pollAll(null);
    expect(first.batches.length).toBeGreaterThanOrEqual(3); // page size 2
    expect(first.ids).toEqual(refs);
    const one = first.batches[0]?.appointments[0];
    expect(one).toMatchObject({
      title: 'Consultation 0',
      timeZone: 'Europe/Berlin',
      organizerEmail: 'clerk@example.org',
      participantEmails: ['citizen0@example.org'],
      wantsMeeting: true,
      cancelled: false,
      linkedEventId: null,
    });
    expect(one?.startsAt.toISOString()).toBe('2030-03-01T08:00:00.000Z');

    expect((await pollAll(first.cursor)).ids).toEqual([]);
    fake.edit(refs[3] as string, { '/Appointment/Status': 'CANCELLED' });
    fake.edit(refs[1] as string, { '/Appointment/Subject': 'Moved' });
    const next = await pollAll(first.cursor);
    expect(next.ids).toEqual([refs[3], refs[1]]);
    expect(next.batches[0]?.appointments[0]?.cancelled).toBe(true);
  });

  it('resumes after a batch from that batch cursor without losing or repeating documents', async () => {
    const iterator = calendars.poll(ctx(), null)[Symbol.asyncIterator]();
    const firstBatch = (await iterator.next()).value as AppointmentBatch;
    await iterator.return?.();
    const rest = await pollAll(firstBatch.cursor);
    const all = [...firstBatch.appointments.map((a) => a.externalId), ...rest.ids];
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual([...refs].sort());
  });

  it('skips a document that does not map, with the field named, and reads the others', async () => {
    const broken = fake.add(
      'Appointment',
      appointmentDocument({
        subject: 'Broken',
        start: 'next tuesday',
        end: at(3),
        participants: ['a@example.org'],
      }),
    );
    const badMail = fake.add(
      'Appointment',
      appointmentDocument({ subject: 'Bad', start: at(1), end: at(2), participants: ['not-an-address'] }),
    );
    const { batches } = await pollAll(null, { pageSize: 100 });
    const skipped = batches.flatMap((b) => b.skipped);
    expect(skipped.find((s) => s.externalId === broken)?.reason).toMatch(
      /start \(\/Appointment\/Start\) is not an ISO date-time/,
    );
    expect(skipped.find((s) => s.externalId === badMail)?.reason).toMatch(/participants .* "not-an-address"/);
    expect(batches.flatMap((b) => b.appointments)).toHaveLength(refs.length);
    fake.remove(broken);
    fake.remove(badMail);
  });

  it('writes the meeting details back once: a retry writes nothing, another meeting is never overwritten', async () => {
    const ref = refs[0] as string;
    const access = {
      eventId: 'evt-1',
      joinUrl: 'https://meet.example.org/rooms/r1',
      guestUrl: 'https://meet.example.org/invite/abc',
      dialIn: { number: '+49 30 1234567', conferenceId: '1234567890', pin: '424242' },
    };
    const before = fake.log.methods.filter((m) => m === 'PARTIAL_MODIFY_DOCUMENT').length;
    await calendars.writeBack(ctx(), ref, access);
    await calendars.writeBack(ctx(), ref, access);
    expect(fake.log.methods.filter((m) => m === 'PARTIAL_MODIFY_DOCUMENT').length).toBe(before + 1);
    expect(fake.get(ref)).toMatchObject({
      Appointment: {
        Video: {
          EventId: 'evt-1',
          JoinUrl: access.joinUrl,
          GuestUrl: access.guestUrl,
          DialIn: 'Tel. +49 30 1234567 · ID 1234567890 · PIN 424242',
        },
      },
    });
    expect((await calendars.fetch(ctx(), ref))?.linkedEventId).toBe('evt-1');
    const other = await calendars
      .writeBack(ctx(), ref, { ...access, eventId: 'evt-2' })
      .catch((e: unknown) => e);
    expectConnectorError(other, ['invalid_data'], false);
    expect((other as Error).message).toMatch(/already holds meeting evt-1/);
  });

  it('fetches one document by docRef, null when gone, and refuses a docRef of another model', async () => {
    expect((await calendars.fetch(ctx(), refs[2] as string))?.title).toBe('Consultation 2');
    expect(await calendars.fetch(ctx(), 'Appointment/does-not-exist')).toBeNull();
    expectConnectorError(
      await calendars.fetch(ctx(), 'Invoice/1').catch((e: unknown) => e),
      ['invalid_data'],
      false,
    );
  });

  it('accepts a fitting mapping and names the setting of a mis-mapped field at save', async () => {
    await calendars.validate(ctx());
    const misspelt = await calendars
      .validate(ctx({ startField: '/Appointment/Begin' }))
      .catch((e: unknown) => e);
    expectConnectorError(misspelt, ['invalid_settings'], false);
    expect((misspelt as Error).message).toMatch(
      /startField \(\/Appointment\/Begin\) does not fit document model Appointment/,
    );
    const wrongKind = await calendars
      .validate(ctx({ startField: '/Appointment/Subject', titleField: '/Appointment/Start' }))
      .catch((e: unknown) => e);
    expectConnectorError(wrongKind, ['invalid_settings'], false);
    expect((wrongKind as Error).message).toMatch(
      /startField \(\/Appointment\/Subject\) should hold an ISO date-time/,
    );
    const flag = await calendars
      .validate(ctx({ videoWantedField: '/Appointment/Status', statusField: undefined }))
      .catch((e: unknown) => e);
    expect((flag as Error).message).toMatch(/videoWantedField .* should hold a yes\/no/);
    const twice = await calendars
      .validate(ctx({ joinUrlField: '/Appointment/Subject' }))
      .catch((e: unknown) => e);
    expect((twice as Error).message).toMatch(
      /joinUrlField and titleField both map to \/Appointment\/Subject|titleField and joinUrlField both map/,
    );
    const model = await calendars.validate(ctx({ documentModel: 'Appointmnt' })).catch((e: unknown) => e);
    expectConnectorError(model, ['invalid_settings'], false);
    expect((model as Error).message).toMatch(/Unknown document model Appointmnt/);
  });
});

describe('the Data Services client under faults', () => {
  it('caches the token and renews it once when the server answers 401 (expired or revoked)', async () => {
    await calendars.check(ctx());
    const tokens = fake.log.tokens;
    await calendars.check(ctx());
    expect(fake.log.tokens).toBe(tokens);
    fake.revokeTokens();
    await calendars.check(ctx());
    expect(fake.log.tokens).toBe(tokens + 1);
  });

  it('fails with auth_failed, not retryable, when the client credentials are refused', async () => {
    fake.revokeTokens();
    fake.rejectClient(true);
    expectConnectorError(await calendars.check(ctx()).catch((e: unknown) => e), ['auth_failed'], false);
    const poll = await pollAll(null).catch((e: unknown) => e);
    expectConnectorError(poll, ['auth_failed'], false);
  });

  it('waits out a 429 with Retry-After and a 503 or a reset with backoff, then succeeds', async () => {
    fake.failNext(1, { kind: 'status', status: 429, retryAfter: '1' });
    fake.failNext(1, { kind: 'status', status: 503 });
    fake.failNext(1, { kind: 'reset' });
    const started = Date.now();
    await calendars.check(ctx());
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('hands a long Retry-After to the hub as rate_limited, and a lasting outage as upstream_unavailable', async () => {
    fake.failNext(1, { kind: 'status', status: 429, retryAfter: '120' });
    const throttled = await calendars.check(ctx()).catch((e: unknown) => e);
    expectConnectorError(throttled, ['rate_limited'], true);
    expect((throttled as { retryAfterMs?: number }).retryAfterMs).toBe(120_000);
    fake.failNext(4, { kind: 'status', status: 502 });
    expectConnectorError(await pollAll(null).catch((e: unknown) => e), ['upstream_unavailable'], true);
    const gone = await calendars
      .check(ctx({ dataServicesUrl: 'http://127.0.0.1:9/' }))
      .catch((e: unknown) => e);
    expectConnectorError(gone, ['upstream_unavailable'], true);
  });
});
