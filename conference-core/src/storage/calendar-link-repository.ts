import { sql, type Selectable } from 'kysely';

import type { JsonValue } from '../json.js';
import { jsonb } from './jsonb.js';
import { allUuids, type Db } from './repository-support.js';
import type { CalendarLinksTable } from './schema.js';

/** An upstream appointment and the meeting made for it. */
export interface CalendarLink {
  readonly tenantId: string;
  readonly instanceId: string;
  readonly externalId: string;
  readonly eventId: string;
  readonly organizerId: string;
  readonly state: 'active' | 'cancelled';
  /** The appointment as last applied; an unchanged re-read does nothing. */
  readonly contentHash: string;
  /** The access details last written back upstream, null until the first write-back. */
  readonly writtenHash: string | null;
}

export type CalendarLinkPatch = Partial<
  Pick<CalendarLink, 'eventId' | 'organizerId' | 'state' | 'contentHash' | 'writtenHash'>
>;

export interface CalendarLinkRepository {
  find(tenantId: string, instanceId: string, externalId: string): Promise<CalendarLink | undefined>;
  /** False when the appointment is linked already (a concurrent apply won). */
  insert(link: Omit<CalendarLink, 'state' | 'writtenHash'>): Promise<boolean>;
  update(tenantId: string, instanceId: string, externalId: string, patch: CalendarLinkPatch): Promise<void>;
  readCursor(tenantId: string, instanceId: string): Promise<JsonValue | null>;
  /** Stores the cursor after an applied batch. */
  saveCursor(tenantId: string, instanceId: string, cursor: JsonValue): Promise<void>;
  /** Records why the last poll stopped (the cursor stays where it was). */
  recordError(tenantId: string, instanceId: string, error: string): Promise<void>;
  /** Records a push delivery id; false when it was seen before (a replay). Forgets old ones. */
  acceptDelivery(instanceId: string, deliveryId: string, forgetBefore: Date): Promise<boolean>;
}

function toLink(row: Selectable<CalendarLinksTable>): CalendarLink {
  return {
    tenantId: row.tenant_id,
    instanceId: row.instance_id,
    externalId: row.external_id,
    eventId: row.event_id,
    organizerId: row.organizer_id,
    state: row.state,
    contentHash: row.content_hash,
    writtenHash: row.written_hash,
  };
}

export function createCalendarLinkRepository(db: Db): CalendarLinkRepository {
  return {
    async find(tenantId, instanceId, externalId) {
      if (!allUuids(tenantId, instanceId)) return undefined;
      const row = await db
        .selectFrom('calendar_links')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('instance_id', '=', instanceId)
        .where('external_id', '=', externalId)
        .executeTakeFirst();
      return row === undefined ? undefined : toLink(row);
    },

    async insert(link) {
      const inserted = await db
        .insertInto('calendar_links')
        .values({
          tenant_id: link.tenantId,
          instance_id: link.instanceId,
          external_id: link.externalId,
          event_id: link.eventId,
          organizer_id: link.organizerId,
          content_hash: link.contentHash,
        })
        .onConflict((oc) => oc.doNothing())
        .returning('event_id')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    async update(tenantId, instanceId, externalId, patch) {
      await db
        .updateTable('calendar_links')
        .set({
          ...(patch.eventId !== undefined && { event_id: patch.eventId }),
          ...(patch.organizerId !== undefined && { organizer_id: patch.organizerId }),
          ...(patch.state !== undefined && { state: patch.state }),
          ...(patch.contentHash !== undefined && { content_hash: patch.contentHash }),
          ...(patch.writtenHash !== undefined && { written_hash: patch.writtenHash }),
          updated_at: sql<Date>`now()`,
        })
        .where('tenant_id', '=', tenantId)
        .where('instance_id', '=', instanceId)
        .where('external_id', '=', externalId)
        .execute();
    },

    async readCursor(tenantId, instanceId) {
      if (!allUuids(tenantId, instanceId)) return null;
      const row = await db
        .selectFrom('calendar_poll_state')
        .select('cursor')
        .where('tenant_id', '=', tenantId)
        .where('instance_id', '=', instanceId)
        .executeTakeFirst();
      return row?.cursor ?? null;
    },

    async saveCursor(tenantId, instanceId, cursor) {
      const values = { cursor: jsonb(cursor), polled_at: sql<Date>`now()`, last_error: null };
      await db
        .insertInto('calendar_poll_state')
        .values({ tenant_id: tenantId, instance_id: instanceId, ...values })
        .onConflict((oc) => oc.column('instance_id').doUpdateSet(values))
        .execute();
    },

    async recordError(tenantId, instanceId, error) {
      const values = { polled_at: sql<Date>`now()`, last_error: error };
      await db
        .insertInto('calendar_poll_state')
        .values({ tenant_id: tenantId, instance_id: instanceId, cursor: null, ...values })
        .onConflict((oc) => oc.column('instance_id').doUpdateSet(values))
        .execute();
    },

    async acceptDelivery(instanceId, deliveryId, forgetBefore) {
      await db.deleteFrom('calendar_push_deliveries').where('received_at', '<', forgetBefore).execute();
      const inserted = await db
        .insertInto('calendar_push_deliveries')
        .values({ instance_id: instanceId, delivery_id: deliveryId })
        .onConflict((oc) => oc.doNothing())
        .returning('delivery_id')
        .executeTakeFirst();
      return inserted !== undefined;
    },
  };
}
