import { z } from 'zod';

import { instantSchema } from '../schemas.js';

import { isValidTimeZone, parseInstanceId, type Instance } from '../../../recurrence/index.js';
import {
  createEventService,
  SchedulingError,
  type Actor,
  type EventService,
  type MutationOptions,
} from '../../../scheduling/event-service.js';
import {
  EVENT_DESCRIPTION_MAX_LENGTH,
  EVENT_TITLE_MAX_LENGTH,
  type ScheduledEvent,
} from '../../../storage/event-repository.js';
import type { Invite } from '../../../storage/invite-repository.js';
import { ApiProblem, validationProblem, type ProblemCode } from '../../problem.js';
import type { Principal } from '../../principal.js';
import type { ApiDeps } from '../deps.js';
import { requireUser } from '../users/require-user.js';

/** An instant with the IANA zone it is meant in. */
export const zonedTimeSchema = z
  .object({
    datetime: instantSchema,
    timezone: z
      .string()
      .refine(isValidTimeZone, 'expected an IANA time zone name like Europe/Berlin')
      .describe('The IANA zone the time is meant in: a series repeats its wall-clock time there'),
  })
  .meta({
    description: 'An instant with its UTC offset and the zone it is meant in',
    example: { datetime: '2026-07-06T09:00:00+02:00', timezone: 'Europe/Berlin' },
  });

export const eventSchema = z.object({
  id: z.uuid().describe('The event id (also the UID of its calendar entries)'),
  room_id: z.uuid().describe('The room the meeting takes place in'),
  created_by: z.uuid().describe('The organizer'),
  title: z.string().describe('The meeting title'),
  description: z.string().describe('Free text shown in invitations'),
  is_time_independent: z.boolean().describe('A meeting without a time (a standing room); no start or end'),
  is_all_day: z.boolean().describe("Whole days in the event's zone"),
  is_adhoc: z.boolean().describe('Created on the fly for an instant meeting'),
  starts_at: zonedTimeSchema.nullable().describe('Start; null for a time-independent meeting'),
  ends_at: zonedTimeSchema.nullable().describe('End; null for a time-independent meeting'),
  recurrence_pattern: z
    .array(z.string())
    .describe('RRULE, RDATE and EXDATE lines of a series; empty: one-off'),
  revision: z.number().int().min(1).describe('Raised by every change; the ETag to send as If-Match'),
  created_at: z.iso.datetime().describe('When the event was created'),
  updated_at: z.iso.datetime().describe('When the event last changed'),
});

export const inviteSchema = z.object({
  id: z.uuid().describe('The invitation id'),
  event_id: z.uuid().describe('The meeting'),
  invitee_user_id: z.uuid().nullable().describe('The invited user; null for an invitation to an address'),
  email: z.string().nullable().describe('The invited address; null for an invitation to a user'),
  role: z.enum(['user', 'moderator', 'guest']).describe('The role the invitee gets in the meeting'),
  status: z
    .enum(['pending', 'accepted', 'tentative', 'declined'])
    .describe('What the invitee answered so far'),
  created_at: z.iso.datetime().describe('When the invitation was made'),
  updated_at: z.iso.datetime().describe('When the invitation last changed'),
});

export const instanceSchema = z.object({
  instance_id: z.string().describe("The occurrence's original start in UTC, like 20240705T170242Z"),
  event_id: z.uuid().describe('The series'),
  title: z.string().describe('The title of this occurrence'),
  description: z.string().describe('The description of this occurrence'),
  is_all_day: z.boolean().describe("Whole days in the event's zone"),
  starts_at: zonedTimeSchema.describe('Start of this occurrence'),
  ends_at: zonedTimeSchema.describe('End of this occurrence'),
  status: z.enum(['scheduled', 'cancelled']).describe('Whether this occurrence takes place'),
  is_exception: z.boolean().describe('Whether this occurrence was changed apart from its series'),
});

export const eventIdParams = z.object({ eventId: z.uuid().describe('The event id') });

export const instanceIdSchema = z
  .string()
  .refine((id) => parseInstanceId(id) !== undefined, 'expected an instance id like 20240705T170242Z')
  .describe('An occurrence: its original start in UTC, like 20240705T170242Z');

export const titleSchema = z.string().trim().min(1).max(EVENT_TITLE_MAX_LENGTH).describe('The meeting title');
export const descriptionSchema = z
  .string()
  .max(EVENT_DESCRIPTION_MAX_LENGTH)
  .describe('Free text shown in invitations');

export const mutationQuery = z.object({
  suppress_email_notification: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => value === 'true')
    .describe('true: send no invitation mail for this change (the Outlook add-in sends its own)'),
});

export function mutationOptions(query: { suppress_email_notification: boolean }): MutationOptions {
  return { suppressEmailNotification: query.suppress_email_notification };
}

export function actorOf(principal: Principal | undefined): Actor {
  const me = requireUser(principal);
  return { tenantId: me.tenantId, userId: me.userId, ...(me.email !== '' && { email: me.email }) };
}

export function eventService(deps: ApiDeps): EventService {
  return createEventService({ db: deps.db, outboxWritten: deps.outboxWritten });
}

export function etag(event: ScheduledEvent): Record<string, string> {
  return { etag: `"${event.revision}"` };
}

/**
 * The revision an `If-Match` names, `'any'` for `*`, undefined when absent; NaN for a value that
 * names no revision (it matches nothing).
 */
export function ifMatchRevision(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): number | 'any' | undefined {
  const raw = headers['if-match'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value.trim() === '') return undefined;
  if (value.trim() === '*') return 'any';
  const match = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(value);
  return match?.[1] === undefined ? Number.NaN : Number(match[1]);
}

/**
 * The If-Match every change of an existing event needs (the event and its occurrences share the
 * event's revision as their ETag): 428 when it is missing.
 */
export function requireIfMatch(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  what: string,
): number | 'any' {
  const expected = ifMatchRevision(headers);
  if (expected === undefined) {
    throw new ApiProblem({
      status: 428,
      code: 'precondition_required',
      title: 'If-Match is required',
      detail: `Send If-Match with the ETag of the ${what} you read, like "3".`,
    });
  }
  return expected;
}

function zoned(at: Date | null, zone: string | null): z.infer<typeof zonedTimeSchema> | null {
  return at === null ? null : { datetime: at.toISOString(), timezone: zone ?? 'UTC' };
}

export function eventJson(event: ScheduledEvent): z.infer<typeof eventSchema> {
  return {
    id: event.id,
    room_id: event.roomId,
    created_by: event.createdBy,
    title: event.title,
    description: event.description,
    is_time_independent: event.isTimeIndependent,
    is_all_day: event.isAllDay,
    is_adhoc: event.isAdhoc,
    starts_at: zoned(event.startsAt, event.timeZone),
    ends_at: zoned(event.endsAt, event.timeZone),
    recurrence_pattern: event.recurrence,
    revision: event.revision,
    created_at: event.createdAt.toISOString(),
    updated_at: event.updatedAt.toISOString(),
  };
}

export function inviteJson(invite: Invite): z.infer<typeof inviteSchema> {
  return {
    id: invite.id,
    event_id: invite.eventId,
    invitee_user_id: invite.inviteeUserId,
    email: invite.email,
    role: invite.role,
    status: invite.status,
    created_at: invite.createdAt.toISOString(),
    updated_at: invite.updatedAt.toISOString(),
  };
}

export function instanceJson(event: ScheduledEvent, instance: Instance): z.infer<typeof instanceSchema> {
  const zone = event.timeZone ?? 'UTC';
  return {
    instance_id: instance.instanceId,
    event_id: event.id,
    title: instance.overrides.title ?? event.title,
    description: instance.overrides.description ?? event.description,
    is_all_day: instance.overrides.isAllDay ?? event.isAllDay,
    starts_at: { datetime: instance.startsAt.toISOString(), timezone: zone },
    ends_at: { datetime: instance.endsAt.toISOString(), timezone: zone },
    status: instance.status,
    is_exception: instance.isException,
  };
}

/** A window from the query; both ends default around now, and it must not be empty. */
export function windowOf(
  query: { time_min?: string | undefined; time_max?: string | undefined },
  now: Date,
  defaultDays: number,
): { from: Date; to: Date } {
  const from = query.time_min === undefined ? now : new Date(query.time_min);
  const to =
    query.time_max === undefined
      ? new Date(from.getTime() + defaultDays * 86_400_000)
      : new Date(query.time_max);
  if (!(from.getTime() < to.getTime())) {
    throw validationProblem([{ field: 'query.time_max', message: 'must be after time_min' }]);
  }
  return { from, to };
}

export const windowQuery = {
  time_min: instantSchema.optional().describe('Start of the window (default: now)'),
  time_max: instantSchema.optional().describe('End of the window (default: some days after time_min)'),
};

const codes: Record<SchedulingError['kind'], [number, ProblemCode, string]> = {
  not_found: [404, 'not_found', 'Not found'],
  forbidden: [403, 'forbidden', 'Not allowed'],
  conflict: [409, 'conflict', 'Conflict'],
  invalid: [422, 'validation_failed', 'The request is not valid'],
  invalid_cursor: [422, 'validation_failed', 'The request is not valid'],
  stale: [412, 'precondition_failed', 'The event has changed'],
};

/** Runs a service call and turns its domain errors into problem responses. */
export async function scheduling<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof SchedulingError)) throw error;
    const [status, code, title] = codes[error.kind];
    const errors =
      error.kind === 'invalid_cursor'
        ? [{ field: 'query.after', message: error.message }]
        : error.details.fields;
    throw new ApiProblem(
      { status, code, title, detail: error.message, ...(errors !== undefined && { errors }) },
      { cause: error },
    );
  }
}
