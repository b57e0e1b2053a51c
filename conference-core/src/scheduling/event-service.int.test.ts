import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { silentLogger } from '../logging/logger.js';
import { openDatabase, type DatabaseHandle } from '../storage/database.js';
import { migrateToLatest } from '../storage/migrate.js';
import { newTenant, newUser } from '../storage/scheduling-fixtures.js';
import { createEventService, SchedulingError, type Actor, type EventService } from './event-service.js';

let root: string;
let handle: DatabaseHandle;
let service: EventService;
let signals = 0;
let tenantId: string;
let alice: Actor;
let bob: Actor;
let bobEmail: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vc-events-'));
  handle = await openDatabase({ dataDir: root, logger: silentLogger });
  await migrateToLatest(handle.db, silentLogger);
  service = createEventService({ db: handle.db, outboxWritten: () => (signals += 1) });
  tenantId = await newTenant(handle.db);
  alice = { tenantId, userId: (await newUser(handle.db, tenantId)).id };
  const bobUser = await newUser(handle.db, tenantId);
  bob = { tenantId, userId: bobUser.id };
  bobEmail = bobUser.email;
});
afterAll(async () => {
  await handle.close();
  await rm(root, { recursive: true, force: true });
});

const loud = { suppressEmailNotification: false };
const quiet = { suppressEmailNotification: true };

async function outboxFor(eventId: string) {
  return handle.db
    .selectFrom('outbox')
    .select(['tenant_id', 'topic', 'payload'])
    .where('aggregate_id', '=', eventId)
    .orderBy('id')
    .execute();
}

const meeting = {
  title: 'Weekly',
  startsAt: new Date('2031-03-10T08:00:00Z'),
  endsAt: new Date('2031-03-10T09:00:00Z'),
  timeZone: 'Europe/Berlin',
};

describe('event service', () => {
  it('writes nothing for an occurrence change that changes nothing: no revision, no outbox row, no mail', async () => {
    const event = await service.create(
      alice,
      { ...meeting, recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'] },
      quiet,
    );
    const occurrence = new Date('2031-03-17T08:00:00Z');
    const first = await service.changeInstance(alice, event.id, occurrence, 1, { status: 'cancelled' }, loud);
    expect(first.event.revision).toBe(2);
    const rows = (await outboxFor(event.id)).length;
    const again = await service.changeInstance(alice, event.id, occurrence, 2, { status: 'cancelled' }, loud);
    expect(again.event.revision).toBe(2);
    expect(again.instance.status).toBe('cancelled');
    const sameTitle = await service.changeInstance(
      alice,
      event.id,
      new Date('2031-03-24T08:00:00Z'),
      'any',
      { title: meeting.title },
      loud,
    );
    expect(sameTitle.event.revision).toBe(2);
    expect((await outboxFor(event.id)).length).toBe(rows);
    // The same for the event itself: its own title, times and rule again change nothing.
    const unchanged = await service.update(
      alice,
      event.id,
      2,
      { title: meeting.title, startsAt: meeting.startsAt, recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'] },
      loud,
    );
    expect(unchanged.revision).toBe(2);
    expect((await outboxFor(event.id)).length).toBe(rows);
    expect((await service.update(alice, event.id, 2, { title: 'Renamed' }, loud)).revision).toBe(3);
    expect((await outboxFor(event.id)).length).toBe(rows + 1);
    // A stale revision is refused even when the change would change nothing.
    await expect(
      service.changeInstance(alice, event.id, occurrence, 2, { status: 'cancelled' }, loud),
    ).rejects.toMatchObject({ kind: 'stale' });
  });

  it('writes one outbox row per change, in the change transaction, and signals after commit', async () => {
    const before = signals;
    const event = await service.create(
      alice,
      { ...meeting, recurrence: ['rrule:freq=weekly;count=3'] },
      quiet,
    );
    expect(event.recurrence).toEqual(['RRULE:FREQ=WEEKLY;COUNT=3']);
    expect(event.seriesEndsAt).toEqual(new Date('2031-03-24T09:00:00Z'));
    const updated = await service.update(alice, event.id, 1, { title: 'Renamed' }, loud);
    await service.changeInstance(
      alice,
      event.id,
      new Date('2031-03-17T08:00:00Z'),
      'any',
      { status: 'cancelled' },
      loud,
    );
    await service.invite(alice, event.id, { email: bobEmail, role: 'guest' }, loud);
    await service.respond(bob, event.id, 'accepted', quiet);
    await service.uninvite(alice, event.id, bob.userId, loud);
    await service.cancel(alice, event.id, undefined, loud);
    expect(updated.revision).toBe(2);
    expect(signals - before).toBe(7);

    const rows = await outboxFor(event.id);
    expect(rows.map((r) => r.topic)).toEqual([
      'event.created',
      'event.updated',
      'event.instance_changed',
      'invite.added',
      'invite.status_changed',
      'invite.removed',
      'event.cancelled',
    ]);
    expect(rows.every((r) => r.tenant_id === tenantId)).toBe(true);
    expect(rows[0]?.payload).toMatchObject({
      event_id: event.id,
      revision: 1,
      suppress_email_notification: true,
    });
    expect(rows[1]?.payload).toMatchObject({ revision: 2, suppress_email_notification: false });
    expect(rows[3]?.payload).toMatchObject({ invitee_user_id: bob.userId, role: 'user' });
    expect(rows[4]?.payload).toMatchObject({ status: 'accepted', suppress_email_notification: true });
    expect(rows[6]?.payload).toMatchObject({
      title: 'Renamed',
      starts_at: '2031-03-10T08:00:00.000Z',
      time_zone: 'Europe/Berlin',
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
      revision: 3,
    });
    const room = await handle.db
      .selectFrom('rooms')
      .select('id')
      .where('id', '=', event.roomId)
      .executeTakeFirst();
    expect(room).toBeUndefined();
  });

  it('writes nothing, neither change nor outbox row, when a rule refuses the change', async () => {
    const event = await service.create(alice, meeting, loud);
    const before = signals;
    await expect(service.update(alice, event.id, 5, { title: 'Stale' }, loud)).rejects.toMatchObject({
      kind: 'stale',
      details: { currentRevision: 1 },
    });
    await expect(service.update(bob, event.id, 1, { title: 'Not mine' }, loud)).rejects.toMatchObject({
      kind: 'not_found',
    });
    await expect(
      service.update(alice, event.id, 1, { endsAt: new Date('2031-03-10T07:00:00Z') }, loud),
    ).rejects.toBeInstanceOf(SchedulingError);
    await service.invite(alice, event.id, { invitee: bob.userId, role: 'user' }, loud);
    await expect(service.update(bob, event.id, 1, { title: 'Invited' }, loud)).rejects.toMatchObject({
      kind: 'forbidden',
    });
    await expect(
      service.invite(alice, event.id, { invitee: bob.userId, role: 'moderator' }, loud),
    ).rejects.toMatchObject({ kind: 'conflict' });
    await expect(
      service.create(alice, { ...meeting, recurrence: ['RRULE:FREQ=SECONDLY'] }, loud),
    ).rejects.toMatchObject({
      kind: 'invalid',
      details: { fields: [{ field: 'body.recurrence_pattern.0' }] },
    });
    expect(signals - before).toBe(1);
    expect((await outboxFor(event.id)).map((r) => r.topic)).toEqual(['event.created', 'invite.added']);
    expect((await service.get(alice, event.id)).title).toBe('Weekly');
  });

  it('lets a person answer an invitation sent to their address before they had an account', async () => {
    const event = await service.create(alice, meeting, loud);
    const email = `Later-${Date.now()}@example.org`;
    await service.invite(alice, event.id, { email, role: 'guest' }, loud);
    const later = await newUser(handle.db, tenantId, { email: email.toLowerCase() });
    await expect(service.get({ tenantId, userId: later.id }, event.id)).rejects.toMatchObject({
      kind: 'not_found',
    });
    const actor = { tenantId, userId: later.id, email: later.email };
    expect((await service.get(actor, event.id)).id).toBe(event.id);
    const answered = await service.respond(actor, event.id, 'tentative', loud);
    expect(answered).toMatchObject({ email, inviteeUserId: null, status: 'tentative' });
    const rows = await outboxFor(event.id);
    expect(rows.at(-1)).toMatchObject({ topic: 'invite.status_changed', payload: { status: 'tentative' } });
  });

  it('keeps tenants apart', async () => {
    const event = await service.create(alice, meeting, loud);
    const otherTenant = await newTenant(handle.db);
    const stranger = { tenantId: otherTenant, userId: (await newUser(handle.db, otherTenant)).id };
    await expect(service.get(stranger, event.id)).rejects.toMatchObject({ kind: 'not_found' });
    await expect(
      service.cancel({ tenantId: otherTenant, userId: alice.userId }, event.id, undefined, loud),
    ).rejects.toMatchObject({ kind: 'not_found' });
    expect((await service.get(alice, event.id)).id).toBe(event.id);
  });
});
