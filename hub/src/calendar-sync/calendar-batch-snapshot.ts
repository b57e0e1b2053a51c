import type { CalendarBatch, CalendarItem } from '@vc/connector-sdk';
import {
  createCalendarSyncRepository,
  createEventRepository,
  createInviteRepository,
  createUserRepository,
  type CalendarLinkRow,
  type Db,
  type Invite,
  type ScheduledEvent,
  type User,
} from '@vc/conference-core';

import { calendarItemFingerprint } from './calendar-item-fingerprint.js';

export const linkKey = (calendar: string, externalId: string) => `${calendar}\n${externalId}`;

/**
 * What applying one calendar batch needs from the core, read up front in a handful of queries
 * (links, events, invitations, people) instead of several round trips per item. Items whose
 * fingerprint matches their stored link are `unchanged` and need nothing else. Events the batch
 * changes are replaced in the snapshot by what the event service returned; invitation lists it
 * changed are read afresh.
 */
export interface BatchSnapshot {
  readonly links: ReadonlyMap<string, CalendarLinkRow>;
  /** The upserts that changed since last applied (or were never linked), with their fingerprints. */
  readonly changed: readonly { readonly item: CalendarItem; readonly fingerprint: string }[];
  readonly unchanged: number;
  readonly eventsById: Map<string, ScheduledEvent>;
  readonly eventsByRoom: Map<string, ScheduledEvent>;
  readonly invites: ReadonlyMap<string, readonly Invite[]>;
  readonly users: Map<string, User>;
  /** Meetings whose invitations this batch changed: their snapshot list is stale. */
  readonly invitesChanged: Set<string>;
}

export async function loadBatchSnapshot(
  db: Db,
  tenantId: string,
  instanceId: string,
  batch: CalendarBatch,
): Promise<BatchSnapshot> {
  const keys = [...batch.upserts, ...batch.removals].map((i) => ({
    calendar: i.calendar,
    externalId: i.externalId,
  }));
  const links = new Map(
    (await createCalendarSyncRepository(db).findLinks(tenantId, instanceId, keys)).map((l) => [
      linkKey(l.calendar, l.externalId),
      l,
    ]),
  );
  const changed: { item: CalendarItem; fingerprint: string }[] = [];
  for (const item of batch.upserts) {
    const fingerprint = calendarItemFingerprint(item);
    if (links.get(linkKey(item.calendar, item.externalId))?.fingerprint !== fingerprint)
      changed.push({ item, fingerprint });
  }
  const ids = new Set<string>();
  const roomIds = new Set<string>();
  for (const { item } of changed) {
    if (item.link?.eventId !== undefined) ids.add(item.link.eventId);
    if (item.link?.roomId !== undefined) roomIds.add(item.link.roomId);
    const known = links.get(linkKey(item.calendar, item.externalId));
    if (known !== undefined) ids.add(known.eventId);
  }
  for (const removal of batch.removals) {
    const known = links.get(linkKey(removal.calendar, removal.externalId));
    if (known !== undefined) ids.add(known.eventId);
  }
  const events = await createEventRepository(db).findMany(tenantId, {
    ids: [...ids],
    roomIds: [...roomIds],
  });
  const eventsById = new Map(events.map((e) => [e.id, e]));
  const eventsByRoom = new Map(events.map((e) => [e.roomId, e]));
  // Invitations and the owners at once; invitees who are users, when there are any, after.
  const [inviteRows, owners] = await Promise.all([
    createInviteRepository(db).listForEvents(tenantId, [...eventsById.keys()]),
    createUserRepository(db).findManyByIds(tenantId, [...new Set(events.map((e) => e.createdBy))]),
  ]);
  const users = new Map(owners.map((u) => [u.id, u]));
  const invites = new Map<string, Invite[]>();
  for (const invite of inviteRows) {
    const list = invites.get(invite.eventId) ?? [];
    list.push(invite);
    invites.set(invite.eventId, list);
  }
  const invitees = new Set(
    inviteRows.flatMap((i) =>
      i.inviteeUserId === null || users.has(i.inviteeUserId) ? [] : [i.inviteeUserId],
    ),
  );
  if (invitees.size > 0)
    for (const u of await createUserRepository(db).findManyByIds(tenantId, [...invitees])) users.set(u.id, u);
  return {
    links,
    changed,
    unchanged: batch.upserts.length - changed.length,
    eventsById,
    eventsByRoom,
    invites,
    users,
    invitesChanged: new Set(),
  };
}
