import { allUuids, type Db } from './repository-support.js';

/**
 * Where a stored role came from. `token`: the realm role the person's last login carried (kept in
 * step at each login, so the sync knows who administers a tenant); `operator`: granted on the host
 * with `npm run admin` (recovery when no one with the token role can sign in).
 */
export type RoleSource = 'token' | 'operator';

export interface StoredRole {
  readonly userId: string;
  readonly role: string;
  /** A `RoleSource`, or a source a later version added. */
  readonly source: string;
  readonly createdAt: Date;
}

/** Roles stored per user (table `user_roles`, migration 0005); every method is tenant-scoped. */
export interface UserRoleRepository {
  /** Adds the role from this source; returns false when the user held it from there already. */
  grant(tenantId: string, userId: string, role: string, source: RoleSource): Promise<boolean>;
  /** Removes the role from this source; returns false when the user did not hold it from there. */
  revoke(tenantId: string, userId: string, role: string, source: RoleSource): Promise<boolean>;
  /** Brings the `token` row of a role in step with whether the last login's token carried it. */
  setFromToken(tenantId: string, userId: string, role: string, held: boolean): Promise<void>;
  /** The roles of one user, ordered by role then source. */
  listForUser(tenantId: string, userId: string): Promise<StoredRole[]>;
  /** Everyone holding a role in the tenant (from any source), ordered by user then source. */
  listHolders(tenantId: string, role: string): Promise<StoredRole[]>;
}

export function createUserRoleRepository(db: Db): UserRoleRepository {
  const toRole = (row: { user_id: string; role: string; source: string; created_at: Date }): StoredRole => ({
    userId: row.user_id,
    role: row.role,
    source: row.source,
    createdAt: row.created_at,
  });
  const repository: UserRoleRepository = {
    async grant(tenantId, userId, role, source) {
      if (!allUuids(tenantId, userId)) return false;
      const rows = await db
        .insertInto('user_roles')
        .values({ tenant_id: tenantId, user_id: userId, role, source })
        .onConflict((oc) => oc.doNothing())
        .returning('role')
        .execute();
      return rows.length > 0;
    },
    async revoke(tenantId, userId, role, source) {
      if (!allUuids(tenantId, userId)) return false;
      const result = await db
        .deleteFrom('user_roles')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('role', '=', role)
        .where('source', '=', source)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async setFromToken(tenantId, userId, role, held) {
      if (held) await repository.grant(tenantId, userId, role, 'token');
      else await repository.revoke(tenantId, userId, role, 'token');
    },
    async listForUser(tenantId, userId) {
      if (!allUuids(tenantId, userId)) return [];
      const rows = await db
        .selectFrom('user_roles')
        .select(['user_id', 'role', 'source', 'created_at'])
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .orderBy('role')
        .orderBy('source')
        .execute();
      return rows.map(toRole);
    },
    async listHolders(tenantId, role) {
      if (!allUuids(tenantId)) return [];
      const rows = await db
        .selectFrom('user_roles')
        .select(['user_id', 'role', 'source', 'created_at'])
        .where('tenant_id', '=', tenantId)
        .where('role', '=', role)
        .orderBy('user_id')
        .orderBy('source')
        .execute();
      return rows.map(toRole);
    },
  };
  return repository;
}
