import { sql, type CreateTableBuilder, type Kysely } from 'kysely';

type Table = CreateTableBuilder<string, string>;

/**
 * Directory sync: connector instances per tenant, their runs (state, counters, cursor), what a
 * run saw or was told to delete (the full-run sweep and deferred deactivations), skipped records
 * with reasons, and the audit log of admin changes. Users get `deactivated_by`, naming the
 * identity source that deactivated them, so a sync only ever re-enables the users it disabled
 * itself and retention deletes only those.
 *
 * As in 0002, every reference between tenant rows is a composite `(tenant_id, x_id)` key.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('deactivated_by', 'text').execute();
  await sql`create index users_deactivated_by on users (disabled_at) where deactivated_by is not null`.execute(
    db,
  );

  await tenantTable(db, 'connector_instances')
    .addColumn('connector_type', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('enabled', 'boolean', (col) => col.notNull().defaultTo(true))
    // Non-secret settings as given; secret ones only as ciphertext (the hub encrypts them).
    .addColumn('settings', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('secrets', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('incremental_every_ms', 'integer')
    .addColumn('full_cron', 'text')
    .addColumn('guard_share', 'real', (col) => col.notNull().defaultTo(0.1))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('connector_instances_tenant_id_id_key', ['tenant_id', 'id'])
    .addUniqueConstraint('connector_instances_tenant_name_key', ['tenant_id', 'name'])
    .addCheckConstraint('connector_instances_guard_share', sql`guard_share >= 0 and guard_share <= 1`)
    .addCheckConstraint(
      'connector_instances_every',
      sql`incremental_every_ms is null or incremental_every_ms >= 1000`,
    )
    .execute();

  await tenantTable(db, 'sync_runs')
    .addColumn('instance_id', 'uuid', (col) => col.notNull())
    .addColumn('mode', 'text', (col) => col.notNull())
    .addColumn('dry_run', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('state', 'text', (col) => col.notNull().defaultTo('queued'))
    .addColumn('trigger', 'text', (col) => col.notNull())
    .addColumn('requested_by', 'text')
    // The cursor of the last batch applied; a resumed run continues after it.
    .addColumn('cursor', 'jsonb')
    .addColumn('start_cursor', 'jsonb')
    .addColumn('batches', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('seen', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('updated', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('unchanged', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('deactivated', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('reactivated', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('errors', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('pending_deactivations', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('linked_users', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('report', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('lease_owner', 'text')
    .addColumn('heartbeat_at', 'timestamptz')
    .addColumn('decided_by', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addUniqueConstraint('sync_runs_tenant_id_id_key', ['tenant_id', 'id'])
    .$call(references('sync_runs_instance_fkey', 'instance_id', 'connector_instances', 'cascade'))
    .addCheckConstraint('sync_runs_mode', sql`mode in ('full', 'incremental')`)
    .addCheckConstraint('sync_runs_trigger', sql`trigger in ('manual', 'schedule')`)
    .addCheckConstraint(
      'sync_runs_state',
      sql`state in ('queued', 'running', 'needs_approval', 'completed', 'failed', 'rejected')`,
    )
    .execute();
  // One open run per connector instance, enforced here rather than in any one process's memory:
  // two API nodes or two schedulers racing both try the insert, and one gets the conflict.
  await sql`create unique index sync_runs_one_open on sync_runs (instance_id)
    where state in ('queued', 'running', 'needs_approval')`.execute(db);
  await sql`create index sync_runs_tenant_instance_created on sync_runs (tenant_id, instance_id, created_at desc, id)`.execute(
    db,
  );
  await sql`create index sync_runs_open on sync_runs (state) where state in ('queued', 'running')`.execute(
    db,
  );

  // kind: 'seen' (a full run read it) or 'deleted' (the connector said it left); deactivations
  // are computed from these when the run completes, never while it is still reading.
  await db.schema
    .createTable('sync_run_marks')
    .addColumn('tenant_id', 'uuid', (col) => col.notNull())
    .addColumn('run_id', 'uuid', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('record_type', 'text', (col) => col.notNull())
    .addColumn('external_id', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('sync_run_marks_pkey', ['run_id', 'kind', 'record_type', 'external_id'])
    .$call(references('sync_run_marks_run_fkey', 'run_id', 'sync_runs', 'cascade'))
    .addCheckConstraint('sync_run_marks_kind', sql`kind in ('seen', 'deleted')`)
    .addCheckConstraint('sync_run_marks_type', sql`record_type in ('user', 'group')`)
    .execute();

  await tenantTable(db, 'sync_run_skipped')
    .addColumn('run_id', 'uuid', (col) => col.notNull())
    .addColumn('record_type', 'text', (col) => col.notNull())
    .addColumn('external_id', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .$call(references('sync_run_skipped_run_fkey', 'run_id', 'sync_runs', 'cascade'))
    .execute();
  await sql`create index sync_run_skipped_run on sync_run_skipped (tenant_id, run_id, created_at, id)`.execute(
    db,
  );

  // No foreign key to the instance: the log outlives a deleted connector (who deleted it, when).
  await tenantTable(db, 'connector_audit_log')
    .addColumn('instance_id', 'uuid')
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('details', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index connector_audit_log_tenant_created on connector_audit_log (tenant_id, created_at desc, id)`.execute(
    db,
  );
}

function tenantTable(db: Kysely<unknown>, name: string): Table {
  return db.schema
    .createTable(name)
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', (col) => col.notNull().references('tenants.id'));
}

function references(
  name: string,
  column: string,
  parent: string,
  onDelete: 'cascade' | 'no action' = 'no action',
): (table: Table) => Table {
  return (table) =>
    table.addForeignKeyConstraint(name, ['tenant_id', column], parent, ['tenant_id', 'id'], (fk) =>
      fk.onDelete(onDelete),
    );
}
