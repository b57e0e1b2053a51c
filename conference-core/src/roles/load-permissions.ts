import { createGroupRepository } from '../storage/group-repository.js';
import type { Db } from '../storage/repository-support.js';
import { createRoleMappingRepository, type RoleRule } from '../storage/role-mapping-repository.js';
import { createUserRoleRepository } from '../storage/user-role-repository.js';
import { tenantAdministratorRole } from '../sync/directory-sync.js';
import { resolvePermissions, type EffectivePermissions } from './resolve-permissions.js';

/**
 * What is known of the person beyond the database. A request knows the live token (its realm
 * roles and groups replace the stored `token` role and token groups); an admin looking at someone
 * else knows only what that person's last sign-in stored.
 */
export type TokenFacts =
  | { readonly live: true; readonly realmRoles: readonly string[]; readonly groups: readonly string[] }
  | { readonly live: false };

/** The connector id in a directory group's source (`<type>:<instance id>`, see `identitySource`). */
function connectorIdOf(source: string): string | undefined {
  const at = source.lastIndexOf(':');
  return at < 0 ? undefined : source.slice(at + 1).toLowerCase();
}

/**
 * The person's effective permissions under the tenant's mapping, or under `rules` when given (to
 * try a mapping before saving it). Costs two small queries without a mapping, three with one that
 * names directory groups.
 */
export async function loadPermissions(
  db: Db,
  tenantId: string,
  userId: string,
  token: TokenFacts,
  rules?: readonly RoleRule[],
): Promise<EffectivePermissions> {
  const mapping = rules ?? (await createRoleMappingRepository(db).list(tenantId));
  const stored = await createUserRoleRepository(db).listForUser(tenantId, userId);
  const adminSources = stored
    .filter((r) => r.role === tenantAdministratorRole && !(token.live && r.source === 'token'))
    .map((r) => r.source);
  if (token.live && token.realmRoles.includes(tenantAdministratorRole)) adminSources.push('token');
  const needsDirectory = mapping.some((rule) => rule.group.kind === 'connector');
  const directoryGroups = needsDirectory
    ? (await createGroupRepository(db).listForUser(tenantId, userId)).flatMap((g) => {
        const connectorId = g.source === null ? undefined : connectorIdOf(g.source);
        return connectorId === undefined ? [] : [{ connectorId, name: g.name }];
      })
    : [];
  const tokenGroups = token.live
    ? token.groups
    : mapping.some((rule) => rule.group.kind === 'token')
      ? await createRoleMappingRepository(db).tokenGroupsOf(tenantId, userId)
      : [];
  return resolvePermissions({ rules: mapping, adminSources, directoryGroups, tokenGroups });
}
