import type { CalendarBatch, CalendarItem, CalendarRemoval } from '@vc/connector-sdk';
import {
  createCalendarSyncRepository,
  createInviteRepository,
  createUserRepository,
  SchedulingError,
  type Actor,
  type CalendarItemKey,
  type CalendarLinkRow,
  type Db,
  type EventService,
  type Invite,
  type Logger,
  type ScheduledEvent,
} from '@vc/conference-core';

import { linkKey, loadBatchSnapshot, type BatchSnapshot } from './calendar-batch-snapshot.js';
import { inParallel } from './in-parallel.js';

/** Meetings changed at once within a batch: well below the database pool, a few round trips each. */
const parallelMeetings = 4;

/**
 * Outlook (or any calendar upstream) already sent its invitations and updates to the attendees:
 * the core changes the meeting without mailing anyone, so nobody gets a second invitation.
 */
const quietly = { suppressEmailNotification: true, asynchronousCommit: true } as const;

export interface ApplyContext {
  readonly db: Db;
  readonly events: EventService;
  readonly logger: Logger;
  readonly tenantId: string;
  readonly instanceId: string;
}

export interface ApplyCounts {
  /** Items skipped because they are as last applied (fingerprint unchanged). */
  unchanged: number;
  linked: number;
  updated: number;
  cancelled: number;
  ignored: number;
}

/** One batch being applied: the snapshot read up front, and the link rows to write at the end. */
interface Work {
  readonly ctx: ApplyContext;
  readonly snapshot: BatchSnapshot;
  readonly counts: ApplyCounts;
  readonly save: CalendarLinkRow[];
  readonly remove: CalendarItemKey[];
  /** Meetings cancelled by this batch: no link may be saved for them. */
  readonly deleted: Set<string>;
}

/** The batch changed this meeting: later items of the batch see it as it now is. */
function remember(work: Work, event: ScheduledEvent): void {
  work.snapshot.eventsById.set(event.id, event);
  work.snapshot.eventsByRoom.set(event.roomId, event);
}

/** The batch cancelled (deleted) this meeting: later items of the batch find nothing. */
function forget(work: Work, event: ScheduledEvent): void {
  work.snapshot.eventsById.delete(event.id);
  work.snapshot.eventsByRoom.delete(event.roomId);
  work.deleted.add(event.id);
}

function findEvent(work: Work, item: CalendarItem): ScheduledEvent | undefined {
  const { snapshot } = work;
  const byId = item.link?.eventId === undefined ? undefined : snapshot.eventsById.get(item.link.eventId);
  if (byId !== undefined) return byId;
  if (item.link?.roomId !== undefined) return snapshot.eventsByRoom.get(item.link.roomId);
  const known = snapshot.links.get(linkKey(item.calendar, item.externalId));
  return known === undefined ? undefined : snapshot.eventsById.get(known.eventId);
}

async function emailOf(work: Work, userId: string): Promise<string | undefined> {
  const known = work.snapshot.users.get(userId);
  if (known !== undefined) return known.email.toLowerCase();
  return (await createUserRepository(work.ctx.db).findById(work.ctx.tenantId, userId))?.email.toLowerCase();
}

/** Makes the core's invitations match the Outlook attendees (minus organizer and the meeting's owner). */
async function followAttendees(work: Work, actor: Actor, event: ScheduledEvent, item: CalendarItem) {
  const { ctx, snapshot } = work;
  const ownEmails = new Set(
    [item.calendar, item.organizer, await emailOf(work, event.createdBy)].filter(Boolean),
  );
  const wanted = new Set(item.attendees.map((a) => a.email).filter((e) => !ownEmails.has(e)));
  const invites: readonly Invite[] = snapshot.invitesChanged.has(event.id)
    ? await createInviteRepository(ctx.db).listForEvent(ctx.tenantId, event.id)
    : (snapshot.invites.get(event.id) ?? []);
  const present = new Map<string, { userId: string | null }>();
  for (const invite of invites) {
    const email =
      invite.email?.toLowerCase() ??
      (invite.inviteeUserId === null ? undefined : await emailOf(work, invite.inviteeUserId));
    if (email !== undefined)
      present.set(email, { userId: invite.email === null ? invite.inviteeUserId : null });
  }
  for (const email of wanted) {
    if (present.has(email)) continue;
    snapshot.invitesChanged.add(event.id);
    await ctx.events.invite(actor, event.id, { email, role: 'guest' }, quietly).catch((err: unknown) => {
      if (!(err instanceof SchedulingError && err.kind === 'conflict')) throw err;
    });
  }
  for (const [email, { userId }] of present) {
    if (wanted.has(email)) continue;
    snapshot.invitesChanged.add(event.id);
    if (userId !== null) await ctx.events.uninvite(actor, event.id, userId, quietly);
    else await ctx.events.uninviteEmail(actor, event.id, email, quietly);
  }
}

async function applyItem(work: Work, item: CalendarItem, fingerprint: string): Promise<void> {
  const { ctx, counts } = work;
  const event = findEvent(work, item);
  if (event === undefined) {
    if (item.link !== null)
      ctx.logger.debug({ calendar: item.calendar }, 'calendar item points at no meeting here');
    counts.ignored++;
    return;
  }
  // Only the owner's own calendar speaks for a meeting: anyone can paste a join link into an
  // event of theirs, and must not move or cancel someone else's meeting by doing so.
  const ownerEmail = await emailOf(work, event.createdBy);
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
  const link: CalendarLinkRow = {
    calendar: item.calendar,
    externalId: item.externalId,
    eventId: event.id,
    instanceStart: recurring ? instanceStart : null,
    fingerprint,
  };
  counts.linked++;
  if (recurring && instanceStart !== null) {
    const changed = await ctx.events.changeInstance(
      actor,
      event.id,
      instanceStart,
      'any',
      item.cancelled
        ? { status: 'cancelled' }
        : { title: item.title, startsAt: new Date(item.startsAt), endsAt: new Date(item.endsAt) },
      quietly,
    );
    remember(work, changed.event);
    work.save.push(link);
    counts.updated++;
    return;
  }
  if (recurring) {
    work.save.push(link);
    counts.ignored++; // a one-off Outlook item cannot stand for a core series
    return;
  }
  if (item.cancelled) {
    // Cancelling deletes the event, and its links with it: nothing to save.
    await ctx.events.cancel(actor, event.id, 'any', quietly);
    forget(work, event);
    counts.cancelled++;
    return;
  }
  const title = item.title === '' ? event.title : item.title;
  const startsAt = new Date(item.startsAt);
  const endsAt = new Date(item.endsAt);
  // The first read of a meeting the add-in just wrote is usually what the core has already.
  const asItIs =
    title === event.title &&
    event.startsAt?.getTime() === startsAt.getTime() &&
    event.endsAt?.getTime() === endsAt.getTime();
  if (!asItIs) {
    remember(work, await ctx.events.update(actor, event.id, 'any', { title, startsAt, endsAt }, quietly));
    counts.updated++;
  }
  await followAttendees(work, actor, event, item);
  work.save.push(link);
}

async function applyRemoval(work: Work, removal: CalendarRemoval): Promise<void> {
  const { ctx, snapshot, counts } = work;
  const link = snapshot.links.get(linkKey(removal.calendar, removal.externalId));
  if (link === undefined) return;
  work.remove.push({ calendar: removal.calendar, externalId: removal.externalId });
  const event = snapshot.eventsById.get(link.eventId);
  if (event === undefined) return;
  const actor: Actor = { tenantId: ctx.tenantId, userId: event.createdBy };
  if (link.instanceStart !== null) {
    const changed = await ctx.events.changeInstance(
      actor,
      event.id,
      link.instanceStart,
      'any',
      { status: 'cancelled' },
      quietly,
    );
    remember(work, changed.event);
  } else {
    await ctx.events.cancel(actor, event.id, 'any', quietly);
    forget(work, event);
  }
  counts.cancelled++;
}

/**
 * Applies one calendar batch to the core: items linked to a meeting (our event id, our join link,
 * or a link stored earlier) move, rename, re-invite or cancel it; removals cancel the meeting or
 * the occurrence. Items unchanged since last applied are skipped by their fingerprint, and items
 * the core already agrees with cost no write; only real changes go through the event service (one
 * transaction each, with its outbox entry). The batch's links and its cursor are then written in
 * one transaction, so a crash re-reads the batch and finds its changes already made. All these
 * commits skip the wait for the WAL flush (`asynchronousCommit`): a crash may lose the latest of
 * them, in order, and the next round re-reads from the cursor that survived and redoes them. A
 * meeting gone from the core meanwhile is skipped, never an error for the run.
 */
export async function applyCalendarBatch(ctx: ApplyContext, batch: CalendarBatch): Promise<ApplyCounts> {
  const snapshot = await loadBatchSnapshot(ctx.db, ctx.tenantId, ctx.instanceId, batch);
  const counts: ApplyCounts = {
    unchanged: snapshot.unchanged,
    linked: 0,
    updated: 0,
    cancelled: 0,
    ignored: 0,
  };
  const work: Work = { ctx, snapshot, counts, save: [], remove: [], deleted: new Set() };
  const tolerate = async (step: () => Promise<void>) => {
    try {
      await step();
    } catch (err) {
      if (err instanceof SchedulingError && (err.kind === 'not_found' || err.kind === 'invalid')) {
        ctx.logger.warn({ kind: err.kind }, `calendar change not applied: ${err.message}`);
        counts.ignored++;
        return;
      }
      throw err;
    }
  };
  // Items of different meetings go through the event service side by side (each its own
  // transaction); the items of one meeting stay in order.
  const byMeeting = new Map<string, { item: CalendarItem; fingerprint: string }[]>();
  for (const change of snapshot.changed) {
    const key = findEvent(work, change.item)?.id ?? linkKey(change.item.calendar, change.item.externalId);
    byMeeting.set(key, [...(byMeeting.get(key) ?? []), change]);
  }
  await inParallel([...byMeeting.values()], parallelMeetings, async (changes) => {
    for (const { item, fingerprint } of changes) await tolerate(() => applyItem(work, item, fingerprint));
  });
  for (const removal of batch.removals) await tolerate(() => applyRemoval(work, removal));
  // Meetings this batch cancelled are gone, and their links with them.
  await createCalendarSyncRepository(ctx.db).saveBatch(ctx.tenantId, ctx.instanceId, {
    save: work.save.filter((l) => !work.deleted.has(l.eventId)),
    remove: work.remove,
    cursor: batch.cursor,
  });
  return counts;
}
