import { sql, type Selectable } from 'kysely';
import { windowPage, type EventWindowQuery } from './event-window.js';
import { allUuids, firstMissing, isUuid, type Db, type Page } from './repository-support.js';
import type { EventsTable } from './schema.js';

export type { EventWindowQuery } from './event-window.js';

/** A meeting. Named so because `Event` is a global of Node and the DOM. */
export interface ScheduledEvent {
  readonly id: string;
  readonly tenantId: string;
  readonly roomId: string;
  readonly createdBy: string;
  readonly title: string;
  readonly description: string;
  readonly isTimeIndependent: boolean;
  readonly isAllDay: boolean;
  readonly isAdhoc: boolean;
  /** Null exactly when time independent; the first occurrence of a series. */
  readonly startsAt: Date | null;
  readonly endsAt: Date | null;
  /** IANA name the times (and a series' rule) are meant in. */
  readonly timeZone: string | null;
  /** RRULE, RDATE and EXDATE lines; empty for a single event. */
  readonly recurrence: string[];
  /**
   * End of the last occurrence of a finite series by its rule and RDATEs (occurrences an exception
   * moved are found through the exception); null for an endless series and for a single event.
   * Computed by the service.
   */
  readonly seriesEndsAt: Date | null;
  /** 1 when created, +1 on every update: the ETag, and the ICS SEQUENCE. */
  readonly revision: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The database checks these limits too; the edge should check them first. */
export const EVENT_TITLE_MAX_LENGTH = 255;
export const EVENT_DESCRIPTION_MAX_LENGTH = 10_000;

export interface NewEvent {
  readonly roomId: string;
  readonly createdBy: string;
  readonly title: string;
  readonly description?: string;
  readonly isTimeIndependent?: boolean;
  readonly isAllDay?: boolean;
  readonly isAdhoc?: boolean;
  readonly startsAt?: Date | null;
  readonly endsAt?: Date | null;
  readonly timeZone?: string | null;
  readonly recurrence?: readonly string[];
  readonly seriesEndsAt?: Date | null;
}

/** Only the fields present change. */
export type EventPatch = Partial<Omit<NewEvent, 'roomId' | 'createdBy'>>;

export type CreateEventResult =
  | { readonly ok: true; readonly event: ScheduledEvent }
  | { readonly ok: false; readonly reason: 'room_not_found' | 'creator_not_found' | 'room_has_event' };

export type UpdateEventResult =
  | { readonly ok: true; readonly event: ScheduledEvent }
  | { readonly ok: false; readonly reason: 'stale_revision'; readonly current: ScheduledEvent }
  | { readonly ok: false; readonly reason: 'not_found' };

export type DeleteEventResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'stale_revision'; readonly current: ScheduledEvent }
  | { readonly ok: false; readonly reason: 'not_found' };

export interface EventRepository {
  /** Room and creator must belong to the tenant; a room carries at most one event. */
  create(tenantId: string, event: NewEvent): Promise<CreateEventResult>;
  findById(tenantId: string, id: string): Promise<ScheduledEvent | undefined>;
  /** The room's event (a room carries at most one); what a live meeting shows as its title. */
  findByRoom(tenantId: string, roomId: string): Promise<ScheduledEvent | undefined>;
  /** Many events at once, by id or by room (ids that are not uuids or not found are left out). */
  findMany(
    tenantId: string,
    keys: { readonly ids: readonly string[]; readonly roomIds: readonly string[] },
  ): Promise<ScheduledEvent[]>;
  /**
   * Applies the patch only if the event still has `expectedRevision`, in one statement, and
   * increments the revision. Of two concurrent updates from the same revision exactly one wins.
   */
  update(
    tenantId: string,
    id: string,
    expectedRevision: number,
    patch: EventPatch,
  ): Promise<UpdateEventResult>;
  /**
   * Deletes the event with its exceptions and invites (not its room: delete the room to remove
   * both). With `expectedRevision`, only if the event still has it.
   */
  delete(tenantId: string, id: string, expectedRevision?: number): Promise<DeleteEventResult>;
  /**
   * Events that may have an occurrence in [from, to): single events overlapping it, series whose
   * span (first start to `seriesEndsAt`, or endless) overlaps it, series with an occurrence moved
   * into it, and, when asked, time-independent ones. The caller expands series and drops those
   * without an occurrence in the window. Ordered by start (time independent last), then id.
   * Throws `InvalidCursorError` for a cursor this listing did not hand out.
   */
  listOverlapping(tenantId: string, query: EventWindowQuery): Promise<Page<ScheduledEvent>>;
}

export function createEventRepository(db: Db): EventRepository {
  const findById = async (tenantId: string, id: string): Promise<ScheduledEvent | undefined> => {
    if (!allUuids(tenantId, id)) return undefined;
    const row = await db
      .selectFrom('events')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toEvent(row);
  };

  const notApplied = async (tenantId: string, id: string) => {
    const current = await findById(tenantId, id);
    return current ? ({ ok: false, reason: 'stale_revision', current } as const) : NOT_FOUND;
  };

  return {
    async findMany(tenantId, keys) {
      const ids = keys.ids.filter(isUuid);
      const roomIds = keys.roomIds.filter(isUuid);
      if (!isUuid(tenantId) || ids.length + roomIds.length === 0) return [];
      const rows = await db
        .selectFrom('events')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where((eb) =>
          eb.or([
            ...(ids.length > 0 ? [eb('id', 'in', ids)] : []),
            ...(roomIds.length > 0 ? [eb('room_id', 'in', roomIds)] : []),
          ]),
        )
        .execute();
      return rows.map(toEvent);
    },
    async findByRoom(tenantId, roomId) {
      if (!allUuids(tenantId, roomId)) return undefined;
      const row = await db
        .selectFrom('events')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('room_id', '=', roomId)
        .executeTakeFirst();
      return row && toEvent(row);
    },
    async create(tenantId, event) {
      const missing = await firstMissing(db, tenantId, [
        ['room_not_found', 'rooms', event.roomId],
        ['creator_not_found', 'users', event.createdBy],
      ]);
      if (missing) return { ok: false, reason: missing };
      const row = await db
        .insertInto('events')
        .values({
          ...eventColumns(event),
          tenant_id: tenantId,
          room_id: event.roomId,
          created_by: event.createdBy,
          title: event.title,
        })
        .onConflict((conflict) => conflict.column('room_id').doNothing())
        .returningAll()
        .executeTakeFirst();
      return row ? { ok: true, event: toEvent(row) } : { ok: false, reason: 'room_has_event' };
    },

    findById,

    async update(tenantId, id, expectedRevision, patch) {
      if (!allUuids(tenantId, id)) return NOT_FOUND;
      // An ETag that is no revision at all matches nothing, like a stale one.
      if (!Number.isSafeInteger(expectedRevision)) return notApplied(tenantId, id);
      const row = await db
        .updateTable('events')
        .set({ ...eventColumns(patch), revision: sql<number>`revision + 1`, updated_at: sql<Date>`now()` })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('revision', '=', expectedRevision)
        .returningAll()
        .executeTakeFirst();
      return row ? { ok: true, event: toEvent(row) } : notApplied(tenantId, id);
    },

    async delete(tenantId, id, expectedRevision) {
      if (!allUuids(tenantId, id)) return NOT_FOUND;
      if (expectedRevision !== undefined && !Number.isSafeInteger(expectedRevision))
        return notApplied(tenantId, id);
      const result = await db
        .deleteFrom('events')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .$if(expectedRevision !== undefined, (query) => query.where('revision', '=', expectedRevision ?? 0))
        .executeTakeFirst();
      return result.numDeletedRows > 0n ? { ok: true } : notApplied(tenantId, id);
    },

    async listOverlapping(tenantId, query) {
      const { rows, nextCursor } = await windowPage(db, tenantId, query);
      return { items: rows.map(toEvent), ...(nextCursor !== undefined && { nextCursor }) };
    },
  };
}

const NOT_FOUND = { ok: false, reason: 'not_found' } as const;

function eventColumns(event: EventPatch) {
  return {
    ...(event.title !== undefined && { title: event.title }),
    ...(event.description !== undefined && { description: event.description }),
    ...(event.isTimeIndependent !== undefined && { is_time_independent: event.isTimeIndependent }),
    ...(event.isAllDay !== undefined && { is_all_day: event.isAllDay }),
    ...(event.isAdhoc !== undefined && { is_adhoc: event.isAdhoc }),
    ...(event.startsAt !== undefined && { starts_at: event.startsAt }),
    ...(event.endsAt !== undefined && { ends_at: event.endsAt }),
    ...(event.timeZone !== undefined && { time_zone: event.timeZone }),
    ...(event.recurrence !== undefined && { recurrence: [...event.recurrence] }),
    ...(event.seriesEndsAt !== undefined && { series_ends_at: event.seriesEndsAt }),
  };
}

function toEvent(row: Selectable<EventsTable>): ScheduledEvent {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    roomId: row.room_id,
    createdBy: row.created_by,
    title: row.title,
    description: row.description,
    isTimeIndependent: row.is_time_independent,
    isAllDay: row.is_all_day,
    isAdhoc: row.is_adhoc,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    timeZone: row.time_zone,
    recurrence: row.recurrence,
    seriesEndsAt: row.series_ends_at,
    revision: row.revision,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
