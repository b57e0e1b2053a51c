import { sql, type Kysely } from 'kysely';
import type { NamedMigration } from './migrations/index.js';
import type { DatabaseSchema } from './schema.js';

/** Migrations and schema probes for the contract suite. */

export const brokenMigration: NamedMigration = {
  name: '9999-contract-broken',
  async up(trx) {
    await trx.schema.createTable('contract_partial').addColumn('id', 'integer').execute();
    await sql`select * from table_that_does_not_exist`.execute(trx);
  },
};

export function createsTable(name: string, table: string): NamedMigration {
  return {
    name,
    up: async (trx) => {
      await trx.schema.createTable(table).addColumn('id', 'integer').execute();
    },
  };
}

export async function forgetMigration(
  db: Kysely<DatabaseSchema>,
  name: string,
  table: string,
): Promise<void> {
  await sql`delete from kysely_migration where name = ${name}`.execute(db);
  await db.schema.dropTable(table).ifExists().execute();
}

export async function tableNames(db: Kysely<DatabaseSchema>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  return tables.map((table) => table.name).sort();
}

export async function recordedMigrations(db: Kysely<DatabaseSchema>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((row) => row.name);
}

/** Tables, columns, constraints and indexes of the public schema, for before/after comparisons. */
export async function schemaSnapshot(db: Kysely<DatabaseSchema>): Promise<unknown> {
  const columns = await sql`
    select table_name, column_name, data_type, is_nullable, column_default
    from information_schema.columns where table_schema = 'public'
    order by table_name, column_name`.execute(db);
  const constraints = await sql`
    select c.conname, c.contype, pg_get_constraintdef(c.oid) as definition
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    where n.nspname = 'public' order by c.conname`.execute(db);
  const indexes = await sql`
    select indexname, indexdef from pg_indexes where schemaname = 'public' order by indexname`.execute(db);
  return { columns: columns.rows, constraints: constraints.rows, indexes: indexes.rows };
}
