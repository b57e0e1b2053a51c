import type { CalendarBatch, CalendarItem } from '@vc/connector-sdk';
import {
  createCalendarSyncRepository,
  createConnectorInstanceRepository,
  createEventRepository,
  createEventService,
  createTenantRepository,
  createUserRepository,
  silentLogger,
  type EventService,
  type ScheduledEvent,
} from '@vc/conference-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { applyCalendarBatch } from '@vc/hub/testing';
import { openTestDatabase } from './support/sync-harness.js';

// The hub's apply step of calendar sync on a real PostgreSQL: what an upstream calendar batch
// (as the Microsoft 365 connector yields it) does to core meetings, and what it leaves alone.

const hour = 3_600_000;
const base = Math.floor(Date.now() / hour) * hour + 48 * hour;
let database: Awaited<ReturnType<typeof openTestDatabase>>;
let tenantId: string;
let instanceId: string;
let owner: { id: string; email: string };
let service: EventService;
/** Every event-service call the apply step made, by method name. */
const calls: string[] = [];

const counting = (inner: EventService): EventService =>
  Object.fromEntries(
    Object.entries(inner).map(([name, fn]) => [
      name,
      (...args: unknown[]) => {
        calls.push(name);
        return (fn as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  ) as unknown as EventService;

async function meeting(title: string, offsetHours: number): Promise<ScheduledEvent> {
  return service.create(
    { tenantId, userId: owner.id },
    {
      title,
      startsAt: new Date(base + offsetHours * hour),
      endsAt: new Date(base + offsetHours * hour + hour),
      timeZone: 'Europe/Berlin',
    },
    { suppressEmailNotification: true },
  );
}

function item(event: ScheduledEvent, changes: Partial<CalendarItem> = {}): CalendarItem {
  return {
    calendar: owner.email,
    externalId: `outlook-${event.id}`,
    kind: 'single',
    seriesExternalId: null,
    originalStart: null,
    link: { roomId: event.roomId },
    title: event.title,
    startsAt: event.startsAt!.toISOString(),
    endsAt: event.endsAt!.toISOString(),
    timeZone: 'UTC',
    isAllDay: false,
    cancelled: false,
    organizer: owner.email,
    attendees: [],
    ...changes,
  };
}

async function apply(upserts: CalendarItem[], step: number) {
  return applyCalendarBatch(
    { db: database.db, events: counting(service), logger: silentLogger, tenantId, instanceId },
    { upserts, removals: [], restarted: [], cursor: { step } } satisfies CalendarBatch,
  );
}

beforeAll(async () => {
  database = await openTestDatabase('postgres');
  const db = database.db;
  const tenant = await createTenantRepository(db).create({ slug: 'apply', name: 'Apply' });
  if (!tenant.ok) throw new Error('tenant');
  tenantId = tenant.tenant.id;
  const user = await createUserRepository(db).create(tenantId, {
    email: 'owner@apply.test',
    displayName: 'Owner',
  });
  if (!user.ok) throw new Error('user');
  owner = { id: user.user.id, email: 'owner@apply.test' };
  const instance = await createConnectorInstanceRepository(db).create(tenantId, {
    connectorType: 'microsoft365',
    name: 'M365',
    settings: {},
    secrets: {},
  });
  if (!instance.ok) throw new Error('instance');
  instanceId = instance.instance.id;
  service = createEventService({ db, outboxWritten: () => undefined });
}, 120_000);

afterAll(async () => {
  await database?.remove();
});

describe('applying a calendar batch', () => {
  it('links items the core already agrees with without a write, and skips them by fingerprint when read again', async () => {
    const events = await Promise.all([meeting('One', 0), meeting('Two', 2), meeting('Three', 4)]);
    calls.length = 0;
    const first = await apply(
      events.map((e) => item(e)),
      1,
    );
    expect(first).toMatchObject({ unchanged: 0, linked: 3, updated: 0, ignored: 0 });
    expect(calls).toEqual([]);
    // A full re-read (a 410 restart, a repeated delta) of the same items: nothing to do at all.
    const again = await apply(
      events.map((e) => item(e)),
      2,
    );
    expect(again).toMatchObject({ unchanged: 3, linked: 0, updated: 0 });
    expect(calls).toEqual([]);
    expect((await createCalendarSyncRepository(database.db).state(tenantId, instanceId)).cursor).toEqual({
      step: 2,
    });
  });

  it('sends only the changed items through the event service, several meetings side by side', async () => {
    const events = await Promise.all(Array.from({ length: 12 }, (_, i) => meeting(`M${i}`, 10 + i)));
    await apply(
      events.map((e) => item(e)),
      3,
    );
    calls.length = 0;
    const moved = events.slice(0, 9).map((e) =>
      item(e, {
        startsAt: new Date(e.startsAt!.getTime() + hour / 2).toISOString(),
        endsAt: new Date(e.endsAt!.getTime() + hour / 2).toISOString(),
      }),
    );
    const counts = await apply([...moved, ...events.slice(9).map((e) => item(e))], 4);
    expect(counts).toMatchObject({ unchanged: 3, linked: 9, updated: 9 });
    expect(calls.filter((c) => c === 'update')).toHaveLength(9);
    const repository = createEventRepository(database.db);
    for (const e of events.slice(0, 9)) {
      const now = await repository.findById(tenantId, e.id);
      expect(now?.startsAt?.getTime()).toBe(e.startsAt!.getTime() + hour / 2);
    }
    const untouched = await repository.findById(tenantId, events[11]!.id);
    expect(untouched?.revision).toBe(events[11]!.revision);
  });

  it('cancels a meeting cancelled in Outlook and stores no link for it, keeping the cursor', async () => {
    const event = await meeting('Cancel me', 30);
    await apply([item(event)], 5);
    const counts = await apply([item(event, { cancelled: true })], 6);
    expect(counts).toMatchObject({ cancelled: 1 });
    expect(await createEventRepository(database.db).findById(tenantId, event.id)).toBeUndefined();
    const links = await createCalendarSyncRepository(database.db).findLinks(tenantId, instanceId, [
      { calendar: owner.email, externalId: `outlook-${event.id}` },
    ]);
    expect(links).toEqual([]);
    expect((await createCalendarSyncRepository(database.db).state(tenantId, instanceId)).cursor).toEqual({
      step: 6,
    });
  });
});
