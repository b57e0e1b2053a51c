import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DatabaseHandle } from './database.js';
import { createDialInRepository, type DialIn } from './dial-in-repository.js';
import { createEventExceptionRepository } from './event-exception-repository.js';
import { createEventRepository, type NewEvent, type ScheduledEvent } from './event-repository.js';
import { createGroupRepository, type Group } from './group-repository.js';
import { createGuestLinkRepository, type GuestLink } from './guest-link-repository.js';
import { createInviteRepository } from './invite-repository.js';
import { createRoomRepository, type Room } from './room-repository.js';
import { createCalendarFeedRepository } from './calendar-feed-repository.js';
import type { DatabaseSchema } from './schema.js';
import { createTenantRepository } from './tenant-repository.js';
import { createUserRepository, type NewUser, type User } from './user-repository.js';

/** Test data builders for the scheduling contract; every name is random so tests never collide. */

export interface SchedulingContext {
  readonly db: () => Kysely<DatabaseSchema>;
  readonly kind: () => DatabaseHandle['kind'];
}

export const hour = 3_600_000;
export const day = 24 * hour;
/** A fixed Monday 00:00 UTC that the window tests lay their events around. */
export const monday = new Date('2031-03-03T00:00:00.000Z');
export const at = (offsetMs: number): Date => new Date(monday.getTime() + offsetMs);

export const token = (): string => randomBytes(4).toString('hex');
export const feedHash = (): string => createHash('sha256').update(randomBytes(16)).digest('hex');

export async function newTenant(db: Kysely<DatabaseSchema>): Promise<string> {
  const created = await createTenantRepository(db).create({ slug: `sched-${token()}`, name: 'Scheduling' });
  if (!created.ok) throw new Error('expected the tenant to be created');
  return created.tenant.id;
}

export async function newUser(
  db: Kysely<DatabaseSchema>,
  tenantId: string,
  user: Partial<NewUser> = {},
): Promise<User> {
  const name = token();
  const created = await createUserRepository(db).create(tenantId, {
    email: `${name}@example.org`,
    displayName: `User ${name}`,
    ...user,
  });
  if (!created.ok) throw new Error(`expected the user to be created, got ${created.reason}`);
  return created.user;
}

export async function newRoom(db: Kysely<DatabaseSchema>, tenantId: string, ownerId: string): Promise<Room> {
  const created = await createRoomRepository(db).create(tenantId, { ownerId });
  if (!created.ok) throw new Error(`expected the room to be created, got ${created.reason}`);
  return created.room;
}

/** A room and its event; a one-hour meeting at `monday` unless `event` says otherwise. */
export async function newEvent(
  db: Kysely<DatabaseSchema>,
  tenantId: string,
  createdBy: string,
  event: Partial<Omit<NewEvent, 'roomId' | 'createdBy'>> = {},
): Promise<ScheduledEvent> {
  const room = await newRoom(db, tenantId, createdBy);
  const timed = event.isTimeIndependent !== true;
  const created = await createEventRepository(db).create(tenantId, {
    roomId: room.id,
    createdBy,
    title: 'Weekly sync',
    ...(timed && { startsAt: monday, endsAt: at(hour), timeZone: 'Europe/Berlin' }),
    ...event,
  });
  if (!created.ok) throw new Error(`expected the event to be created, got ${created.reason}`);
  return created.event;
}

/** One of everything, for the tenant isolation tests. */
export interface SeededTenant {
  readonly tenantId: string;
  readonly owner: User;
  readonly invitee: User;
  readonly identity: { readonly source: string; readonly externalId: string };
  readonly group: Group & { readonly source: string; readonly externalId: string };
  readonly room: Room;
  readonly event: ScheduledEvent;
  readonly instanceStart: Date;
  readonly inviteEmail: string;
  readonly guestLink: GuestLink;
  readonly dialIn: DialIn;
  readonly feedHash: string;
}

export async function seedTenant(db: Kysely<DatabaseSchema>): Promise<SeededTenant> {
  const tenantId = await newTenant(db);
  const owner = await newUser(db, tenantId, { givenName: 'Seeded', familyName: 'Owner' });
  const invitee = await newUser(db, tenantId);
  const identity = { source: 'ucs', externalId: `entry-${token()}` };
  await createUserRepository(db).linkIdentity(tenantId, owner.id, identity.source, identity.externalId);
  const upserted = await createGroupRepository(db).upsert(tenantId, {
    name: `staff-${token()}`,
    source: 'ucs',
    externalId: `group-${token()}`,
  });
  if (!upserted.ok) throw new Error('expected the group to be created');
  const group = { ...upserted.group, source: 'ucs', externalId: upserted.group.externalId ?? '' };
  await createGroupRepository(db).setMembers(tenantId, group.id, [owner.id, invitee.id]);
  const event = await newEvent(db, tenantId, owner.id, { recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO,WE'] });
  const instanceStart = at(7 * day);
  await createEventExceptionRepository(db).upsert(tenantId, event.id, instanceStart, {
    kind: 'modified',
    title: 'Moved',
    startsAt: at(7 * day + 2 * hour),
    endsAt: at(7 * day + 3 * hour),
  });
  const inviteEmail = `guest-${token()}@example.com`;
  const invites = createInviteRepository(db);
  await invites.add(tenantId, event.id, {
    invitee: { userId: invitee.id },
    role: 'user',
    createdBy: owner.id,
  });
  await invites.add(tenantId, event.id, {
    invitee: { email: inviteEmail },
    role: 'guest',
    createdBy: owner.id,
  });
  const link = await createGuestLinkRepository(db).create(tenantId, event.roomId, { createdBy: owner.id });
  const dialIn = await createDialInRepository(db).assign(tenantId, event.roomId, { pin: '123456' });
  const hash = feedHash();
  await createCalendarFeedRepository(db).setTokenHash(tenantId, owner.id, hash);
  if (!link.ok || !dialIn.ok) throw new Error('expected the guest link and dial-in to be created');
  const room = await createRoomRepository(db).findById(tenantId, event.roomId);
  return {
    tenantId,
    owner,
    invitee,
    identity,
    group,
    room: room!,
    event,
    instanceStart,
    inviteEmail,
    guestLink: link.link,
    dialIn: dialIn.dialIn,
    feedHash: hash,
  };
}

const TENANT_TABLES = [
  'users',
  'user_identities',
  'groups',
  'group_memberships',
  'rooms',
  'events',
  'event_exceptions',
  'event_invites',
  'guest_links',
  'dial_in',
  'outbox',
  'calendar_feed_tokens',
  'mail_deliveries',
  'mail_plans',
  'connector_instances',
  'sync_runs',
  'sync_run_marks',
  'sync_run_skipped',
  'connector_audit_log',
] as const;

/** Every row of the tenant in every scheduling table, to compare before and after. */
export async function tenantSnapshot(db: Kysely<DatabaseSchema>, tenantId: string): Promise<unknown> {
  const snapshot: Record<string, unknown> = {};
  for (const table of TENANT_TABLES) {
    const { rows } = await sql`select to_jsonb(t) as row from ${sql.table(table)} t
      where tenant_id = ${tenantId} order by to_jsonb(t)`.execute(db);
    snapshot[table] = rows;
  }
  return snapshot;
}

export async function count(
  db: Kysely<DatabaseSchema>,
  table: (typeof TENANT_TABLES)[number],
  tenantId: string,
) {
  const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}
    where tenant_id = ${tenantId}`.execute(db);
  return rows[0]?.n ?? 0;
}
