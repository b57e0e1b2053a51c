import { sql, type Kysely } from 'kysely';

/**
 * Calendar connectors (issue 16, decision 0021): which upstream appointment became which meeting.
 *
 * - `calendar_links`: one row per (connector instance, appointment). It is inserted in the same
 *   transaction that creates the meeting, so a crash can never leave a meeting without its link
 *   (the next poll would create a second one). `content_hash` is the appointment as last applied
 *   (an unchanged re-read does nothing); `written_hash` the access details last written back (a
 *   crash before the write-back is finished by the next poll; a write is never repeated).
 * - `calendar_poll_state`: the poll cursor per instance, stored after each applied batch.
 * - `calendar_push_deliveries`: delivery ids of signed push hints already accepted (replays refused).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('calendar_links')
    .addColumn('tenant_id', 'uuid', (col) => col.notNull())
    .addColumn('instance_id', 'uuid', (col) => col.notNull())
    .addColumn('external_id', 'text', (col) => col.notNull())
    .addColumn('event_id', 'uuid', (col) => col.notNull())
    .addColumn('organizer_id', 'uuid', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull().defaultTo('active'))
    .addColumn('content_hash', 'text', (col) => col.notNull())
    .addColumn('written_hash', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('calendar_links_pkey', ['instance_id', 'external_id'])
    .addForeignKeyConstraint(
      'calendar_links_instance_fkey',
      ['instance_id'],
      'connector_instances',
      ['id'],
      (fk) => fk.onDelete('cascade'),
    )
    .addCheckConstraint('calendar_links_state', sql`state in ('active', 'cancelled')`)
    .execute();
  await sql`create index calendar_links_event on calendar_links (tenant_id, event_id)`.execute(db);

  await db.schema
    .createTable('calendar_poll_state')
    .addColumn('instance_id', 'uuid', (col) =>
      col.primaryKey().references('connector_instances.id').onDelete('cascade'),
    )
    .addColumn('tenant_id', 'uuid', (col) => col.notNull())
    .addColumn('cursor', 'jsonb')
    .addColumn('polled_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .execute();

  await db.schema
    .createTable('calendar_push_deliveries')
    .addColumn('instance_id', 'uuid', (col) =>
      col.notNull().references('connector_instances.id').onDelete('cascade'),
    )
    .addColumn('delivery_id', 'text', (col) => col.notNull())
    .addColumn('received_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('calendar_push_deliveries_pkey', ['instance_id', 'delivery_id'])
    .execute();
}
