import { sql, type Selectable } from 'kysely';
import { allUuids, isUuid, type Db } from './repository-support.js';
import type { EventExceptionKind, EventExceptionsTable } from './schema.js';

export type { EventExceptionKind } from './schema.js';

/** One occurrence of a series that differs from the rule: changed, moved or cancelled. */
export interface EventException {
  readonly tenantId: string;
  readonly eventId: string;
  /** The occurrence's original start (its RECURRENCE-ID), whatever it was moved to. */
  readonly instanceStart: Date;
  readonly kind: EventExceptionKind;
  /** Overrides; null keeps the series' value. */
  readonly title: string | null;
  readonly description: string | null;
  readonly startsAt: Date | null;
  readonly endsAt: Date | null;
  readonly isAllDay: boolean | null;
  /** 1 when created, +1 on every upsert of the same occurrence. */
  readonly revision: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/**
 * What the occurrence becomes; it replaces any earlier override of it. A moved occurrence sets
 * both `startsAt` and `endsAt` (the database checks it).
 */
export type ExceptionOverride =
  | { readonly kind: 'cancelled' }
  | {
      readonly kind: 'modified';
      readonly title?: string | null;
      readonly description?: string | null;
      readonly startsAt?: Date | null;
      readonly endsAt?: Date | null;
      readonly isAllDay?: boolean | null;
    };

export type UpsertExceptionResult =
  | { readonly ok: true; readonly exception: EventException }
  | { readonly ok: false; readonly reason: 'event_not_found' };

export interface EventExceptionRepository {
  upsert(
    tenantId: string,
    eventId: string,
    instanceStart: Date,
    override: ExceptionOverride,
  ): Promise<UpsertExceptionResult>;
  /** Ordered by original start. */
  listForEvent(tenantId: string, eventId: string): Promise<EventException[]>;
  /** For a page of events at once; ordered by event id, then original start. */
  listForEvents(tenantId: string, eventIds: readonly string[]): Promise<EventException[]>;
  /** The occurrence follows the rule again. */
  delete(tenantId: string, eventId: string, instanceStart: Date): Promise<boolean>;
}

export function createEventExceptionRepository(db: Db): EventExceptionRepository {
  const listForEvents = async (tenantId: string, eventIds: readonly string[]): Promise<EventException[]> => {
    const ids = eventIds.filter(isUuid);
    if (!isUuid(tenantId) || ids.length === 0) return [];
    const rows = await db
      .selectFrom('event_exceptions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('event_id', '=', sql<string>`any(${ids}::uuid[])`)
      .orderBy('event_id')
      .orderBy('instance_start')
      .execute();
    return rows.map(toException);
  };

  return {
    async upsert(tenantId, eventId, instanceStart, override) {
      if (!allUuids(tenantId, eventId)) return { ok: false, reason: 'event_not_found' };
      const event = await db
        .selectFrom('events')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', eventId)
        .executeTakeFirst();
      if (!event) return { ok: false, reason: 'event_not_found' };
      const modified = override.kind === 'modified' ? override : undefined;
      const values = {
        kind: override.kind,
        title: modified?.title ?? null,
        description: modified?.description ?? null,
        starts_at: modified?.startsAt ?? null,
        ends_at: modified?.endsAt ?? null,
        is_all_day: modified?.isAllDay ?? null,
      };
      const row = await db
        .insertInto('event_exceptions')
        .values({ ...values, tenant_id: tenantId, event_id: event.id, instance_start: instanceStart })
        // The conflicting row has the same event, so it is the same tenant's.
        .onConflict((conflict) =>
          conflict.columns(['event_id', 'instance_start']).doUpdateSet({
            ...values,
            revision: sql<number>`event_exceptions.revision + 1`,
            updated_at: sql<Date>`now()`,
          }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return { ok: true, exception: toException(row) };
    },

    listForEvent: (tenantId, eventId) => listForEvents(tenantId, [eventId]),
    listForEvents,

    async delete(tenantId, eventId, instanceStart) {
      if (!allUuids(tenantId, eventId)) return false;
      const result = await db
        .deleteFrom('event_exceptions')
        .where('tenant_id', '=', tenantId)
        .where('event_id', '=', eventId)
        .where('instance_start', '=', instanceStart)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

function toException(row: Selectable<EventExceptionsTable>): EventException {
  return {
    tenantId: row.tenant_id,
    eventId: row.event_id,
    instanceStart: row.instance_start,
    kind: row.kind,
    title: row.title,
    description: row.description,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    isAllDay: row.is_all_day,
    revision: row.revision,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
