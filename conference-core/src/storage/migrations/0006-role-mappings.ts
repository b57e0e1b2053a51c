import { sql, type Kysely } from 'kysely';

/**
 * Roles from directory groups (issue 17, decision 0027).
 *
 * - `role_mappings`: a tenant's rules, in the order an admin gave them. Each names one group, either
 *   a directory group of a connector (`group_kind = 'connector'`, by the group's name among the
 *   groups that connector synced) or a group of the sign-in token's `groups` claim
 *   (`group_kind = 'token'`), and the roles its members get. No foreign key to the connector: a
 *   rule whose connector was deleted stays and matches nobody, so deleting a connector never opens
 *   a restricted permission to everyone.
 * - `user_token_groups`: the token groups a person's last sign-in carried (kept in step at each
 *   login and profile refresh), so an admin can see where someone's roles come from without that
 *   person's token. Requests use the live token's groups, never these.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('role_mappings')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', (col) => col.notNull().references('tenants.id'))
    .addColumn('position', 'integer', (col) => col.notNull())
    .addColumn('group_kind', 'text', (col) => col.notNull())
    .addColumn('connector_id', 'uuid')
    .addColumn('group_name', 'text', (col) => col.notNull())
    .addColumn('roles', sql`text[]`, (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('role_mappings_tenant_position_key', ['tenant_id', 'position'])
    .addCheckConstraint('role_mappings_kind', sql`group_kind in ('connector', 'token')`)
    .addCheckConstraint(
      'role_mappings_connector',
      sql`(group_kind = 'connector') = (connector_id is not null)`,
    )
    .addCheckConstraint('role_mappings_group_name', sql`group_name <> ''`)
    .addCheckConstraint('role_mappings_roles', sql`cardinality(roles) > 0`)
    .execute();

  await db.schema
    .createTable('user_token_groups')
    .addColumn('tenant_id', 'uuid', (col) => col.notNull())
    .addColumn('user_id', 'uuid', (col) => col.notNull())
    .addColumn('group_name', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('user_token_groups_pkey', ['tenant_id', 'user_id', 'group_name'])
    .addForeignKeyConstraint(
      'user_token_groups_user_fkey',
      ['tenant_id', 'user_id'],
      'users',
      ['tenant_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
}
