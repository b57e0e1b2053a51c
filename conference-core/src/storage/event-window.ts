import { sql, type RawBuilder, type Selectable } from 'kysely';
import {
  assertPageSize,
  decodeCursor,
  encodeCursor,
  exactInstant,
  isUuid,
  type Db,
} from './repository-support.js';
import type { EventsTable } from './schema.js';

/** Which events `listOverlapping` returns; see `EventRepository.listOverlapping`. */
export interface EventWindowQuery {
  /** The window is [from, to). */
  readonly from: Date;
  readonly to: Date;
  /** Only events this user created or is invited to as a registered user. */
  readonly userId?: string | undefined;
  /** Also time-independent events (permanent rooms), which overlap every window; listed last. */
  readonly includeTimeIndependent?: boolean | undefined;
  readonly cursor?: string | undefined;
  readonly limit: number;
}

const LISTING = 'events-window';

/**
 * Must equal the interval in the partial index `events_tenant_long` (migration 0002): single
 * events up to this long are found by their start, everything longer by `window_end`.
 */
const LONG_EVENT = sql`interval '1 day'`;

/**
 * One page of the window query, ordered by start (time-independent events last), then id.
 *
 * Candidate ids come first, from branches that each ride an index and never read the tenant's
 * history (see the migration's comment on the event indexes); then the page is cut from them by
 * keyset and only its rows are read. So a page costs about the number of events in the window
 * (one user's: the index entries of their own events and invitations that end after `from`,
 * decision 0032), not the size of the tenant.
 */
export async function windowPage(
  db: Db,
  tenantId: string,
  query: EventWindowQuery,
): Promise<{ rows: Selectable<EventsTable>[]; nextCursor?: string }> {
  const statement = windowPageQuery(tenantId, query);
  if (statement === undefined) return { rows: [] };
  const { rows } = await statement.execute(db);
  const { limit } = query;
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return {
    rows: rows.slice(0, limit).map(({ position_at: _, ...row }) => row),
    ...(last && { nextCursor: encodeCursor(LISTING, { at: last.position_at, id: last.id }) }),
  };
}

/**
 * The statement of one page (`limit + 1` rows, the last only tells that more follow), or
 * undefined when no event can match. Separate so the API bench can EXPLAIN what runs.
 */
export function windowPageQuery(
  tenantId: string,
  query: EventWindowQuery,
): RawBuilder<Selectable<EventsTable> & { position_at: string | null }> | undefined {
  const { from, to, userId, limit } = query;
  assertPageSize(limit);
  if (!(from.getTime() < to.getTime())) {
    throw new RangeError(
      `the window must start before it ends: [${from.toISOString()}, ${to.toISOString()})`,
    );
  }
  const after = query.cursor === undefined ? undefined : decodeCursor(LISTING, query.cursor);
  if (!isUuid(tenantId) || (userId !== undefined && !isUuid(userId))) return undefined;

  const timeIndependent = query.includeTimeIndependent === true;
  const branches =
    userId === undefined
      ? tenantBranches(tenantId, from, to, timeIndependent)
      : userBranches(tenantId, userId, from, to, timeIndependent);
  const position =
    after === undefined
      ? sql`true`
      : after.at === null
        ? sql`starts_at is null and id > ${after.id}::uuid`
        : sql`(starts_at > ${after.at}::timestamptz
               or (starts_at = ${after.at}::timestamptz and id > ${after.id}::uuid)
               or starts_at is null)`;

  return sql<Selectable<EventsTable> & { position_at: string | null }>`
    with candidates as materialized (${sql.join(branches, sql` union `)}),
    page as (
      select id, starts_at from candidates where ${position}
      order by starts_at asc nulls last, id limit ${limit + 1}
    )
    select e.*, ${exactInstant('e.starts_at')} as position_at
    from page join events e on e.tenant_id = ${tenantId}::uuid and e.id = page.id
    order by e.starts_at asc nulls last, e.id`;
}

function tenantBranches(
  tenantId: string,
  from: Date,
  to: Date,
  timeIndependent: boolean,
): RawBuilder<unknown>[] {
  const branches = [
    // The OR adds nothing logically (a short event that ends after `from` starts after
    // `from - 1 day`); it lets the planner read two bounded index ranges instead of one unbounded.
    sql`select id, starts_at from events
        where tenant_id = ${tenantId}::uuid and ${overlaps('events.starts_at', 'events.window_end', from, to)}
          and (starts_at >= ${from}::timestamptz - ${LONG_EVENT}
               or cardinality(recurrence) > 0 or ends_at - starts_at > ${LONG_EVENT})`,
    movedIntoWindow(tenantId, from, to, sql`true`),
  ];
  if (timeIndependent) {
    branches.push(
      sql`select id, starts_at from events where tenant_id = ${tenantId}::uuid and is_time_independent`,
    );
  }
  return branches;
}

function userBranches(
  tenantId: string,
  userId: string,
  from: Date,
  to: Date,
  timeIndependent: boolean,
): RawBuilder<unknown>[] {
  const invited = (event: string) => sql`exists (
    select 1 from event_invites i
    where i.tenant_id = ${tenantId}::uuid and i.event_id = ${sql.ref(`${event}.id`)}
      and i.invitee_user_id = ${userId}::uuid)`;
  const mine = (condition: RawBuilder<unknown>) =>
    sql`select id, starts_at from events
        where tenant_id = ${tenantId}::uuid and created_by = ${userId}::uuid and ${condition}`;
  // The invitation's copy of its event's times (migration 0012) makes this an index range over the
  // user's invitations instead of one probe into events per invitation they ever had.
  const invitedTo = (condition: RawBuilder<unknown>) =>
    sql`select i.event_id as id, i.event_starts_at as starts_at from event_invites i
        where i.tenant_id = ${tenantId}::uuid and i.invitee_user_id = ${userId}::uuid and ${condition}`;
  const branches = [
    mine(overlaps('events.starts_at', 'events.window_end', from, to)),
    invitedTo(overlaps('i.event_starts_at', 'i.event_window_end', from, to)),
    movedIntoWindow(tenantId, from, to, sql`(e.created_by = ${userId}::uuid or ${invited('e')})`),
  ];
  // Separate branches, not an OR: with one, the planner may read all of a user's invitations.
  if (timeIndependent) {
    branches.push(mine(sql`window_end is null`), invitedTo(sql`i.event_window_end is null`));
  }
  return branches;
}

/** The span of a timed event (a whole series for a recurring one) overlaps [from, to). */
function overlaps(startsAt: string, windowEnd: string, from: Date, to: Date): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(startsAt)} < ${to}::timestamptz and ${sql.ref(windowEnd)} > ${from}::timestamptz)`;
}

/**
 * Series with an occurrence moved into the window from outside the series' own span (a first
 * occurrence moved earlier, a last one later). Rare rows, on their own partial index.
 */
function movedIntoWindow(
  tenantId: string,
  from: Date,
  to: Date,
  visible: RawBuilder<unknown>,
): RawBuilder<unknown> {
  return sql`select e.id, e.starts_at from event_exceptions x
    join events e on e.tenant_id = x.tenant_id and e.id = x.event_id
    where x.tenant_id = ${tenantId}::uuid and x.starts_at is not null
      and x.ends_at >= ${from}::timestamptz and x.starts_at < ${to}::timestamptz and ${visible}`;
}
