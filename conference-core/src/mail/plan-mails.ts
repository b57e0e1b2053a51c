import { sql } from 'kysely';

import type { DomainEvent, DomainEventPayload, DomainEventTopic } from '../outbox/domain-events.js';
import {
  createEventExceptionRepository,
  type EventException,
} from '../storage/event-exception-repository.js';
import { createEventRepository, type ScheduledEvent } from '../storage/event-repository.js';
import { createGuestLinkRepository } from '../storage/guest-link-repository.js';
import type { InviteRole, InviteStatus } from '../storage/invite-repository.js';
import { allUuids, isUuid, type Db } from '../storage/repository-support.js';
import type { MailKind } from './mail-repository.js';
import {
  mailLanguage,
  type MailContext,
  type MailEvent,
  type MailOccurrence,
  type MailRecipient,
  type MailSettings,
} from './mail-model.js';

/** The domain events that may send mail. */
export const mailTopics = [
  'invite.added',
  'invite.removed',
  'event.updated',
  'event.instance_changed',
  'event.cancelled',
] as const satisfies readonly DomainEventTopic[];

type MailTopic = (typeof mailTopics)[number];
type MailDomainEvent = Extract<DomainEvent, { topic: MailTopic }>;

const isMailEvent = (event: DomainEvent): event is MailDomainEvent =>
  (mailTopics as readonly string[]).includes(event.topic);

/** A domain event of one tenant, read back through the catalogue (`readDomainEvent`). */
export interface PlanInput {
  readonly tenantId: string;
  readonly event: DomainEvent;
}

/** An invitee as the planner sees it: a user id or an address, and the role. */
interface InviteeRef {
  readonly userId: string | null;
  readonly email: string | null;
  readonly role: InviteRole;
  /** What the invitee answered, when known (kept as PARTSTAT in a cancellation). */
  readonly status?: InviteStatus;
  /** The invited account, read with the invite (one round trip); undefined when not read yet. */
  readonly user?: MailUser | null;
}

/** The account of an invited user, as far as a mail needs it. */
interface MailUser {
  readonly email: string;
  readonly displayName: string;
  readonly language: string | null;
  readonly timeZone: string | null;
  readonly lastLoginAt: Date | null;
  readonly disabledAt: Date | null;
}

const date = (value: string | null): Date | null => (value === null ? null : new Date(value));

/**
 * Which messages one domain event asks for, as render-ready contexts: one per recipient. Reads
 * the event as it is now (a later change gets its own mail, with a higher SEQUENCE); a
 * cancellation renders the snapshot the outbox kept, because the event is gone.
 */
export async function planMails(
  db: Db,
  input: PlanInput,
  settings: MailSettings,
  publicUrl: string,
  now: Date,
): Promise<MailContext[]> {
  return (await planEventMails(db, [input], settings, publicUrl, now))[0] ?? [];
}

/** The event a domain event is about, as `tenant event` (the key passes group by). */
export function planGroupKey(input: PlanInput): string {
  return `${input.tenantId} ${input.event.payload.event_id}`;
}

/**
 * `planMails` for several domain events of one event (same tenant and `event_id`, as
 * `planGroupKey` groups them), in one pass: the event, its exceptions, organizer, room, dial-in,
 * the invitees and the guest link are read once for all of them. Each domain event still gets
 * exactly the contexts `planMails` would give it alone (the result is in the order of `inputs`);
 * inputs about another event get none.
 */
export async function planEventMails(
  db: Db,
  inputs: readonly PlanInput[],
  settings: MailSettings,
  publicUrl: string,
  now: Date,
): Promise<MailContext[][]> {
  const result: MailContext[][] = inputs.map(() => []);
  const first = inputs[0];
  if (first === undefined) return result;
  const key = planGroupKey(first);
  const { tenantId } = first;
  const eventId = first.event.payload.event_id;
  if (!allUuids(tenantId, eventId)) return result;
  // What each input asks for; the ones that ask for nothing (suppressed, another event, a topic
  // without mail) stay empty.
  const wanted: { index: number; event: MailDomainEvent }[] = [];
  inputs.forEach((input, index) => {
    if (input.tenantId !== tenantId || planGroupKey(input) !== key) return;
    if (input.event.payload.suppress_email_notification) return;
    if (isMailEvent(input.event)) wanted.push({ index, event: input.event });
  });
  if (wanted.length === 0) return result;

  const live: { index: number; event: Exclude<MailDomainEvent, { topic: 'event.cancelled' }> }[] = [];
  for (const { index, event } of wanted) {
    if (event.topic === 'event.cancelled')
      result[index] = await planCancellation(db, tenantId, eventId, event.payload, settings);
    else live.push({ index, event });
  }
  if (live.length === 0) return result;
  const event = await createEventRepository(db).findById(tenantId, eventId);
  // Gone already: the cancellation mail (its own outbox message) tells everyone.
  if (event === undefined) return result;
  const exceptions =
    event.recurrence.length > 0
      ? await createEventExceptionRepository(db).listForEvent(tenantId, eventId)
      : [];
  // One read of the invitees for the whole pass: all of them when a change goes to everyone,
  // else only the ones the invite messages name.
  const everyone = live.some(
    (w) => w.event.topic === 'event.updated' || w.event.topic === 'event.instance_changed',
  );
  const named = live.flatMap(({ event: e }) =>
    e.topic === 'invite.added' || e.topic === 'invite.removed'
      ? [{ userId: e.payload.invitee_user_id, email: e.payload.email ?? null }]
      : [],
  );
  const invited = await currentInvitees(db, tenantId, eventId, everyone ? undefined : named);
  const matching = (only: { userId: string | null; email: string | null }): InviteeRef[] => {
    const { userId, email } = only;
    if (userId !== null && isUuid(userId)) return invited.filter((i) => i.userId === userId);
    if (email === null) return [];
    const lower = email.toLowerCase();
    return invited.filter((i) => i.email !== null && i.email.toLowerCase() === lower);
  };

  const asked: { index: number; kind: MailKind; invitees: InviteeRef[]; occurrence?: MailOccurrence }[] = [];
  for (const { index, event: change } of live) {
    switch (change.topic) {
      case 'invite.added':
        asked.push({
          index,
          kind: 'invite',
          invitees: matching({ userId: change.payload.invitee_user_id, email: change.payload.email }),
        });
        break;
      case 'invite.removed': {
        const userId = change.payload.invitee_user_id;
        const email = change.payload.email ?? null;
        // Invited again since: no farewell.
        if (matching({ userId, email }).length > 0) break;
        asked.push({ index, kind: 'uninvite', invitees: [{ userId, email, role: 'user' }] });
        break;
      }
      case 'event.updated':
        asked.push({ index, kind: 'update', invitees: invited });
        break;
      case 'event.instance_changed': {
        const instanceStart = new Date(change.payload.instance_start);
        const exception = exceptions.find((x) => x.instanceStart.getTime() === instanceStart.getTime());
        const occurrence = toOccurrence(event, exception, instanceStart);
        asked.push({
          index,
          kind: occurrence.cancelled ? 'cancel' : 'update',
          invitees: invited,
          occurrence,
        });
        break;
      }
      default:
        break;
    }
  }
  if (asked.every((a) => a.invitees.length === 0)) return result;
  const setting = await roomSetting(db, tenantId, event);
  if (setting === undefined) return result;
  const { organizer } = setting;
  // Accounts came with the invites; only a farewell (whose invite is gone) reads them apart.
  const users = await usersById(
    db,
    tenantId,
    asked.flatMap((a) =>
      a.invitees.flatMap((i) => (i.userId === null || i.user !== undefined ? [] : [i.userId])),
    ),
  );
  for (const invitee of invited) {
    if (invitee.userId !== null && invitee.user != null) users.set(invitee.userId, invitee.user);
  }
  const guestUrl = asked.some((a) => a.kind !== 'uninvite' && a.invitees.some((i) => i.userId === null))
    ? await guestLink(db, tenantId, event, publicUrl, now)
    : null;
  const dialIn = setting.dialIn === null ? null : { number: settings.dialInNumber, ...setting.dialIn };
  const mailEvent = fromEvent(event);
  const series = exceptions.map((x) => toOccurrence(event, x, x.instanceStart));
  const organizerPerson = { email: organizer.email, name: organizer.displayName };
  const joinUrl = `${publicUrl}/rooms/${event.roomId}`;
  for (const { index, kind, invitees, occurrence } of asked) {
    const contexts: MailContext[] = [];
    for (const invitee of invitees) {
      const recipient = toRecipient(invitee, users, organizer, settings, event.timeZone);
      if (recipient === undefined) continue;
      contexts.push({
        tenantId,
        kind,
        sequence: event.revision,
        event: mailEvent,
        ...(occurrence !== undefined && { occurrence }),
        exceptions: occurrence === undefined ? series : [],
        organizer: organizerPerson,
        recipient,
        joinUrl,
        // As when planned alone: the link only when this message goes to someone without an account.
        guestUrl: kind !== 'uninvite' && invitees.some((i) => i.userId === null) ? guestUrl : null,
        dialIn,
        password: setting.password,
      });
    }
    result[index] = contexts;
  }
  return result;
}

async function planCancellation(
  db: Db,
  tenantId: string,
  eventId: string,
  p: DomainEventPayload<'event.cancelled'>,
  settings: MailSettings,
): Promise<MailContext[]> {
  const invitees: InviteeRef[] = p.invitees.map((e) => ({
    userId: e.user_id,
    email: e.email,
    role: e.role,
    status: e.status,
  }));
  if (invitees.length === 0) return [];
  const organizerId = p.created_by;
  const organizer = (await usersById(db, tenantId, [organizerId])).get(organizerId);
  if (organizer === undefined) return [];
  const users = await usersById(
    db,
    tenantId,
    invitees.flatMap((i) => (i.userId === null ? [] : [i.userId])),
  );
  const revision = p.revision;
  const event: MailEvent = {
    id: eventId,
    title: p.title,
    description: p.description,
    isTimeIndependent: p.is_time_independent || p.starts_at === null,
    isAllDay: p.is_all_day,
    startsAt: date(p.starts_at),
    endsAt: date(p.ends_at),
    timeZone: p.time_zone,
    recurrence: p.recurrence,
    seriesEndsAt: date(p.series_ends_at),
  };
  return invitees.flatMap((invitee) => {
    const recipient = toRecipient(invitee, users, organizer, settings, event.timeZone);
    if (recipient === undefined) return [];
    // RFC 5546: the cancellation is a revision of its own, so it outranks the last request.
    const context: MailContext = {
      tenantId,
      kind: 'cancel',
      sequence: revision + 1,
      event,
      exceptions: [],
      organizer: { email: organizer.email, name: organizer.displayName },
      recipient,
      joinUrl: null,
      guestUrl: null,
      dialIn: null,
      password: null,
    };
    return [context];
  });
}

/** The event's invitees now, or the ones matching `only` (each by user id, else by address). */
async function currentInvitees(
  db: Db,
  tenantId: string,
  eventId: string,
  only?: readonly { userId: string | null; email: string | null }[],
): Promise<InviteeRef[]> {
  let query = db
    .selectFrom('event_invites')
    .leftJoin('users', (join) =>
      join.on('users.tenant_id', '=', tenantId).onRef('users.id', '=', 'event_invites.invitee_user_id'),
    )
    .select([
      'event_invites.invitee_user_id',
      'event_invites.email',
      'event_invites.role',
      'event_invites.status',
      'users.email as user_email',
      'users.display_name',
      'users.language',
      'users.time_zone',
      'users.last_login_at',
      'users.disabled_at',
    ])
    .where('event_invites.tenant_id', '=', tenantId)
    .where('event_invites.event_id', '=', eventId);
  if (only !== undefined) {
    const userIds = [
      ...new Set(only.flatMap((o) => (o.userId !== null && isUuid(o.userId) ? [o.userId] : []))),
    ];
    const emails = [
      ...new Set(
        only.flatMap((o) =>
          (o.userId === null || !isUuid(o.userId)) && o.email !== null ? [o.email.toLowerCase()] : [],
        ),
      ),
    ];
    if (userIds.length === 0 && emails.length === 0) return [];
    // One array parameter each: a pass names up to a few hundred invitees, and an `in` list cost
    // kysely a node and a parameter for every one of them.
    query = query.where((eb) =>
      eb.or([
        ...(userIds.length > 0
          ? [sql<boolean>`event_invites.invitee_user_id = any(${userIds}::uuid[])`]
          : []),
        ...(emails.length > 0 ? [sql<boolean>`lower(event_invites.email) = any(${emails}::text[])`] : []),
      ]),
    );
  }
  const rows = await query.orderBy('event_invites.created_at').orderBy('event_invites.id').execute();
  return rows.map((row) => ({
    userId: row.invitee_user_id,
    email: row.email,
    role: row.role,
    status: row.status,
    user:
      row.user_email === null || row.display_name === null
        ? null
        : {
            email: row.user_email,
            displayName: row.display_name,
            language: row.language,
            timeZone: row.time_zone,
            lastLoginAt: row.last_login_at,
            disabledAt: row.disabled_at,
          },
  }));
}

async function usersById(db: Db, tenantId: string, ids: readonly string[]): Promise<Map<string, MailUser>> {
  const wanted = [...new Set(ids)].filter(isUuid);
  if (wanted.length === 0) return new Map();
  const rows = await db
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'language', 'time_zone', 'last_login_at', 'disabled_at'])
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', wanted)
    .execute();
  return new Map(
    rows.map((row) => [
      row.id,
      {
        email: row.email,
        displayName: row.display_name,
        language: row.language,
        timeZone: row.time_zone,
        lastLoginAt: row.last_login_at,
        disabledAt: row.disabled_at,
      },
    ]),
  );
}

/** The organizer, the room's password and its dial-in, in one read. */
async function roomSetting(
  db: Db,
  tenantId: string,
  event: ScheduledEvent,
): Promise<
  | { organizer: MailUser; password: string | null; dialIn: { conferenceId: string; pin: string } | null }
  | undefined
> {
  const row = await db
    .selectFrom('users as organizer')
    .leftJoin('rooms', (join) => join.on('rooms.tenant_id', '=', tenantId).on('rooms.id', '=', event.roomId))
    .leftJoin('dial_in', (join) =>
      join.on('dial_in.tenant_id', '=', tenantId).on('dial_in.room_id', '=', event.roomId),
    )
    .select([
      'organizer.email',
      'organizer.display_name',
      'organizer.language',
      'organizer.time_zone',
      'organizer.last_login_at',
      'organizer.disabled_at',
      'rooms.password',
      'dial_in.conference_id',
      'dial_in.pin',
    ])
    .where('organizer.tenant_id', '=', tenantId)
    .where('organizer.id', '=', event.createdBy)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    organizer: {
      email: row.email,
      displayName: row.display_name,
      language: row.language,
      timeZone: row.time_zone,
      lastLoginAt: row.last_login_at,
      disabledAt: row.disabled_at,
    },
    password: row.password ?? null,
    dialIn:
      row.conference_id === null || row.pin === null
        ? null
        : { conferenceId: row.conference_id, pin: row.pin },
  };
}

function toRecipient(
  invitee: InviteeRef,
  users: Map<string, MailUser>,
  organizer: MailUser,
  settings: MailSettings,
  eventZone: string | null,
): MailRecipient | undefined {
  const fallbackLanguage = mailLanguage(organizer.language) ?? settings.defaultLanguage;
  const zone = eventZone ?? organizer.timeZone ?? 'UTC';
  if (invitee.userId !== null) {
    const user = users.get(invitee.userId);
    // A deleted or disabled account gets no mail.
    if (user === undefined || user.disabledAt !== null) return undefined;
    return {
      kind: user.lastLoginAt === null ? 'directory' : 'registered',
      email: user.email,
      name: user.displayName,
      role: invitee.role,
      language: mailLanguage(user.language) ?? fallbackLanguage,
      timeZone: user.timeZone ?? zone,
      ...(invitee.status !== undefined && { response: invitee.status }),
    };
  }
  if (invitee.email === null) return undefined;
  return {
    kind: 'external',
    email: invitee.email,
    name: null,
    role: invitee.role,
    language: fallbackLanguage,
    timeZone: zone,
    ...(invitee.status !== undefined && { response: invitee.status }),
  };
}

/** A usable guest link of the event's room; one is made (by the organizer) when there is none. */
async function guestLink(
  db: Db,
  tenantId: string,
  event: ScheduledEvent,
  publicUrl: string,
  now: Date,
): Promise<string | null> {
  const links = createGuestLinkRepository(db);
  const usable = (await links.listForRoom(tenantId, event.roomId)).find(
    (link) => link.active && (link.expiresAt === null || link.expiresAt.getTime() > now.getTime()),
  );
  if (usable !== undefined) return `${publicUrl}/invite/${usable.code}`;
  const created = await links.create(tenantId, event.roomId, { createdBy: event.createdBy });
  return created.ok ? `${publicUrl}/invite/${created.link.code}` : null;
}

function fromEvent(event: ScheduledEvent): MailEvent {
  return {
    id: event.id,
    title: event.title,
    description: event.description,
    isTimeIndependent: event.isTimeIndependent,
    isAllDay: event.isAllDay,
    startsAt: event.startsAt,
    endsAt: event.endsAt,
    timeZone: event.timeZone,
    recurrence: event.recurrence,
    seriesEndsAt: event.seriesEndsAt,
  };
}

/** The occurrence that started at `instanceStart` by the rule, with its exception applied. */
function toOccurrence(
  event: ScheduledEvent,
  exception: EventException | undefined,
  instanceStart: Date,
): MailOccurrence {
  const length = (event.endsAt?.getTime() ?? 0) - (event.startsAt?.getTime() ?? 0);
  const startsAt = exception?.startsAt ?? instanceStart;
  return {
    recurrenceId: instanceStart,
    cancelled: exception?.kind === 'cancelled',
    title: exception?.title ?? event.title,
    description: exception?.description ?? event.description,
    startsAt,
    endsAt: exception?.endsAt ?? new Date(startsAt.getTime() + length),
  };
}
