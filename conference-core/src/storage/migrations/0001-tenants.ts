import { sql, type Kysely } from 'kysely';

// Migrations take Kysely<unknown>: they run against the schema as it was when they were written,
// not against today's DatabaseSchema.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('slug', 'text', (col) => col.notNull().unique())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    // The slug appears in URLs and host names; keep the rule in step with TENANT_SLUG_PATTERN.
    .addCheckConstraint('tenants_slug_format', sql`slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 63`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('tenants').execute();
}
