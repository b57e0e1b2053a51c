import { sql, type Transaction } from 'kysely';

import { appendDomainEvent } from '../outbox/append-domain-event.js';
import type { DomainEvent, DomainEventPayload, DomainEventTopic } from '../outbox/domain-events.js';
import {
  expandWithExceptions,
  isOccurrence,
  seriesEnd,
  validateRecurrence,
  type Instance,
  type InstanceException,
  type RecurringEvent,
} from '../recurrence/index.js';
import { InvalidCursorError } from '../storage/errors.js';
import {
  createEventExceptionRepository,
  type EventException,
} from '../storage/event-exception-repository.js';
import { createEventRepository, type EventPatch, type ScheduledEvent } from '../storage/event-repository.js';
import {
  createInviteRepository,
  type Invite,
  type InviteRole,
  type InviteStatus,
} from '../storage/invite-repository.js';
import type { Db } from '../storage/repository-support.js';
import { createRoomRepository } from '../storage/room-repository.js';
import type { DatabaseSchema } from '../storage/schema.js';
import { createUserRepository } from '../storage/user-repository.js';
import { hasOccurrenceIn } from './occurrence-memo.js';

/** Who acts: a signed-in person of one tenant. */
export interface Actor {
  readonly tenantId: string;
  readonly userId: string;
  /** Finds invitations sent to the address before the person had an account. */
  readonly email?: string;
}

/** A rule of the scheduling domain was broken; the API turns each kind into its problem. */
export class SchedulingError extends Error {
  override readonly name = 'SchedulingError';
  readonly kind: 'not_found' | 'forbidden' | 'conflict' | 'invalid' | 'stale' | 'invalid_cursor';
  /** For `invalid`: the fields at fault (`body.ends_at`), for `stale`: the current revision. */
  readonly details: { fields?: { field: string; message: string }[]; currentRevision?: number };
  constructor(kind: SchedulingError['kind'], message: string, details: SchedulingError['details'] = {}) {
    super(message);
    this.kind = kind;
    this.details = details;
  }
}

const invalid = (field: string, message: string): SchedulingError =>
  new SchedulingError('invalid', `${field}: ${message}`, { fields: [{ field, message }] });

/** The times of an event as given: all absent for a time-independent one. */
export interface EventTimes {
  readonly isTimeIndependent: boolean;
  readonly isAllDay: boolean;
  readonly startsAt: Date | null;
  readonly endsAt: Date | null;
  readonly timeZone: string | null;
  readonly recurrence: readonly string[];
}

export interface EventInput extends Partial<EventTimes> {
  readonly title: string;
  readonly description?: string;
  readonly waitingRoom?: boolean;
  readonly password?: string | null;
  /** A meeting started spontaneously ("meet now") rather than scheduled; set at creation only. */
  readonly isAdhoc?: boolean;
}

export type EventChanges = Partial<EventInput>;

export interface InstanceChange {
  readonly title?: string;
  readonly description?: string;
  readonly startsAt?: Date;
  readonly endsAt?: Date;
  readonly status?: 'cancelled';
}

export type NewInviteInput =
  | { readonly invitee: string; readonly role: 'user' | 'moderator' }
  | { readonly email: string; readonly role: 'guest' | 'moderator' };

export interface MutationOptions {
  readonly suppressEmailNotification: boolean;
  /**
   * The caller re-derives the change if a crash loses it (calendar sync re-reads its upstream
   * from the last stored cursor): commit without waiting for the WAL flush (PostgreSQL
   * `synchronous_commit = off` for this transaction). A crash can then lose the latest such
   * commits, in order, never an earlier one while keeping a later; nothing is ever half applied.
   * On a busy disk a flush costs tens of milliseconds, per meeting an Outlook change moves.
   */
  readonly asynchronousCommit?: boolean;
}

/** What a mutation leaves behind: the caller calls `outboxWritten` after it returns. */
export interface EventServiceOptions {
  readonly db: Db;
  readonly outboxWritten: () => void;
}

type Trx = Transaction<DatabaseSchema>;

/**
 * Meetings, their occurrences and their invitations: the rules (who may do what, which times and
 * recurrences are valid) and the transactions, each of which appends its domain event to the outbox.
 */
export function createEventService({ db, outboxWritten }: EventServiceOptions) {
  const mutate = async <T>(options: MutationOptions, work: (trx: Trx) => Promise<T>): Promise<T> => {
    const result = await db.transaction().execute(async (trx) => {
      if (options.asynchronousCommit === true) await sql`set local synchronous_commit = off`.execute(trx);
      return work(trx);
    });
    outboxWritten();
    return result;
  };

  /**
   * Appends a domain event about `eventId` with what every such event carries (who, whether mail
   * is wanted); `fields` are the rest of the topic's payload, as the catalogue types them.
   */
  const append = <T extends DomainEventTopic>(
    trx: Trx,
    actor: Actor,
    topic: T,
    eventId: string,
    options: MutationOptions,
    fields: Omit<DomainEventPayload<T>, 'event_id' | 'actor_id' | 'suppress_email_notification'>,
  ) =>
    appendDomainEvent(trx, actor.tenantId, {
      topic,
      payload: {
        event_id: eventId,
        ...fields,
        actor_id: actor.userId,
        suppress_email_notification: options.suppressEmailNotification,
      },
    } as DomainEvent);

  /** The event if the actor created it or is invited to it as a registered user. */
  const visible = async (
    dbOrTrx: Db,
    actor: Actor,
    eventId: string,
  ): Promise<{ event: ScheduledEvent; invite: Invite | undefined }> => {
    const event = await createEventRepository(dbOrTrx).findById(actor.tenantId, eventId);
    if (event === undefined) throw notFound();
    if (event.createdBy === actor.userId) return { event, invite: undefined };
    const invites = await createInviteRepository(dbOrTrx).listForEvent(actor.tenantId, eventId);
    const email = actor.email?.toLowerCase();
    const invite =
      invites.find((i) => i.inviteeUserId === actor.userId) ??
      invites.find((i) => email !== undefined && i.email?.toLowerCase() === email);
    if (invite === undefined) throw notFound();
    return { event, invite };
  };

  const owned = async (dbOrTrx: Db, actor: Actor, eventId: string): Promise<ScheduledEvent> => {
    const { event } = await visible(dbOrTrx, actor, eventId);
    if (event.createdBy !== actor.userId) {
      throw new SchedulingError('forbidden', 'Only the creator of the event may change it.');
    }
    return event;
  };

  return {
    async create(
      actor: Actor,
      input: EventInput,
      options: MutationOptions,
      /**
       * Runs inside the creating transaction: a caller that must remember the new event (a
       * calendar connector's link row) commits or fails together with it.
       */
      alsoInTransaction?: (trx: Db, event: ScheduledEvent) => Promise<void>,
    ): Promise<ScheduledEvent> {
      const times = checkTimes(input);
      return mutate(options, async (trx) => {
        const room = await createRoomRepository(trx).create(actor.tenantId, {
          ownerId: actor.userId,
          ...(input.password !== undefined && { password: input.password }),
          ...(input.waitingRoom !== undefined && { waitingRoom: input.waitingRoom }),
        });
        if (!room.ok) throw new SchedulingError('forbidden', 'Your account is not known in this tenant.');
        const created = await createEventRepository(trx).create(actor.tenantId, {
          roomId: room.room.id,
          createdBy: actor.userId,
          title: input.title,
          ...(input.description !== undefined && { description: input.description }),
          ...(input.isAdhoc !== undefined && { isAdhoc: input.isAdhoc }),
          ...times,
        });
        if (!created.ok) throw new Error(`creating the event failed: ${created.reason}`);
        await append(trx, actor, 'event.created', created.event.id, options, {
          revision: created.event.revision,
          room_id: created.event.roomId,
        });
        if (alsoInTransaction !== undefined) await alsoInTransaction(trx, created.event);
        return created.event;
      });
    },

    async get(actor: Actor, eventId: string): Promise<ScheduledEvent> {
      return (await visible(db, actor, eventId)).event;
    },

    /** The actor's events with an occurrence in [from, to), one page. */
    async list(
      actor: Actor,
      query: { from: Date; to: Date; cursor?: string | undefined; limit: number },
    ): Promise<{ items: ScheduledEvent[]; nextCursor?: string }> {
      let page;
      try {
        page = await createEventRepository(db).listOverlapping(actor.tenantId, {
          ...query,
          userId: actor.userId,
          includeTimeIndependent: true,
        });
      } catch (error) {
        if (error instanceof InvalidCursorError) throw new SchedulingError('invalid_cursor', error.message);
        throw error;
      }
      const series = page.items.filter((e) => e.recurrence.length > 0);
      const exceptions = await createEventExceptionRepository(db).listForEvents(
        actor.tenantId,
        series.map((e) => e.id),
      );
      // A series is a candidate while its span overlaps; keep it only if an occurrence does.
      const items = page.items.filter((event) => {
        const recurring = asRecurring(event);
        if (recurring === undefined || event.recurrence.length === 0) return true;
        const own = exceptions.filter((x) => x.eventId === event.id).map(toInstanceException);
        return hasOccurrenceIn(recurring, own, query);
      });
      return { items, ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }) };
    },

    async update(
      actor: Actor,
      eventId: string,
      /** `'any'` for `If-Match: *`. */
      expectedRevision: number | 'any',
      changes: EventChanges,
      options: MutationOptions,
    ): Promise<ScheduledEvent> {
      return mutate(options, async (trx) => {
        const current = await owned(trx, actor, eventId);
        const expected = expectedRevision === 'any' ? current.revision : expectedRevision;
        if (current.revision !== expected) throw stale(current.revision);
        const merged: EventInput = { ...fromEvent(current), ...changes };
        const times = checkTimes(merged);
        const patch: EventPatch = {
          ...(changes.title !== undefined && { title: changes.title }),
          ...(changes.description !== undefined && { description: changes.description }),
          ...times,
        };
        // A change that changes nothing writes nothing: no revision, no mail.
        if (eventLeftAsItIs(current, patch)) {
          const room =
            changes.password !== undefined || changes.waitingRoom !== undefined
              ? await createRoomRepository(trx).findById(actor.tenantId, current.roomId)
              : undefined;
          const roomUnchanged =
            (changes.password === undefined || changes.password === room?.password) &&
            (changes.waitingRoom === undefined || changes.waitingRoom === room?.waitingRoom);
          if (roomUnchanged) return current;
        }
        const result = await createEventRepository(trx).update(actor.tenantId, eventId, expected, patch);
        if (!result.ok) {
          if (result.reason === 'not_found') throw notFound();
          throw stale(result.current.revision);
        }
        if (changes.password !== undefined || changes.waitingRoom !== undefined) {
          await createRoomRepository(trx).update(actor.tenantId, current.roomId, {
            ...(changes.password !== undefined && { password: changes.password }),
            ...(changes.waitingRoom !== undefined && { waitingRoom: changes.waitingRoom }),
          });
        }
        await append(trx, actor, 'event.updated', eventId, options, { revision: result.event.revision });
        return result.event;
      });
    },

    /** Deletes the event and the room made for it; the outbox keeps what a cancellation mail needs. */
    async cancel(
      actor: Actor,
      eventId: string,
      expectedRevision: number | 'any' | undefined,
      options: MutationOptions,
    ): Promise<void> {
      await mutate(options, async (trx) => {
        const current = await owned(trx, actor, eventId);
        if (typeof expectedRevision === 'number' && current.revision !== expectedRevision) {
          throw stale(current.revision);
        }
        const invites = await createInviteRepository(trx).listForEvent(actor.tenantId, eventId);
        const result = await createEventRepository(trx).delete(actor.tenantId, eventId, current.revision);
        if (!result.ok) {
          if (result.reason === 'not_found') throw notFound();
          throw stale(result.current.revision);
        }
        await createRoomRepository(trx).delete(actor.tenantId, current.roomId);
        await append(trx, actor, 'event.cancelled', eventId, options, {
          revision: current.revision,
          title: current.title,
          description: current.description,
          room_id: current.roomId,
          created_by: current.createdBy,
          is_time_independent: current.isTimeIndependent,
          is_all_day: current.isAllDay,
          series_ends_at: current.seriesEndsAt?.toISOString() ?? null,
          starts_at: current.startsAt?.toISOString() ?? null,
          ends_at: current.endsAt?.toISOString() ?? null,
          time_zone: current.timeZone,
          recurrence: [...current.recurrence],
          invitees: invites.map((i) => ({
            user_id: i.inviteeUserId,
            email: i.email,
            role: i.role,
            status: i.status,
          })),
        });
      });
    },

    async instances(
      actor: Actor,
      eventId: string,
      window: { from: Date; to: Date },
      limit: number,
    ): Promise<{ event: ScheduledEvent; instances: readonly Instance[]; truncated: boolean }> {
      const { event } = await visible(db, actor, eventId);
      const recurring = asRecurring(event);
      if (recurring === undefined) return { event, instances: [], truncated: false };
      const exceptions = await createEventExceptionRepository(db).listForEvent(actor.tenantId, eventId);
      const expansion = expandWithExceptions(recurring, exceptions.map(toInstanceException), window, {
        limit,
      });
      return { event, ...expansion };
    },

    /** One occurrence by its original start, with its exception applied. */
    async instance(
      actor: Actor,
      eventId: string,
      instanceStart: Date,
    ): Promise<{ event: ScheduledEvent; instance: Instance }> {
      const { event } = await visible(db, actor, eventId);
      const recurring = asRecurring(event);
      if (recurring === undefined || !isOccurrence(recurring, instanceStart)) {
        throw new SchedulingError('not_found', 'The event has no occurrence at that instant.');
      }
      const exceptions = await createEventExceptionRepository(db).listForEvent(actor.tenantId, eventId);
      const found = instanceAt(recurring, exceptions, instanceStart);
      if (found === undefined) throw new Error('the occurrence could not be expanded');
      return { event, instance: found };
    },

    /**
     * Changes one occurrence under the event's revision (`If-Match`), like `update`. A change that
     * leaves the occurrence as it is (cancelling a cancelled one, a title it already has) writes
     * nothing: no revision, no mail.
     */
    async changeInstance(
      actor: Actor,
      eventId: string,
      instanceStart: Date,
      /** `'any'` for `If-Match: *`. */
      expectedRevision: number | 'any',
      change: InstanceChange,
      options: MutationOptions,
    ): Promise<{ event: ScheduledEvent; instance: Instance }> {
      return mutate(options, async (trx) => {
        const event = await owned(trx, actor, eventId);
        if (expectedRevision !== 'any' && event.revision !== expectedRevision) throw stale(event.revision);
        const recurring = asRecurring(event);
        if (recurring === undefined || !isOccurrence(recurring, instanceStart)) {
          throw new SchedulingError('not_found', 'The event has no occurrence at that instant.');
        }
        const length = recurring.endsAt.getTime() - recurring.startsAt.getTime();
        let startsAt = change.startsAt;
        let endsAt = change.endsAt;
        if (startsAt !== undefined && endsAt === undefined) endsAt = new Date(startsAt.getTime() + length);
        if (startsAt === undefined && endsAt !== undefined) startsAt = instanceStart;
        if (startsAt !== undefined && endsAt !== undefined && endsAt.getTime() <= startsAt.getTime()) {
          throw invalid('body.ends_at', 'must be after the start');
        }
        const current = instanceAt(
          recurring,
          await createEventExceptionRepository(trx).listForEvent(actor.tenantId, eventId),
          instanceStart,
        );
        if (
          current !== undefined &&
          leavesAsItIs(event, current, {
            ...change,
            ...(startsAt !== undefined && { startsAt }),
            ...(endsAt !== undefined && { endsAt }),
          })
        ) {
          return { event, instance: current };
        }
        const upserted = await createEventExceptionRepository(trx).upsert(
          actor.tenantId,
          eventId,
          instanceStart,
          change.status === 'cancelled'
            ? { kind: 'cancelled' }
            : {
                kind: 'modified',
                ...(change.title !== undefined && { title: change.title }),
                ...(change.description !== undefined && { description: change.description }),
                ...(startsAt !== undefined && { startsAt }),
                ...(endsAt !== undefined && { endsAt }),
              },
        );
        if (!upserted.ok) throw notFound();
        const bumped = await createEventRepository(trx).update(actor.tenantId, eventId, event.revision, {});
        if (!bumped.ok) {
          if (bumped.reason === 'not_found') throw notFound();
          throw stale(bumped.current.revision);
        }
        await append(trx, actor, 'event.instance_changed', eventId, options, {
          revision: bumped.event.revision,
          instance_start: instanceStart.toISOString(),
          status: change.status ?? 'scheduled',
        });
        const exceptions = await createEventExceptionRepository(trx).listForEvent(actor.tenantId, eventId);
        const found = instanceAt(recurring, exceptions, instanceStart);
        if (found === undefined) throw new Error('the changed occurrence could not be expanded');
        return { event: bumped.event, instance: found };
      });
    },

    async listInvites(actor: Actor, eventId: string): Promise<Invite[]> {
      await visible(db, actor, eventId);
      return createInviteRepository(db).listForEvent(actor.tenantId, eventId);
    },

    async invite(
      actor: Actor,
      eventId: string,
      input: NewInviteInput,
      options: MutationOptions,
    ): Promise<Invite> {
      return mutate(options, async (trx) => {
        const event = await owned(trx, actor, eventId);
        let invitee: { userId: string } | { email: string };
        let role: InviteRole = input.role;
        if ('invitee' in input) {
          invitee = { userId: input.invitee };
        } else {
          const user = await createUserRepository(trx).findByEmail(actor.tenantId, input.email);
          if (user === undefined) invitee = { email: input.email };
          else {
            invitee = { userId: user.id };
            if (role === 'guest') role = 'user';
          }
        }
        if ('userId' in invitee && invitee.userId === event.createdBy) {
          throw invalid('invitee' in input ? 'body.invitee' : 'body.email', 'the creator cannot be invited');
        }
        const added = await createInviteRepository(trx).add(actor.tenantId, eventId, {
          invitee,
          role,
          createdBy: actor.userId,
        });
        if (!added.ok) {
          if (added.reason === 'already_invited') {
            throw new SchedulingError('conflict', 'This person is already invited.');
          }
          if (added.reason === 'invitee_not_found') {
            throw invalid('body.invitee', 'no such user in your organization');
          }
          throw notFound();
        }
        await append(trx, actor, 'invite.added', eventId, options, {
          revision: event.revision,
          invitee_user_id: added.invite.inviteeUserId,
          email: added.invite.email,
          role: added.invite.role,
        });
        return added.invite;
      });
    },

    /** Removes a registered invitee (by user id) or an external one (by `{ email }`). */
    async uninvite(
      actor: Actor,
      eventId: string,
      who: string | { readonly email: string },
      options: MutationOptions,
    ): Promise<void> {
      await mutate(options, async (trx) => {
        const event = await owned(trx, actor, eventId);
        const invitee = typeof who === 'string' ? { userId: who } : { email: who.email };
        const removed = await createInviteRepository(trx).remove(actor.tenantId, eventId, invitee);
        if (!removed) throw new SchedulingError('not_found', 'This person is not invited.');
        await append(trx, actor, 'invite.removed', eventId, options, {
          revision: event.revision,
          ...(typeof who === 'string'
            ? { invitee_user_id: who }
            : { invitee_user_id: null, email: who.email }),
        });
      });
    },

    /**
     * Removes an invitation made to a bare address (a guest, or someone without an account then),
     * as calendar sync does when an attendee leaves the Outlook meeting.
     */
    async uninviteEmail(
      actor: Actor,
      eventId: string,
      email: string,
      options: MutationOptions,
    ): Promise<void> {
      await mutate(options, async (trx) => {
        const event = await owned(trx, actor, eventId);
        const removed = await createInviteRepository(trx).remove(actor.tenantId, eventId, { email });
        if (!removed) throw new SchedulingError('not_found', 'This address is not invited.');
        await append(trx, actor, 'invite.removed', eventId, options, {
          revision: event.revision,
          invitee_user_id: null,
          email,
        });
      });
    },

    /** The invitee answers: accepted, tentative or declined. */
    async respond(
      actor: Actor,
      eventId: string,
      status: Exclude<InviteStatus, 'pending'>,
      options: MutationOptions,
    ): Promise<Invite> {
      return mutate(options, async (trx) => {
        const { event, invite } = await visible(trx, actor, eventId);
        if (invite === undefined)
          throw new SchedulingError('not_found', 'You are not invited to this event.');
        const updated = await createInviteRepository(trx).updateStatus(
          actor.tenantId,
          eventId,
          invite.inviteeUserId === null && invite.email !== null
            ? { email: invite.email }
            : { userId: actor.userId },
          status,
        );
        if (updated === undefined) throw notFound();
        await append(trx, actor, 'invite.status_changed', eventId, options, {
          revision: event.revision,
          invitee_user_id: actor.userId,
          email: updated.email,
          status,
        });
        return updated;
      });
    },
  };
}

export type EventService = ReturnType<typeof createEventService>;

function notFound(): SchedulingError {
  return new SchedulingError('not_found', 'No such event.');
}

function stale(currentRevision: number): SchedulingError {
  return new SchedulingError('stale', `The event has changed; its current revision is ${currentRevision}.`, {
    currentRevision,
  });
}

function fromEvent(event: ScheduledEvent): EventInput {
  return {
    title: event.title,
    description: event.description,
    isTimeIndependent: event.isTimeIndependent,
    isAllDay: event.isAllDay,
    startsAt: event.startsAt,
    endsAt: event.endsAt,
    timeZone: event.timeZone,
    recurrence: event.recurrence,
  };
}

/** Checks the times and the recurrence together; the columns to store. */
function checkTimes(
  input: EventInput,
): Required<
  Pick<EventPatch, 'isTimeIndependent' | 'isAllDay' | 'startsAt' | 'endsAt' | 'timeZone' | 'recurrence'>
> & { seriesEndsAt: Date | null } {
  const isTimeIndependent = input.isTimeIndependent ?? false;
  const isAllDay = input.isAllDay ?? false;
  const recurrence = input.recurrence ?? [];
  const startsAt = input.startsAt ?? null;
  const endsAt = input.endsAt ?? null;
  const timeZone = input.timeZone ?? null;
  if (isTimeIndependent) {
    if (startsAt !== null || endsAt !== null) {
      throw invalid('body.starts_at', 'a time-independent event has no start or end');
    }
    if (recurrence.length > 0) {
      throw invalid('body.recurrence_pattern', 'a time-independent event does not recur');
    }
    if (isAllDay) throw invalid('body.is_all_day', 'a time-independent event is not all-day');
    return {
      isTimeIndependent,
      isAllDay,
      startsAt,
      endsAt,
      timeZone: null,
      recurrence: [],
      seriesEndsAt: null,
    };
  }
  const fields: { field: string; message: string }[] = [];
  if (startsAt === null)
    fields.push({ field: 'body.starts_at', message: 'required unless time independent' });
  if (endsAt === null) fields.push({ field: 'body.ends_at', message: 'required unless time independent' });
  if (startsAt !== null && endsAt !== null && endsAt.getTime() <= startsAt.getTime()) {
    fields.push({ field: 'body.ends_at', message: 'must be after the start' });
  }
  if (fields.length > 0 || startsAt === null || endsAt === null || timeZone === null) {
    if (timeZone === null && fields.length === 0) {
      fields.push({ field: 'body.starts_at.timezone', message: 'required' });
    }
    throw new SchedulingError('invalid', fields.map((f) => `${f.field}: ${f.message}`).join('; '), {
      fields,
    });
  }
  if (recurrence.length === 0) {
    return { isTimeIndependent, isAllDay, startsAt, endsAt, timeZone, recurrence: [], seriesEndsAt: null };
  }
  const validation = validateRecurrence(recurrence, { startsAt, timeZone, isAllDay });
  if (!validation.ok) {
    const problems = validation.problems.map((p) => ({
      field: p.line < 0 ? 'body.starts_at' : `body.recurrence_pattern.${p.line}`,
      message: p.message,
    }));
    throw new SchedulingError('invalid', problems.map((f) => `${f.field}: ${f.message}`).join('; '), {
      fields: problems,
    });
  }
  const lines = [...validation.recurrence.lines];
  const ends = seriesEnd({ startsAt, endsAt, timeZone, isAllDay, recurrence: lines });
  return { isTimeIndependent, isAllDay, startsAt, endsAt, timeZone, recurrence: lines, seriesEndsAt: ends };
}

/** The event as the expander sees it; a single event is a series of one. */
function asRecurring(event: ScheduledEvent): RecurringEvent | undefined {
  if (event.startsAt === null || event.endsAt === null || event.timeZone === null) return undefined;
  return {
    startsAt: event.startsAt,
    endsAt: event.endsAt,
    timeZone: event.timeZone,
    isAllDay: event.isAllDay,
    recurrence: event.recurrence,
  };
}

/** The occurrence that started at `instanceStart` by the rule, wherever its exception moved it. */
/** Whether writing `patch` would leave every field of the event as it is. */
function eventLeftAsItIs(event: ScheduledEvent, patch: EventPatch): boolean {
  const time = (d: Date | null | undefined) => (d === null || d === undefined ? d : d.getTime());
  return (
    (patch.title === undefined || patch.title === event.title) &&
    (patch.description === undefined || patch.description === event.description) &&
    (patch.isTimeIndependent === undefined || patch.isTimeIndependent === event.isTimeIndependent) &&
    (patch.isAllDay === undefined || patch.isAllDay === event.isAllDay) &&
    (patch.startsAt === undefined || time(patch.startsAt) === time(event.startsAt)) &&
    (patch.endsAt === undefined || time(patch.endsAt) === time(event.endsAt)) &&
    (patch.timeZone === undefined || patch.timeZone === event.timeZone) &&
    (patch.recurrence === undefined || patch.recurrence.join('\n') === event.recurrence.join('\n'))
  );
}

/** Whether applying `change` to the occurrence as it is now would leave everything people see alone. */
function leavesAsItIs(event: ScheduledEvent, now: Instance, change: InstanceChange): boolean {
  if (change.status === 'cancelled') return now.status === 'cancelled';
  if (now.status !== 'scheduled') return false;
  const same = <T>(wanted: T | undefined, current: T): boolean => wanted === undefined || wanted === current;
  return (
    same(change.title, now.overrides.title ?? event.title) &&
    same(change.description, now.overrides.description ?? event.description) &&
    same(change.startsAt?.getTime(), now.startsAt.getTime()) &&
    same(change.endsAt?.getTime(), now.endsAt.getTime())
  );
}

function instanceAt(
  recurring: RecurringEvent,
  exceptions: readonly EventException[],
  instanceStart: Date,
): Instance | undefined {
  const at = instanceStart.getTime();
  const own = exceptions.filter((x) => x.instanceStart.getTime() === at);
  const length = recurring.endsAt.getTime() - recurring.startsAt.getTime();
  const moved = own[0]?.startsAt?.getTime() ?? at;
  const movedEnd = own[0]?.endsAt?.getTime() ?? moved + length;
  const window = { from: new Date(Math.min(at, moved)), to: new Date(Math.max(at + length, movedEnd) + 1) };
  return expandWithExceptions(recurring, own.map(toInstanceException), window, { limit: 100 }).instances.find(
    (i) => i.originalStart.getTime() === at,
  );
}

function toInstanceException(exception: EventException): InstanceException {
  return {
    instanceStart: exception.instanceStart,
    kind: exception.kind,
    ...(exception.startsAt !== null && { startsAt: exception.startsAt }),
    ...(exception.endsAt !== null && { endsAt: exception.endsAt }),
    ...(exception.title !== null && { title: exception.title }),
    ...(exception.description !== null && { description: exception.description }),
    ...(exception.isAllDay !== null && { isAllDay: exception.isAllDay }),
  };
}
