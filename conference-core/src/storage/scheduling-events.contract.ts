import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEventExceptionRepository } from './event-exception-repository.js';
import { createEventRepository } from './event-repository.js';
import { createInviteRepository } from './invite-repository.js';
import {
  at,
  day,
  hour,
  monday,
  newEvent,
  newRoom,
  newTenant,
  newUser,
  type SchedulingContext,
} from './scheduling-fixtures.js';

export function describeEventsContract({ db }: SchedulingContext): void {
  const events = () => createEventRepository(db());
  const exceptions = () => createEventExceptionRepository(db());
  const invites = () => createInviteRepository(db());

  const setup = async () => {
    const tenantId = await newTenant(db());
    const owner = await newUser(db(), tenantId);
    return { tenantId, owner };
  };

  describe('events', () => {
    it('creates an event and reads back every field, recurrence lines with commas and quotes included', async () => {
      const { tenantId, owner } = await setup();
      const recurrence = [
        'RRULE:FREQ=WEEKLY;BYDAY=MO,WE',
        'EXDATE;TZID=Europe/Berlin:20310310T090000',
        'X-"quoted",\\',
      ];
      const event = await newEvent(db(), tenantId, owner.id, {
        recurrence,
        seriesEndsAt: at(60 * day),
        isAdhoc: true,
      });
      expect(event).toMatchObject({
        tenantId,
        createdBy: owner.id,
        title: 'Weekly sync',
        description: '',
        isTimeIndependent: false,
        isAllDay: false,
        isAdhoc: true,
        startsAt: monday,
        endsAt: at(hour),
        timeZone: 'Europe/Berlin',
        recurrence,
        seriesEndsAt: at(60 * day),
        revision: 1,
      });
      expect(await events().findById(tenantId, event.id)).toEqual(event);
      expect(await events().findByRoom(tenantId, event.roomId)).toEqual(event);
      const permanent = await newEvent(db(), tenantId, owner.id, { isTimeIndependent: true });
      expect(permanent).toMatchObject({ startsAt: null, endsAt: null, recurrence: [] });
    });

    it('reports a room that already has an event, and a missing room or creator, as values', async () => {
      const { tenantId, owner } = await setup();
      const event = await newEvent(db(), tenantId, owner.id);
      const create = (roomId: string, createdBy: string) =>
        events().create(tenantId, { roomId, createdBy, title: 'x', startsAt: monday, endsAt: monday });
      expect(await create(event.roomId, owner.id)).toEqual({ ok: false, reason: 'room_has_event' });
      expect(await create(randomUUID(), owner.id)).toEqual({ ok: false, reason: 'room_not_found' });
      const room = await newRoom(db(), tenantId, owner.id);
      expect(await create(room.id, randomUUID())).toEqual({ ok: false, reason: 'creator_not_found' });
    });

    it('applies an update only at the expected revision, and increments the revision', async () => {
      const { tenantId, owner } = await setup();
      const event = await newEvent(db(), tenantId, owner.id);
      const updated = await events().update(tenantId, event.id, 1, {
        title: 'Renamed',
        endsAt: at(2 * hour),
      });
      if (!updated.ok) throw new Error('expected the update to apply');
      expect(updated.event).toMatchObject({
        title: 'Renamed',
        endsAt: at(2 * hour),
        startsAt: monday,
        revision: 2,
      });
      expect(await events().update(tenantId, event.id, 1, { title: 'Late' })).toEqual({
        ok: false,
        reason: 'stale_revision',
        current: updated.event,
      });
      expect(await events().update(tenantId, event.id, 1.5, { title: 'Nonsense' })).toMatchObject({
        reason: 'stale_revision',
      });
      expect(await events().update(tenantId, randomUUID(), 1, { title: 'x' })).toEqual({
        ok: false,
        reason: 'not_found',
      });
    });

    it('lets exactly one of two concurrent updates from the same revision win', async () => {
      const { tenantId, owner } = await setup();
      const event = await newEvent(db(), tenantId, owner.id);
      for (let revision = 1; revision <= 5; revision++) {
        const results = await Promise.all(
          ['left', 'right'].map((side) =>
            events().update(tenantId, event.id, revision, { title: `${side} ${revision}` }),
          ),
        );
        const winners = results.filter((result) => result.ok);
        expect(winners).toHaveLength(1);
        expect(results.find((result) => !result.ok)).toMatchObject({ reason: 'stale_revision' });
        const current = await events().findById(tenantId, event.id);
        expect(current).toMatchObject({ revision: revision + 1 });
        expect(winners[0]).toEqual({ ok: true, event: current });
      }
    });

    it('deletes only at the expected revision when one is given', async () => {
      const { tenantId, owner } = await setup();
      const event = await newEvent(db(), tenantId, owner.id);
      await events().update(tenantId, event.id, 1, { title: 'Changed' });
      expect(await events().delete(tenantId, event.id, 1)).toMatchObject({
        ok: false,
        reason: 'stale_revision',
      });
      expect(await events().delete(tenantId, event.id, 2)).toEqual({ ok: true });
      expect(await events().delete(tenantId, event.id)).toEqual({ ok: false, reason: 'not_found' });
    });

    it('refuses times, titles and series ends that break the rules, in the database itself', async () => {
      const { tenantId, owner } = await setup();
      const attempt = (event: Parameters<typeof newEvent>[3]) => newEvent(db(), tenantId, owner.id, event);
      await expect(attempt({ isTimeIndependent: true, startsAt: monday })).rejects.toThrow(/events_times/);
      await expect(attempt({ startsAt: at(hour), endsAt: monday })).rejects.toThrow(/events_times/);
      await expect(attempt({ startsAt: null, endsAt: null })).rejects.toThrow(/events_times/);
      await expect(attempt({ title: 'x'.repeat(256) })).rejects.toThrow(/events_title_length/);
      await expect(attempt({ description: 'x'.repeat(10_001) })).rejects.toThrow(/events_description_length/);
      await expect(attempt({ seriesEndsAt: at(day) })).rejects.toThrow(/events_series_end/);
      expect(await attempt({ title: 'ü'.repeat(255), startsAt: monday, endsAt: monday })).toMatchObject({
        endsAt: monday,
      });
    });
  });

  describe('event exceptions', () => {
    it('overrides one occurrence, replaces the override on a second upsert and counts its revision', async () => {
      const { tenantId, owner } = await setup();
      const series = await newEvent(db(), tenantId, owner.id, { recurrence: ['RRULE:FREQ=DAILY'] });
      const other = await newEvent(db(), tenantId, owner.id, { recurrence: ['RRULE:FREQ=DAILY'] });
      const second = at(day);
      const moved = await exceptions().upsert(tenantId, series.id, second, {
        kind: 'modified',
        title: 'Moved',
        startsAt: at(day + 2 * hour),
        endsAt: at(day + 3 * hour),
      });
      expect(moved).toMatchObject({ ok: true, exception: { kind: 'modified', title: 'Moved', revision: 1 } });
      const cancelled = await exceptions().upsert(tenantId, series.id, second, { kind: 'cancelled' });
      expect(cancelled).toMatchObject({
        ok: true,
        exception: {
          kind: 'cancelled',
          title: null,
          startsAt: null,
          endsAt: null,
          revision: 2,
          instanceStart: second,
        },
      });
      await exceptions().upsert(tenantId, series.id, monday, { kind: 'modified', description: 'First' });
      await exceptions().upsert(tenantId, other.id, monday, { kind: 'cancelled' });
      expect((await exceptions().listForEvent(tenantId, series.id)).map((e) => e.instanceStart)).toEqual([
        monday,
        second,
      ]);
      const both = await exceptions().listForEvents(tenantId, [series.id, other.id, 'junk']);
      expect(both.map((e) => e.eventId).sort()).toEqual([series.id, series.id, other.id].sort());
      expect(await exceptions().delete(tenantId, series.id, second)).toBe(true);
      expect(await exceptions().delete(tenantId, series.id, second)).toBe(false);
      expect(await exceptions().upsert(tenantId, randomUUID(), monday, { kind: 'cancelled' })).toEqual({
        ok: false,
        reason: 'event_not_found',
      });
    });

    it('refuses a moved occurrence with only one of its ends', async () => {
      const { tenantId, owner } = await setup();
      const series = await newEvent(db(), tenantId, owner.id, { recurrence: ['RRULE:FREQ=DAILY'] });
      await expect(
        exceptions().upsert(tenantId, series.id, monday, { kind: 'modified', startsAt: at(hour) }),
      ).rejects.toThrow(/event_exceptions_times/);
    });
  });

  describe('invites', () => {
    it('invites a user and an email address once each, whatever the letter case', async () => {
      const { tenantId, owner } = await setup();
      const guest = await newUser(db(), tenantId);
      const event = await newEvent(db(), tenantId, owner.id);
      const add = (invitee: { userId: string } | { email: string }) =>
        invites().add(tenantId, event.id, { invitee, role: 'user', createdBy: owner.id });
      const byUser = await add({ userId: guest.id });
      const byEmail = await add({ email: 'Ext.Guest@Example.com' });
      expect(byUser).toMatchObject({
        ok: true,
        invite: { inviteeUserId: guest.id, email: null, status: 'pending' },
      });
      expect(byEmail).toMatchObject({
        ok: true,
        invite: { inviteeUserId: null, email: 'Ext.Guest@Example.com' },
      });
      expect(await add({ userId: guest.id })).toEqual({ ok: false, reason: 'already_invited' });
      expect(await add({ email: 'ext.guest@example.COM' })).toEqual({ ok: false, reason: 'already_invited' });
      expect(await invites().listForEvent(tenantId, event.id)).toEqual(
        [byUser, byEmail].map((result) => result.ok && result.invite),
      );
    });

    it('hands address invitations to the user with that address, keeping role and answer', async () => {
      const { tenantId, owner } = await setup();
      const person = await newUser(db(), tenantId);
      const first = await newEvent(db(), tenantId, owner.id);
      const second = await newEvent(db(), tenantId, owner.id);
      const add = (eventId: string, invitee: { userId: string } | { email: string }) =>
        invites().add(tenantId, eventId, { invitee, role: 'moderator', createdBy: owner.id });
      await add(first.id, { email: person.email.toUpperCase() });
      await invites().updateStatus(tenantId, first.id, { email: person.email }, 'tentative');
      // Invited by id and by address to the second: the address invite is the duplicate.
      await add(second.id, { userId: person.id });
      await add(second.id, { email: person.email });

      expect(await invites().claimEmailInvites(tenantId, person.id, person.email)).toBe(1);
      expect(await invites().listForEvent(tenantId, first.id)).toEqual([
        expect.objectContaining({
          inviteeUserId: person.id,
          email: null,
          role: 'moderator',
          status: 'tentative',
        }),
      ]);
      expect(await invites().listForEvent(tenantId, second.id)).toEqual([
        expect.objectContaining({ inviteeUserId: person.id, email: null }),
      ]);
      expect(await invites().claimEmailInvites(tenantId, person.id, person.email)).toBe(0);
    });

    it('changes role and status by user or by email, lists pending ones and removes', async () => {
      const { tenantId, owner } = await setup();
      const guest = await newUser(db(), tenantId);
      const [first, second] = [
        await newEvent(db(), tenantId, owner.id),
        await newEvent(db(), tenantId, owner.id),
      ];
      for (const event of [first, second]) {
        await invites().add(tenantId, event.id, {
          invitee: { userId: guest.id },
          role: 'user',
          createdBy: owner.id,
        });
      }
      await invites().add(tenantId, first.id, {
        invitee: { email: 'x@example.com' },
        role: 'guest',
        createdBy: owner.id,
      });
      expect(await invites().updateRole(tenantId, first.id, { userId: guest.id }, 'moderator')).toMatchObject(
        {
          role: 'moderator',
        },
      );
      expect(
        await invites().updateStatus(tenantId, first.id, { email: 'X@Example.com' }, 'tentative'),
      ).toMatchObject({
        email: 'x@example.com',
        status: 'tentative',
      });
      await invites().updateStatus(tenantId, second.id, { userId: guest.id }, 'declined');
      expect((await invites().listPendingForUser(tenantId, guest.id)).map((i) => i.eventId)).toEqual([
        first.id,
      ]);
      expect(
        await invites().updateStatus(tenantId, first.id, { userId: owner.id }, 'accepted'),
      ).toBeUndefined();
      expect(await invites().remove(tenantId, first.id, { email: 'X@EXAMPLE.COM' })).toBe(true);
      expect(await invites().remove(tenantId, first.id, { email: 'x@example.com' })).toBe(false);
      expect((await invites().listForEvent(tenantId, first.id)).map((i) => i.inviteeUserId)).toEqual([
        guest.id,
      ]);
    });

    it('reports a missing event, invitee or creator as values', async () => {
      const { tenantId, owner } = await setup();
      const event = await newEvent(db(), tenantId, owner.id);
      const add = (eventId: string, invitee: { userId: string } | { email: string }, createdBy: string) =>
        invites().add(tenantId, eventId, { invitee, role: 'user', createdBy });
      expect(await add(randomUUID(), { email: 'a@b.c' }, owner.id)).toEqual({
        ok: false,
        reason: 'event_not_found',
      });
      expect(await add(event.id, { userId: randomUUID() }, owner.id)).toEqual({
        ok: false,
        reason: 'invitee_not_found',
      });
      expect(await add(event.id, { email: 'a@b.c' }, randomUUID())).toEqual({
        ok: false,
        reason: 'creator_not_found',
      });
    });
  });
}
