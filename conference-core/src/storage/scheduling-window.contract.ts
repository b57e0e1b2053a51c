import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEventExceptionRepository } from './event-exception-repository.js';
import {
  createEventRepository,
  type EventWindowQuery,
  type NewEvent,
  type ScheduledEvent,
} from './event-repository.js';
import { InvalidCursorError } from './errors.js';
import { createInviteRepository } from './invite-repository.js';
import {
  at,
  day,
  hour,
  monday,
  newEvent,
  newTenant,
  newUser,
  type SchedulingContext,
} from './scheduling-fixtures.js';
import type { User } from './user-repository.js';

type Shape = Partial<Omit<NewEvent, 'roomId' | 'createdBy'>>;
const weekly = ['RRULE:FREQ=WEEKLY'];

/**
 * The window is the week from `monday`. Each event's title says whether it belongs in it; `me`
 * creates most of them, `colleague` the rest, some of which invite `me`.
 */
const mine: Record<string, Shape> = {
  'in: inside': { startsAt: at(day + 10 * hour), endsAt: at(day + 11 * hour) },
  'in: tie a': { startsAt: at(2 * day), endsAt: at(2 * day + hour) },
  'in: tie b': { startsAt: at(2 * day), endsAt: at(2 * day + hour) },
  'in: tie c': { startsAt: at(2 * day), endsAt: at(2 * day + hour) },
  'in: overlaps the start': { startsAt: at(-hour), endsAt: at(hour) },
  'in: spans the week': { startsAt: at(-day), endsAt: at(8 * day) },
  'in: began 10 days ago, lasts 12': { startsAt: at(-10 * day), endsAt: at(2 * day) },
  'in: zero length at the start': { startsAt: monday, endsAt: monday },
  'in: endless series from last year': {
    startsAt: at(-365 * day),
    endsAt: at(-365 * day + hour),
    recurrence: weekly,
  },
  'in: series ending midweek': {
    startsAt: at(-30 * day),
    endsAt: at(-30 * day + hour),
    recurrence: weekly,
    seriesEndsAt: at(2 * day + hour),
  },
  'out: ends at the start': { startsAt: at(-hour), endsAt: monday },
  'out: starts at the end': { startsAt: at(7 * day), endsAt: at(7 * day + hour) },
  'out: zero length at the end': { startsAt: at(7 * day), endsAt: at(7 * day) },
  'out: long, ended before': { startsAt: at(-10 * day), endsAt: at(-2 * day) },
  'out: series ended before': {
    startsAt: at(-60 * day),
    endsAt: at(-60 * day + hour),
    recurrence: weekly,
    seriesEndsAt: at(-day + hour),
  },
  'out: series starting later': { startsAt: at(8 * day), endsAt: at(8 * day + hour), recurrence: weekly },
  'timeless: my room': { isTimeIndependent: true },
};
const colleagues: Record<string, Shape & { invite?: 'user' | 'email' }> = {
  'in: invited as user': { startsAt: at(3 * day), endsAt: at(3 * day + hour), invite: 'user' },
  'tenant only: invited by email': { startsAt: at(3 * day), endsAt: at(3 * day + hour), invite: 'email' },
  'tenant only: not invited': { startsAt: at(4 * day), endsAt: at(4 * day + hour) },
  'timeless: invited room': { isTimeIndependent: true, invite: 'user' },
  'timeless: other room': { isTimeIndependent: true },
};
const MOVED_IN = 'in: ended series, one occurrence moved into the week';

export function describeEventWindowContract({ db }: SchedulingContext): void {
  const events = () => createEventRepository(db());
  let tenantId: string;
  let me: User;

  const listAll = async (query: Omit<EventWindowQuery, 'limit' | 'cursor'>, limit: number) => {
    const seen: ScheduledEvent[] = [];
    let cursor: string | undefined;
    do {
      const page = await events().listOverlapping(tenantId, { ...query, limit, cursor });
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return seen;
  };
  const titles = (list: ScheduledEvent[]) => list.map((event) => event.title).sort();
  const expected = (...prefixes: string[]) =>
    [...Object.keys(mine), ...Object.keys(colleagues), MOVED_IN]
      .filter((title) => prefixes.some((prefix) => title.startsWith(prefix)))
      .sort();
  const week = { from: monday, to: at(7 * day) };

  describe('event window', () => {
    beforeAll(async () => {
      tenantId = await newTenant(db());
      me = await newUser(db(), tenantId);
      const colleague = await newUser(db(), tenantId);
      for (const [title, shape] of Object.entries(mine))
        await newEvent(db(), tenantId, me.id, { ...shape, title });
      for (const [title, { invite, ...shape }] of Object.entries(colleagues)) {
        const event = await newEvent(db(), tenantId, colleague.id, { ...shape, title });
        if (invite === undefined) continue;
        const invitee = invite === 'user' ? { userId: me.id } : { email: me.email };
        await createInviteRepository(db()).add(tenantId, event.id, {
          invitee,
          role: 'user',
          createdBy: colleague.id,
        });
      }
      const moved = await newEvent(db(), tenantId, colleague.id, {
        title: MOVED_IN,
        startsAt: at(-70 * day),
        endsAt: at(-70 * day + hour),
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
        seriesEndsAt: at(-56 * day + hour),
      });
      await createInviteRepository(db()).add(tenantId, moved.id, {
        invitee: { userId: me.id },
        role: 'user',
        createdBy: colleague.id,
      });
      await createEventExceptionRepository(db()).upsert(tenantId, moved.id, at(-56 * day), {
        kind: 'modified',
        startsAt: at(3 * day),
        endsAt: at(3 * day + hour),
      });
      // The same week in another tenant, which must never show.
      const stranger = await newUser(db(), await newTenant(db()));
      await newEvent(db(), stranger.tenantId, stranger.id, {
        title: 'in: another tenant',
        startsAt: at(day),
        endsAt: at(day + hour),
      });
    });

    it("lists a tenant's single events and series that overlap the window, and nothing else", async () => {
      const listed = await listAll(week, 500);
      expect(titles(listed)).toEqual(expected('in:', 'tenant only:'));
      expect(listed.every((event) => event.tenantId === tenantId)).toBe(true);
    });

    it('adds time-independent events only when asked, after all timed ones', async () => {
      const listed = await listAll({ ...week, includeTimeIndependent: true }, 500);
      expect(titles(listed)).toEqual(expected('in:', 'tenant only:', 'timeless:'));
      expect(listed.slice(-3).map((event) => event.startsAt)).toEqual([null, null, null]);
    });

    it('lists for a user only the events they created or are invited to as a registered user', async () => {
      expect(titles(await listAll({ ...week, userId: me.id }, 500))).toEqual(expected('in:'));
      const withRooms = await listAll({ ...week, userId: me.id, includeTimeIndependent: true }, 500);
      expect(titles(withRooms)).toEqual(expected('in:', 'timeless: my', 'timeless: invited'));
    });

    it('pages in start order without duplicates or gaps, across ties and into the timeless tail', async () => {
      for (const query of [
        { ...week, includeTimeIndependent: true },
        { ...week, userId: me.id, includeTimeIndependent: true },
      ]) {
        const whole = await listAll(query, 500);
        const paged = await listAll(query, 2);
        expect(paged.map((event) => event.id)).toEqual(whole.map((event) => event.id));
        const starts = whole.flatMap((event) => (event.startsAt ? [event.startsAt.getTime()] : []));
        expect(starts).toEqual([...starts].sort((a, b) => a - b));
        const ties = whole.filter((event) => event.title.startsWith('in: tie')).map((event) => event.id);
        expect(ties).toEqual([...ties].sort());
      }
    });

    it("finds an invitation by its event's current times after the event moves, and one claimed from an address", async () => {
      const host = await newUser(db(), await newTenant(db()));
      const guest = await newUser(db(), host.tenantId);
      const late = await newUser(db(), host.tenantId);
      const meeting = await newEvent(db(), host.tenantId, host.id, {
        title: 'moves',
        startsAt: at(-30 * day),
        endsAt: at(-30 * day + hour),
      });
      const invites = createInviteRepository(db());
      await invites.add(host.tenantId, meeting.id, {
        invitee: { userId: guest.id },
        role: 'user',
        createdBy: host.id,
      });
      await invites.add(host.tenantId, meeting.id, {
        invitee: { email: late.email },
        role: 'user',
        createdBy: host.id,
      });
      const listed = async (userId: string) =>
        titles((await events().listOverlapping(host.tenantId, { ...week, userId, limit: 10 })).items);
      expect(await listed(guest.id)).toEqual([]);

      const moved = await events().update(host.tenantId, meeting.id, meeting.revision, {
        startsAt: at(2 * day),
        endsAt: at(2 * day + hour),
      });
      expect(moved.ok).toBe(true);
      expect(await listed(guest.id)).toEqual(['moves']);
      expect(await invites.claimEmailInvites(host.tenantId, late.id, late.email)).toBe(1);
      expect(await listed(late.id)).toEqual(['moves']);

      // Made a series that ended before the window: its span no longer reaches the week.
      const series = await events().update(host.tenantId, meeting.id, meeting.revision + 1, {
        startsAt: at(-30 * day),
        endsAt: at(-30 * day + hour),
        recurrence: weekly,
        seriesEndsAt: at(-16 * day + hour),
      });
      expect(series.ok).toBe(true);
      expect(await listed(guest.id)).toEqual([]);
      expect(await listed(late.id)).toEqual([]);
    });

    it('keeps two events apart whose starts differ by microseconds only', async () => {
      const owner = await newUser(db(), await newTenant(db()));
      const first = await newEvent(db(), owner.tenantId, owner.id, { title: 'micro 1' });
      const second = await newEvent(db(), owner.tenantId, owner.id, { title: 'micro 2' });
      // A cursor rounded to JavaScript's milliseconds would skip the second event.
      const move = (id: string, start: string) =>
        sql`update events set starts_at = ${start}::timestamptz, ends_at = ${start}::timestamptz + interval '1 hour'
            where id = ${id}`.execute(db());
      await move(first.id, '2031-03-04T00:00:00.123456Z');
      await move(second.id, '2031-03-04T00:00:00.123999Z');
      const query = { from: at(day), to: at(day + hour), userId: owner.id };
      const list = (cursor?: string) =>
        events().listOverlapping(owner.tenantId, { ...query, limit: 1, cursor });
      const page1 = await list();
      const page2 = await list(page1.nextCursor);
      expect([...page1.items, ...page2.items].map((event) => event.title)).toEqual(['micro 1', 'micro 2']);
      expect(page2.nextCursor).toBeUndefined();
    });

    it('refuses an empty or reversed window and a foreign cursor, and answers a malformed user with nothing', async () => {
      await expect(
        events().listOverlapping(tenantId, { from: monday, to: monday, limit: 5 }),
      ).rejects.toThrow(RangeError);
      await expect(events().listOverlapping(tenantId, { ...week, limit: 0 })).rejects.toThrow(RangeError);
      await expect(
        events().listOverlapping(tenantId, { ...week, limit: 5, cursor: 'e30' }),
      ).rejects.toBeInstanceOf(InvalidCursorError);
      expect(await events().listOverlapping(tenantId, { ...week, userId: 'me', limit: 5 })).toEqual({
        items: [],
      });
    });
  });
}
