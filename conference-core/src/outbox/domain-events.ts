import { z } from 'zod';

/**
 * The catalogue of domain events: every topic the outbox carries, with the zod schema of its
 * payload. The writer (`appendDomainEvent`) checks a payload against it before the row is
 * written, and every consumer reads a payload back through `readDomainEvent`, so a field is named
 * once, here, and nobody reads string keys out of untyped JSON. Payload keys are snake_case: they
 * are stored as JSONB and travel through Redis as job payloads.
 *
 * Changing a payload: stored rows and queued jobs outlive a deployment, so add fields as optional
 * (or with a default) and never change what an existing field means.
 */

const uuid = z.uuid();
const instant = z.iso.datetime({ offset: true });
const inviteRole = z.enum(['user', 'moderator', 'guest']);
const inviteStatus = z.enum(['pending', 'accepted', 'tentative', 'declined']);

/** What every event about a meeting carries. */
const meetingEvent = z.object({
  /** The meeting (the outbox row's aggregate id). */
  event_id: uuid,
  /** The meeting's revision after the change (for `event.cancelled`: the last one it had). */
  revision: z.int().nonnegative(),
  /** Who made the change; null when no user did (an iMIP reply by mail). */
  actor_id: uuid.nullable(),
  /** The change asked for no invitation mail (the Outlook add-in sends its own). */
  suppress_email_notification: z.boolean(),
});

export const domainEventSchemas = {
  'event.created': meetingEvent.extend({ room_id: uuid }),
  'event.updated': meetingEvent,
  /** The meeting is deleted with this change: the payload keeps what a cancellation mail shows. */
  'event.cancelled': meetingEvent.extend({
    title: z.string(),
    description: z.string(),
    room_id: uuid,
    created_by: uuid,
    is_time_independent: z.boolean(),
    is_all_day: z.boolean(),
    series_ends_at: instant.nullable(),
    starts_at: instant.nullable(),
    ends_at: instant.nullable(),
    time_zone: z.string().nullable(),
    recurrence: z.array(z.string()),
    invitees: z.array(
      z.object({
        user_id: uuid.nullable(),
        email: z.string().nullable(),
        role: inviteRole,
        status: inviteStatus,
      }),
    ),
  }),
  /** One occurrence of a series moved, changed or was cancelled. */
  'event.instance_changed': meetingEvent.extend({
    instance_start: instant,
    status: z.enum(['scheduled', 'cancelled']),
  }),
  'invite.added': meetingEvent.extend({
    invitee_user_id: uuid.nullable(),
    email: z.string().nullable(),
    role: inviteRole,
  }),
  /** `email` only when the invitation went to a bare address (`invitee_user_id` null). */
  'invite.removed': meetingEvent.extend({
    invitee_user_id: uuid.nullable(),
    email: z.string().optional(),
  }),
  'invite.status_changed': meetingEvent.extend({
    invitee_user_id: uuid.nullable(),
    email: z.string().nullable(),
    status: inviteStatus.exclude(['pending']),
    /** `imip` when the answer came as an iMIP reply by mail. */
    source: z.literal('imip').optional(),
  }),
} as const;

export type DomainEventTopic = keyof typeof domainEventSchemas;
export const domainEventTopics = Object.keys(domainEventSchemas) as DomainEventTopic[];

export type DomainEventPayload<T extends DomainEventTopic> = z.infer<(typeof domainEventSchemas)[T]>;

/** One domain event: its topic and the payload that topic has. Narrow it with `switch (e.topic)`. */
export type DomainEvent = {
  [T in DomainEventTopic]: { readonly topic: T; readonly payload: DomainEventPayload<T> };
}[DomainEventTopic];

/** A topic, or every topic of one aggregate (`event.*`), as a subscription names them. */
export type DomainEventPattern = DomainEventTopic | 'event.*' | 'invite.*';

export function isDomainEventTopic(topic: string): topic is DomainEventTopic {
  return Object.hasOwn(domainEventSchemas, topic);
}

export function matchesPattern(pattern: string, topic: string): boolean {
  return pattern.endsWith('.*') ? topic.startsWith(pattern.slice(0, -1)) : pattern === topic;
}

export type ReadDomainEvent =
  { readonly ok: true; readonly event: DomainEvent } | { readonly ok: false; readonly error: string };

/**
 * A stored or queued payload read back: the typed event, or why it is not one (an unknown topic,
 * or the fields that do not fit, named). Never throws: a malformed row must not stop a consumer.
 */
export function readDomainEvent(topic: string, payload: unknown): ReadDomainEvent {
  if (!isDomainEventTopic(topic)) return { ok: false, error: `unknown domain event topic '${topic}'` };
  const parsed = domainEventSchemas[topic].safeParse(payload);
  if (!parsed.success) {
    const fields = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`)
      .join('; ');
    return { ok: false, error: `malformed '${topic}' payload: ${fields}` };
  }
  return { ok: true, event: { topic, payload: parsed.data } as DomainEvent };
}
