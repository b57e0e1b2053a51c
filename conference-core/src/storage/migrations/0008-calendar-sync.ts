import { sql, type Kysely } from 'kysely';

/**
 * Calendar sync (issue 14, decision 0020).
 *
 * - `calendar_sync_state`: per connector instance, the cursor of its calendars capability (Graph
 *   delta links per mailbox) and its push state (subscriptions with their client states, sealed
 *   by the hub like settings secrets).
 * - `calendar_item_links`: which upstream item (calendar + external id) is linked to which core event
 *   and, for an occurrence, which original start; removals only carry the external id.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('calendar_sync_state')
    .addColumn('tenant_id', 'uuid', (col) => col.notNull())
    .addColumn('instance_id', 'uuid', (col) => col.notNull())
    .addColumn('cursor', 'jsonb')
    .addColumn('push_state', 'text')
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('calendar_sync_state_pkey', ['tenant_id', 'instance_id'])
    .addForeignKeyConstraint(
      'calendar_sync_state_instance_fkey',
      ['tenant_id', 'instance_id'],
      'connector_instances',
      ['tenant_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createTable('calendar_item_links')
    .addColumn('tenant_id', 'uuid', (col) => col.notNull())
    .addColumn('instance_id', 'uuid', (col) => col.notNull())
    .addColumn('calendar', 'text', (col) => col.notNull())
    .addColumn('external_id', 'text', (col) => col.notNull())
    .addColumn('event_id', 'uuid', (col) => col.notNull())
    .addColumn('instance_start', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('calendar_item_links_pkey', [
      'tenant_id',
      'instance_id',
      'calendar',
      'external_id',
    ])
    .addForeignKeyConstraint(
      'calendar_item_links_instance_fkey',
      ['tenant_id', 'instance_id'],
      'connector_instances',
      ['tenant_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .addForeignKeyConstraint(
      'calendar_item_links_event_fkey',
      ['tenant_id', 'event_id'],
      'events',
      ['tenant_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
}
