import { sql } from 'kysely';

import { allUuids, inTransaction, isUuid, type Db } from './repository-support.js';

/** A group a rule names: a directory group a connector synced (by name), or a token's group claim. */
export type MappedGroup =
  | { readonly kind: 'connector'; readonly connectorId: string; readonly name: string }
  | { readonly kind: 'token'; readonly name: string };

/** Members of `group` get `roles` (decision 0027); roles are strings so a later version's survive. */
export interface RoleRule {
  readonly group: MappedGroup;
  readonly roles: readonly string[];
}

/** A tenant's group-to-role rules (table `role_mappings`, migration 0006); every method is tenant-scoped. */
export interface RoleMappingRepository {
  /** The tenant's rules in the order they were saved; empty when the tenant has no mapping. */
  list(tenantId: string): Promise<RoleRule[]>;
  /** Makes exactly these rules the tenant's mapping, atomically (an empty list removes the mapping). */
  replace(tenantId: string, rules: readonly RoleRule[]): Promise<void>;
  /** Stores the `groups` claim of a person's latest sign-in, replacing what the one before carried. */
  setTokenGroups(tenantId: string, userId: string, groups: readonly string[]): Promise<void>;
  /** The token groups stored by `setTokenGroups`, ordered by name. */
  tokenGroupsOf(tenantId: string, userId: string): Promise<string[]>;
  /** Member user ids of the directory groups named by connector rules that grant `role`. */
  directoryMembersGranted(tenantId: string, role: string): Promise<string[]>;
}

export function createRoleMappingRepository(db: Db): RoleMappingRepository {
  return {
    async list(tenantId) {
      if (!isUuid(tenantId)) return [];
      const rows = await db
        .selectFrom('role_mappings')
        .select(['group_kind', 'connector_id', 'group_name', 'roles'])
        .where('tenant_id', '=', tenantId)
        .orderBy('position')
        .execute();
      return rows.map((row) => ({
        group:
          row.group_kind === 'connector' && row.connector_id !== null
            ? { kind: 'connector', connectorId: row.connector_id, name: row.group_name }
            : { kind: 'token', name: row.group_name },
        roles: row.roles,
      }));
    },

    async replace(tenantId, rules) {
      if (!isUuid(tenantId)) throw new RangeError(`tenant id ${JSON.stringify(tenantId)} is not a uuid`);
      for (const rule of rules) {
        if (rule.group.kind === 'connector' && !isUuid(rule.group.connectorId)) {
          throw new RangeError(`connector id ${JSON.stringify(rule.group.connectorId)} is not a uuid`);
        }
      }
      await inTransaction(db, async (trx) => {
        await trx.deleteFrom('role_mappings').where('tenant_id', '=', tenantId).execute();
        if (rules.length === 0) return;
        await trx
          .insertInto('role_mappings')
          .values(
            rules.map((rule, position) => ({
              tenant_id: tenantId,
              position,
              group_kind: rule.group.kind,
              connector_id: rule.group.kind === 'connector' ? rule.group.connectorId.toLowerCase() : null,
              group_name: rule.group.name,
              roles: [...rule.roles],
            })),
          )
          .execute();
      });
    },

    async setTokenGroups(tenantId, userId, groups) {
      if (!allUuids(tenantId, userId)) return;
      const wanted = [...new Set(groups.filter((g) => g !== ''))];
      await inTransaction(db, async (trx) => {
        await trx
          .deleteFrom('user_token_groups')
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', userId)
          .where('group_name', '<>', sql<string>`all(${wanted}::text[])`)
          .execute();
        if (wanted.length === 0) return;
        // Through the users table, so a user of another tenant (or none) gets no rows.
        await trx
          .insertInto('user_token_groups')
          .columns(['tenant_id', 'user_id', 'group_name'])
          .expression((eb) =>
            eb
              .selectFrom('users')
              .select(['tenant_id', 'id', sql<string>`unnest(${wanted}::text[])`.as('group_name')])
              .where('tenant_id', '=', tenantId)
              .where('id', '=', userId),
          )
          .onConflict((oc) => oc.doNothing())
          .execute();
      });
    },

    async tokenGroupsOf(tenantId, userId) {
      if (!allUuids(tenantId, userId)) return [];
      const rows = await db
        .selectFrom('user_token_groups')
        .select('group_name')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .orderBy(sql`group_name collate "C"`)
        .execute();
      return rows.map((row) => row.group_name);
    },

    async directoryMembersGranted(tenantId, role) {
      if (!isUuid(tenantId)) return [];
      // A connector's groups carry the source `<type>:<instance id>` (identitySource).
      const rows = await db
        .selectFrom('role_mappings as rule')
        .innerJoin('groups', (join) =>
          join
            .onRef('groups.tenant_id', '=', 'rule.tenant_id')
            .onRef('groups.name', '=', 'rule.group_name')
            .on(sql<boolean>`groups.source like ('%:' || rule.connector_id::text)`),
        )
        .innerJoin('group_memberships as membership', (join) =>
          join
            .onRef('membership.tenant_id', '=', 'groups.tenant_id')
            .onRef('membership.group_id', '=', 'groups.id'),
        )
        .select('membership.user_id')
        .distinct()
        .where('rule.tenant_id', '=', tenantId)
        .where('rule.group_kind', '=', 'connector')
        .where(sql<boolean>`${role} = any(rule.roles)`)
        .orderBy('membership.user_id')
        .execute();
      return rows.map((row) => row.user_id);
    },
  };
}
