import type { RoleRule } from '../storage/role-mapping-repository.js';
import { permissions, type Permission } from './permissions.js';

/** Why someone holds a permission; a permission is held when at least one grant is listed. */
export type Grant =
  /** The tenant's mapping names no group for this permission, so every signed-in person holds it. */
  | { readonly kind: 'default' }
  /** The stored `tenant-admin` role (from a sign-in's token or an operator), never taken by a mapping. */
  | { readonly kind: 'stored_role'; readonly source: string }
  /** Membership of a directory group the connector synced. */
  | { readonly kind: 'connector_group'; readonly connectorId: string; readonly group: string }
  /** A group in the sign-in token's `groups` claim. */
  | { readonly kind: 'token_group'; readonly group: string }
  /** A tenant administrator holds every permission. */
  | { readonly kind: 'tenant_admin' };

export type EffectivePermissions = Readonly<Record<Permission, readonly Grant[]>>;

export interface PermissionFacts {
  readonly rules: readonly RoleRule[];
  /** Sources of the stored `tenant-admin` role (`token`, `operator`); a live token's realm role counts as `token`. */
  readonly adminSources: readonly string[];
  /** The person's directory groups: which connector synced each, and its name. */
  readonly directoryGroups: readonly { readonly connectorId: string; readonly name: string }[];
  readonly tokenGroups: readonly string[];
}

/**
 * The rules of decision 0027 as one pure function: a permission no rule grants is everyone's; a
 * permission some rule grants belongs to the members of those groups only; tenant administrators
 * (stored role or mapped) hold everything.
 */
export function resolvePermissions(facts: PermissionFacts): EffectivePermissions {
  const granted = new Map<Permission, Grant[]>(permissions.map((p) => [p, []]));
  const mapped = new Set<string>();
  const tokenGroups = new Set(facts.tokenGroups);
  for (const rule of facts.rules) {
    for (const role of rule.roles) mapped.add(role);
    const { group } = rule;
    const grant: Grant | undefined =
      group.kind === 'token'
        ? tokenGroups.has(group.name)
          ? { kind: 'token_group', group: group.name }
          : undefined
        : facts.directoryGroups.some(
              (g) => g.connectorId === group.connectorId.toLowerCase() && g.name === group.name,
            )
          ? { kind: 'connector_group', connectorId: group.connectorId.toLowerCase(), group: group.name }
          : undefined;
    if (grant === undefined) continue;
    for (const role of rule.roles) granted.get(role as Permission)?.push(grant);
  }
  const admin = granted.get('tenant_admin')!;
  for (const source of [...new Set(facts.adminSources)].sort()) admin.push({ kind: 'stored_role', source });
  const isAdmin = admin.length > 0;
  const result = {} as Record<Permission, readonly Grant[]>;
  for (const permission of permissions) {
    const grants = granted.get(permission)!;
    if (permission !== 'tenant_admin') {
      if (!mapped.has(permission)) grants.unshift({ kind: 'default' });
      if (isAdmin) grants.push({ kind: 'tenant_admin' });
    }
    result[permission] = grants;
  }
  return result;
}

/** The permissions held, in the order of `permissions`. */
export function heldPermissions(effective: EffectivePermissions): Permission[] {
  return permissions.filter((p) => effective[p].length > 0);
}
