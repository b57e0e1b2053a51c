import type { CalendarBatch, CalendarItem } from '@vc/connector-sdk';
import {
  createCalendarSyncRepository,
  createEventRepository,
  createInviteRepository,
  createUserRepository,
  SchedulingError,
  type Actor,
  type Db,
  type EventService,
  type Logger,
  type ScheduledEvent,
} from '@vc/conference-core';

/**
 * Outlook (or any calendar upstream) already sent its invitations and updates to the attendees:
 * the core changes the meeting without mailing anyone, so nobody gets a second invitation.
 */
const quietly = { suppressEmailNotification: true } as const;

export interface ApplyContext {
  readonly db: Db;
  readonly events: EventService;
  readonly logger: Logger;
  readonly tenantId: string;
  readonly instanceId: string;
}

export interface ApplyCounts {
  linked: number;
  updated: number;
  cancelled: number;
  ignored: number;
}

async function findEvent(ctx: ApplyContext, item: CalendarItem): Promise<ScheduledEvent | undefined> {
  const events = createEventRepository(ctx.db);
  if (item.link?.eventId !== undefined) {
    const byId = await events.findById(ctx.tenantId, item.link.eventId);
    if (byId !== undefined) return byId;
  }
  if (item.link?.roomId !== undefined) return events.findByRoom(ctx.tenantId, item.link.roomId);
  const known = await createCalendarSyncRepository(ctx.db).findLink(
    ctx.tenantId,
    ctx.instanceId,
    item.calendar,
    item.externalId,
  );
  return known === undefined ? undefined : events.findById(ctx.tenantId, known.eventId);
}

/** Makes the core's invitations match the Outlook attendees (minus organizer and the meeting's owner). */
async function followAttendees(ctx: ApplyContext, actor: Actor, event: ScheduledEvent, item: CalendarItem) {
  const owner = await createUserRepository(ctx.db).findById(ctx.tenantId, event.createdBy);
  const ownEmails = new Set([item.calendar, item.organizer, owner?.email?.toLowerCase()].filter(Boolean));
  const wanted = new Set(item.attendees.map((a) => a.email).filter((e) => !ownEmails.has(e)));
  const invites = await createInviteRepository(ctx.db).listForEvent(ctx.tenantId, event.id);
  const users = createUserRepository(ctx.db);
  const present = new Map<string, { userId: string | null }>();
  for (const invite of invites) {
    const email =
      invite.email?.toLowerCase() ??
      (invite.inviteeUserId === null
        ? undefined
        : (await users.findById(ctx.tenantId, invite.inviteeUserId))?.email?.toLowerCase());
    if (email !== undefined)
      present.set(email, { userId: invite.email === null ? invite.inviteeUserId : null });
  }
  for (const email of wanted) {
    if (present.has(email)) continue;
    await ctx.events.invite(actor, event.id, { email, role: 'guest' }, quietly).catch((err: unknown) => {
      if (!(err instanceof SchedulingError && err.kind === 'conflict')) throw err;
    });
  }
  for (const [email, { userId }] of present) {
    if (wanted.has(email)) continue;
    if (userId !== null) await ctx.events.uninvite(actor, event.id, userId, quietly);
    else await ctx.events.uninviteEmail(actor, event.id, email, quietly);
  }
}

async function applyItem(ctx: ApplyContext, item: CalendarItem, counts: ApplyCounts): Promise<void> {
  const links = createCalendarSyncRepository(ctx.db);
  const event = await findEvent(ctx, item);
  if (event === undefined) {
    if (item.link !== null)
      ctx.logger.debug({ calendar: item.calendar }, 'calendar item points at no meeting here');
    counts.ignored++;
    return;
  }
  // Only the owner's own calendar speaks for a meeting: anyone can paste a join link into an
  // event of theirs, and must not move or cancel someone else's meeting by doing so.
  const owner = await createUserRepository(ctx.db).findById(ctx.tenantId, event.createdBy);
  const ownerEmail = owner?.email.toLowerCase();
  if (ownerEmail === undefined || (item.calendar !== ownerEmail && item.organizer !== ownerEmail)) {
    ctx.logger.info(
      { calendar: item.calendar },
      'calendar item links a meeting its calendar does not own; ignored',
    );
    counts.ignored++;
    return;
  }
  // The hub acts for the meeting's owner: Outlook is where the owner edited it.
  const actor: Actor = { tenantId: ctx.tenantId, userId: event.createdBy };
  const recurring = event.recurrence.length > 0;
  const instanceStart =
    item.kind === 'occurrence' && item.originalStart !== null ? new Date(item.originalStart) : null;
  await links.saveLink(ctx.tenantId, ctx.instanceId, {
    calendar: item.calendar,
    externalId: item.externalId,
    eventId: event.id,
    instanceStart: recurring ? instanceStart : null,
  });
  counts.linked++;
  if (recurring && instanceStart !== null) {
    await ctx.events.changeInstance(
      actor,
      event.id,
      instanceStart,
      'any',
      item.cancelled
        ? { status: 'cancelled' }
        : { title: item.title, startsAt: new Date(item.startsAt), endsAt: new Date(item.endsAt) },
      quietly,
    );
    counts.updated++;
    return;
  }
  if (recurring) {
    counts.ignored++; // a one-off Outlook item cannot stand for a core series
    return;
  }
  if (item.cancelled) {
    await ctx.events.cancel(actor, event.id, 'any', quietly);
    counts.cancelled++;
    return;
  }
  await ctx.events.update(
    actor,
    event.id,
    'any',
    {
      title: item.title === '' ? event.title : item.title,
      startsAt: new Date(item.startsAt),
      endsAt: new Date(item.endsAt),
    },
    quietly,
  );
  await followAttendees(ctx, actor, event, item);
  counts.updated++;
}

async function applyRemoval(
  ctx: ApplyContext,
  removal: { calendar: string; externalId: string },
  counts: ApplyCounts,
): Promise<void> {
  const links = createCalendarSyncRepository(ctx.db);
  const link = await links.findLink(ctx.tenantId, ctx.instanceId, removal.calendar, removal.externalId);
  if (link === undefined) return;
  const event = await createEventRepository(ctx.db).findById(ctx.tenantId, link.eventId);
  if (event !== undefined) {
    const actor: Actor = { tenantId: ctx.tenantId, userId: event.createdBy };
    if (link.instanceStart !== null) {
      await ctx.events.changeInstance(
        actor,
        event.id,
        link.instanceStart,
        'any',
        { status: 'cancelled' },
        quietly,
      );
    } else {
      await ctx.events.cancel(actor, event.id, 'any', quietly);
    }
    counts.cancelled++;
  }
  await links.removeLink(ctx.tenantId, ctx.instanceId, removal.calendar, removal.externalId);
}

/**
 * Applies one calendar batch to the core: items linked to a meeting (our event id, our join link,
 * or a link stored earlier) move, rename, re-invite or cancel it; removals cancel the meeting or
 * the occurrence. A meeting gone from the core meanwhile is skipped, never an error for the run.
 */
export async function applyCalendarBatch(ctx: ApplyContext, batch: CalendarBatch): Promise<ApplyCounts> {
  const counts: ApplyCounts = { linked: 0, updated: 0, cancelled: 0, ignored: 0 };
  const tolerate = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (err) {
      if (err instanceof SchedulingError && (err.kind === 'not_found' || err.kind === 'invalid')) {
        ctx.logger.warn({ kind: err.kind }, `calendar change not applied: ${err.message}`);
        counts.ignored++;
        return;
      }
      throw err;
    }
  };
  for (const item of batch.upserts) await tolerate(() => applyItem(ctx, item, counts));
  for (const removal of batch.removals) await tolerate(() => applyRemoval(ctx, removal, counts));
  return counts;
}
