import { sql, type Kysely } from 'kysely';

/**
 * Who owns an account (issue 17, decision 0026).
 *
 * - `user_identities.owns_user`: the identity's source created the user, or an operator handed the
 *   user to it. Only an owning source sets the profile and deactivates the user; a source that
 *   merely linked an existing account never overwrites it and, when the entry leaves, only unlinks.
 *   Existing rows: a directory identity made in the same transaction as its user (equal
 *   `created_at`, which is the transaction's start) is the sync having created that user.
 * - `user_roles`: roles stored per user and where each came from (`token`: the realm role seen at
 *   the last login; `operator`: granted on the host with `npm run admin`). The sync reads them to
 *   never disable the last active tenant administrator.
 * - `sync_run_skipped.label`: how an admin finds a skipped entry upstream (its DN, or the source's
 *   human key), beside the external id.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('user_identities')
    .addColumn('owns_user', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute();
  await sql`update user_identities as identity set owns_user = true
    from users
    where users.tenant_id = identity.tenant_id and users.id = identity.user_id
      and identity.source <> 'oidc' and identity.created_at = users.created_at`.execute(db);

  await db.schema
    .createTable('user_roles')
    .addColumn('tenant_id', 'uuid', (col) => col.notNull())
    .addColumn('user_id', 'uuid', (col) => col.notNull())
    .addColumn('role', 'text', (col) => col.notNull())
    .addColumn('source', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('user_roles_pkey', ['tenant_id', 'user_id', 'role', 'source'])
    .addForeignKeyConstraint(
      'user_roles_user_fkey',
      ['tenant_id', 'user_id'],
      'users',
      ['tenant_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .addCheckConstraint('user_roles_not_empty', sql`role <> '' and source <> ''`)
    .execute();
  await sql`create index user_roles_tenant_role on user_roles (tenant_id, role)`.execute(db);

  await db.schema.alterTable('sync_run_skipped').addColumn('label', 'text').execute();
}
