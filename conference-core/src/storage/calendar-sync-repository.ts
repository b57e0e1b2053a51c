import { sql } from 'kysely';

import type { JsonValue } from '../json.js';
import { jsonb } from './jsonb.js';
import { allUuids, inTransaction, type Db } from './repository-support.js';

export interface CalendarSyncState {
  readonly cursor: JsonValue | null;
  /** Sealed by the hub. */
  readonly pushState: string | null;
}

export interface CalendarLinkRow {
  readonly calendar: string;
  readonly externalId: string;
  readonly eventId: string;
  readonly instanceStart: Date | null;
  /** Hash of the upstream item as last applied; null when unknown (stored before migration 0011). */
  readonly fingerprint?: string | null;
}

export interface CalendarItemKey {
  readonly calendar: string;
  readonly externalId: string;
}

/** Rows per statement: keeps the bind parameters of one multi-row statement well below the limit. */
const chunkSize = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += chunkSize) out.push(items.slice(i, i + chunkSize));
  return out;
}

/** Where the hub keeps a connector instance's calendar cursor, push state and item links. */
export interface CalendarSyncRepository {
  state(tenantId: string, instanceId: string): Promise<CalendarSyncState>;
  saveCursor(tenantId: string, instanceId: string, cursor: JsonValue): Promise<void>;
  savePushState(tenantId: string, instanceId: string, pushState: string | null): Promise<void>;
  findLink(
    tenantId: string,
    instanceId: string,
    calendar: string,
    externalId: string,
  ): Promise<CalendarLinkRow | undefined>;
  saveLink(tenantId: string, instanceId: string, link: CalendarLinkRow): Promise<void>;
  removeLink(tenantId: string, instanceId: string, calendar: string, externalId: string): Promise<void>;
  /** The links of many items in one round trip (per 500): what a calendar batch needs up front. */
  findLinks(
    tenantId: string,
    instanceId: string,
    keys: readonly CalendarItemKey[],
  ): Promise<CalendarLinkRow[]>;
  /** Inserts or replaces many links in one statement (per 500). */
  saveLinks(tenantId: string, instanceId: string, links: readonly CalendarLinkRow[]): Promise<void>;
  removeLinks(tenantId: string, instanceId: string, keys: readonly CalendarItemKey[]): Promise<void>;
  /**
   * What one applied calendar batch leaves: its links saved and removed, and its cursor, in one
   * transaction committed without waiting for the WAL flush. A crash that loses it loses it
   * whole, and the batch is read and applied again (nothing in it is lost for good).
   */
  saveBatch(
    tenantId: string,
    instanceId: string,
    batch: {
      readonly save: readonly CalendarLinkRow[];
      readonly remove: readonly CalendarItemKey[];
      readonly cursor: JsonValue;
    },
  ): Promise<void>;
}

export function createCalendarSyncRepository(db: Db): CalendarSyncRepository {
  const upsertState = async (
    tenantId: string,
    instanceId: string,
    values: { cursor?: JsonValue; push_state?: string | null },
  ) => {
    await db
      .insertInto('calendar_sync_state')
      .values({
        tenant_id: tenantId,
        instance_id: instanceId,
        cursor: values.cursor === undefined ? null : jsonb(values.cursor),
        push_state: values.push_state ?? null,
      })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'instance_id']).doUpdateSet({
          ...(values.cursor !== undefined && { cursor: jsonb(values.cursor) }),
          ...(values.push_state !== undefined && { push_state: values.push_state }),
          updated_at: sql<Date>`now()`,
        }),
      )
      .execute();
  };
  return {
    async state(tenantId, instanceId) {
      if (!allUuids(tenantId, instanceId)) return { cursor: null, pushState: null };
      const row = await db
        .selectFrom('calendar_sync_state')
        .select(['cursor', 'push_state'])
        .where('tenant_id', '=', tenantId)
        .where('instance_id', '=', instanceId)
        .executeTakeFirst();
      return { cursor: row?.cursor ?? null, pushState: row?.push_state ?? null };
    },
    saveCursor: (tenantId, instanceId, cursor) => upsertState(tenantId, instanceId, { cursor }),
    savePushState: (tenantId, instanceId, pushState) =>
      upsertState(tenantId, instanceId, { push_state: pushState }),
    async findLink(tenantId, instanceId, calendar, externalId) {
      const row = await db
        .selectFrom('calendar_item_links')
        .select(['calendar', 'external_id', 'event_id', 'instance_start'])
        .where('tenant_id', '=', tenantId)
        .where('instance_id', '=', instanceId)
        .where('calendar', '=', calendar)
        .where('external_id', '=', externalId)
        .executeTakeFirst();
      return row === undefined
        ? undefined
        : {
            calendar: row.calendar,
            externalId: row.external_id,
            eventId: row.event_id,
            instanceStart: row.instance_start,
          };
    },
    async saveLink(tenantId, instanceId, link) {
      await this.saveLinks(tenantId, instanceId, [link]);
    },
    async removeLink(tenantId, instanceId, calendar, externalId) {
      await db
        .deleteFrom('calendar_item_links')
        .where('tenant_id', '=', tenantId)
        .where('instance_id', '=', instanceId)
        .where('calendar', '=', calendar)
        .where('external_id', '=', externalId)
        .execute();
    },
    async findLinks(tenantId, instanceId, keys) {
      if (!allUuids(tenantId, instanceId) || keys.length === 0) return [];
      const found: CalendarLinkRow[] = [];
      for (const part of chunks(keys)) {
        // Two plain IN lists walk the primary key (tenant, instance, calendar, ...); a list of
        // (calendar, external id) pairs becomes an OR per pair that PostgreSQL scans the table
        // for. The few extra rows the lists let through are dropped here.
        const wanted = new Set(part.map((k) => `${k.calendar}\n${k.externalId}`));
        const rows = await db
          .selectFrom('calendar_item_links')
          .select(['calendar', 'external_id', 'event_id', 'instance_start', 'fingerprint'])
          .where('tenant_id', '=', tenantId)
          .where('instance_id', '=', instanceId)
          .where('calendar', 'in', [...new Set(part.map((k) => k.calendar))])
          .where('external_id', 'in', [...new Set(part.map((k) => k.externalId))])
          .execute();
        for (const row of rows) {
          if (!wanted.has(`${row.calendar}\n${row.external_id}`)) continue;
          found.push({
            calendar: row.calendar,
            externalId: row.external_id,
            eventId: row.event_id,
            instanceStart: row.instance_start,
            fingerprint: row.fingerprint,
          });
        }
      }
      return found;
    },
    async saveLinks(tenantId, instanceId, links) {
      // One statement cannot touch a row twice (ON CONFLICT): the last link of a key wins.
      const unique = new Map(links.map((l) => [`${l.calendar}\n${l.externalId}`, l]));
      for (const part of chunks([...unique.values()])) {
        await db
          .insertInto('calendar_item_links')
          .values(
            part.map((link) => ({
              tenant_id: tenantId,
              instance_id: instanceId,
              calendar: link.calendar,
              external_id: link.externalId,
              event_id: link.eventId,
              instance_start: link.instanceStart,
              fingerprint: link.fingerprint ?? null,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['tenant_id', 'instance_id', 'calendar', 'external_id']).doUpdateSet((eb) => ({
              event_id: eb.ref('excluded.event_id'),
              instance_start: eb.ref('excluded.instance_start'),
              fingerprint: eb.ref('excluded.fingerprint'),
              updated_at: sql<Date>`now()`,
            })),
          )
          .execute();
      }
    },
    async saveBatch(tenantId, instanceId, batch) {
      await inTransaction(db, async (trx) => {
        await sql`set local synchronous_commit = off`.execute(trx);
        const repository = createCalendarSyncRepository(trx);
        await repository.saveLinks(tenantId, instanceId, batch.save);
        await repository.removeLinks(tenantId, instanceId, batch.remove);
        await repository.saveCursor(tenantId, instanceId, batch.cursor);
      });
    },
    async removeLinks(tenantId, instanceId, keys) {
      if (!allUuids(tenantId, instanceId)) return;
      for (const part of chunks(keys)) {
        await db
          .deleteFrom('calendar_item_links')
          .where('tenant_id', '=', tenantId)
          .where('instance_id', '=', instanceId)
          .where((eb) =>
            eb(
              eb.refTuple('calendar', 'external_id'),
              'in',
              part.map((k) => eb.tuple(k.calendar, k.externalId)),
            ),
          )
          .execute();
      }
    },
  };
}
