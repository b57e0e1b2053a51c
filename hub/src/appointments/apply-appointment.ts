import { createHash } from 'node:crypto';

import {
  SchedulingError,
  createCalendarLinkRepository,
  createUserRepository,
  type Actor,
  type CalendarLink,
  type Db,
  type EventService,
  type ScheduledEvent,
} from '@vc/conference-core';
import type { CalendarAppointment, MeetingAccess } from '@vc/connector-sdk';

export type ApplyOutcome =
  | { kind: 'created' | 'updated' | 'unchanged'; link: CalendarLink; event: ScheduledEvent }
  | { kind: 'cancelled' | 'ignored' }
  | { kind: 'skipped'; reason: string };

export interface ApplyDeps {
  readonly db: Db;
  readonly events: EventService;
}

/** Invitations go out as for any meeting made in the core: the appointment's system sends none. */
const notify = { suppressEmailNotification: false };

/** What of an appointment the meeting depends on; equal hashes mean nothing to do. */
export function contentHash(a: CalendarAppointment): string {
  return hash([
    a.title,
    a.startsAt.toISOString(),
    a.endsAt.toISOString(),
    a.timeZone,
    a.organizerEmail,
    [...a.participantEmails].sort(),
    a.wantsMeeting,
    a.cancelled,
  ]);
}

export function accessHash(access: MeetingAccess): string {
  return hash([access.eventId, access.joinUrl, access.guestUrl, access.dialIn]);
}

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url');
}

class AlreadyLinked extends Error {}

/**
 * Creates, updates or cancels the core meeting of one appointment. Creation inserts the link row
 * in the meeting's own transaction: a crash leaves both or neither, and of two concurrent applies
 * (a poll and a push hint) one creates and the other finds the link.
 */
export async function applyAppointment(
  deps: ApplyDeps,
  tenantId: string,
  instanceId: string,
  appointment: CalendarAppointment,
): Promise<ApplyOutcome> {
  const links = createCalendarLinkRepository(deps.db);
  const link = await links.find(tenantId, instanceId, appointment.externalId);
  const digest = contentHash(appointment);

  if (!appointment.wantsMeeting || appointment.cancelled) {
    if (link?.state !== 'active') return { kind: 'ignored' };
    try {
      await deps.events.cancel(
        await actorFor(deps.db, tenantId, link.organizerId),
        link.eventId,
        undefined,
        notify,
      );
    } catch (err) {
      // Deleted in the core already: the link only has to follow.
      if (!(err instanceof SchedulingError && err.kind === 'not_found')) throw err;
    }
    await links.update(tenantId, instanceId, appointment.externalId, {
      state: 'cancelled',
      contentHash: digest,
    });
    return { kind: 'cancelled' };
  }

  if (link?.state === 'active') {
    const actor = await actorFor(deps.db, tenantId, link.organizerId);
    let event: ScheduledEvent;
    try {
      event = await deps.events.get(actor, link.eventId);
    } catch (err) {
      if (!(err instanceof SchedulingError && err.kind === 'not_found')) throw err;
      // Someone deleted the meeting in the core while the appointment still wants one: make anew.
      await links.update(tenantId, instanceId, appointment.externalId, { state: 'cancelled' });
      return applyAppointment(deps, tenantId, instanceId, appointment);
    }
    if (link.contentHash === digest) return { kind: 'unchanged', link, event };
    event = await deps.events.update(
      actor,
      link.eventId,
      'any',
      {
        title: appointment.title,
        startsAt: appointment.startsAt,
        endsAt: appointment.endsAt,
        timeZone: appointment.timeZone,
      },
      notify,
    );
    await syncInvites(deps, actor, event, appointment.participantEmails);
    await links.update(tenantId, instanceId, appointment.externalId, { contentHash: digest });
    return { kind: 'updated', link: { ...link, contentHash: digest }, event };
  }

  const organizer =
    appointment.organizerEmail === null
      ? undefined
      : await createUserRepository(deps.db).findByEmail(tenantId, appointment.organizerEmail);
  if (organizer === undefined || organizer.disabledAt !== null) {
    return {
      kind: 'skipped',
      reason: `the organizer ${appointment.organizerEmail ?? '(none named)'} has no active account here`,
    };
  }
  const actor: Actor = {
    tenantId,
    userId: organizer.id,
    ...(organizer.email !== null && { email: organizer.email }),
  };
  let event: ScheduledEvent;
  try {
    event = await deps.events.create(
      actor,
      {
        title: appointment.title,
        startsAt: appointment.startsAt,
        endsAt: appointment.endsAt,
        timeZone: appointment.timeZone,
      },
      notify,
      async (trx, created) => {
        const inTrx = createCalendarLinkRepository(trx);
        const fields = { eventId: created.id, organizerId: organizer.id, contentHash: digest };
        if (link === undefined) {
          if (
            !(await inTrx.insert({ tenantId, instanceId, externalId: appointment.externalId, ...fields }))
          ) {
            throw new AlreadyLinked();
          }
        } else {
          await inTrx.update(tenantId, instanceId, appointment.externalId, {
            ...fields,
            state: 'active',
            writtenHash: null,
          });
        }
      },
    );
  } catch (err) {
    if (err instanceof AlreadyLinked) return applyAppointment(deps, tenantId, instanceId, appointment);
    throw err;
  }
  await syncInvites(deps, actor, event, appointment.participantEmails);
  const created = await links.find(tenantId, instanceId, appointment.externalId);
  if (created === undefined) throw new Error('the calendar link vanished after creating its meeting');
  return { kind: 'created', link: created, event };
}

/** Makes the meeting's invitees the appointment's participants: adds the new, removes the gone. */
async function syncInvites(
  deps: ApplyDeps,
  actor: Actor,
  event: ScheduledEvent,
  wanted: readonly string[],
): Promise<void> {
  const users = createUserRepository(deps.db);
  const current = await deps.events.listInvites(actor, event.id);
  const held = new Map<string, { userId: string | null; email: string }>();
  for (const invite of current) {
    const email =
      invite.inviteeUserId === null
        ? invite.email
        : ((await users.findById(actor.tenantId, invite.inviteeUserId))?.email ?? invite.email);
    if (email !== null) held.set(email.toLowerCase(), { userId: invite.inviteeUserId, email });
  }
  const wantedSet = new Set(wanted.map((e) => e.toLowerCase()));
  const organizerEmail = actor.email?.toLowerCase();
  for (const email of wantedSet) {
    if (held.has(email) || email === organizerEmail) continue;
    try {
      await deps.events.invite(actor, event.id, { email, role: 'guest' }, notify);
    } catch (err) {
      if (!(err instanceof SchedulingError && (err.kind === 'conflict' || err.kind === 'invalid'))) throw err;
    }
  }
  for (const [email, invitee] of held) {
    if (wantedSet.has(email)) continue;
    await deps.events
      .uninvite(actor, event.id, invitee.userId ?? { email: invitee.email }, notify)
      .catch((err: unknown) => {
        if (!(err instanceof SchedulingError && err.kind === 'not_found')) throw err;
      });
  }
}

async function actorFor(db: Db, tenantId: string, userId: string): Promise<Actor> {
  const user = await createUserRepository(db).findById(tenantId, userId);
  return { tenantId, userId, ...(user?.email != null && { email: user.email }) };
}
