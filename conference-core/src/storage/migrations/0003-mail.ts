import { sql, type Kysely } from 'kysely';

/**
 * Invitation mail: one row per rendered message (the delivery record that makes sending
 * idempotent and lets a restarted hub finish what a crash interrupted), and one row per outbox
 * message whose mails were planned.
 *
 * Keys start with the tenant, like every other table: a Message-ID (derived from event, revision,
 * recipient and kind) or an outbox id of one tenant can never collide with or reveal another's.
 * The raw RFC 5322 message is kept as text: nodemailer encodes every header and body part to
 * 7-bit ASCII.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mail_deliveries')
    .addColumn('tenant_id', 'uuid', (col) => col.notNull().references('tenants.id'))
    .addColumn('message_id', 'text', (col) => col.notNull())
    // No foreign key: a cancellation mail outlives the event it cancels.
    .addColumn('event_id', 'uuid', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('recipient', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('sender', 'text', (col) => col.notNull())
    .addColumn('raw', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('transport', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .addPrimaryKeyConstraint('mail_deliveries_pkey', ['tenant_id', 'message_id'])
    .addCheckConstraint('mail_deliveries_kind', sql`kind in ('invite', 'update', 'cancel', 'uninvite')`)
    .addCheckConstraint('mail_deliveries_status', sql`status in ('pending', 'sent', 'dead')`)
    .execute();
  await db.schema
    .createIndex('mail_deliveries_tenant_status')
    .on('mail_deliveries')
    .columns(['tenant_id', 'status', 'updated_at'])
    .execute();
  // The start-up sweep looks only at unfinished mail.
  await sql`create index mail_deliveries_pending on mail_deliveries (created_at)
    where status = 'pending'`.execute(db);

  await db.schema
    .createTable('mail_plans')
    .addColumn('tenant_id', 'uuid', (col) => col.notNull().references('tenants.id'))
    .addColumn('outbox_id', 'bigint', (col) => col.notNull())
    .addColumn('messages', 'integer', (col) => col.notNull())
    .addColumn('planned_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('mail_plans_pkey', ['tenant_id', 'outbox_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('mail_plans').execute();
  await db.schema.dropTable('mail_deliveries').execute();
}
