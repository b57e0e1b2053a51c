import { ApiProblem } from '../../problem.js';
import type { Principal } from '../../principal.js';
import { tenantAdministratorRole } from '../../../sync/directory-sync.js';
import { requireUser } from './require-user.js';

/**
 * The realm role that makes a signed-in person an administrator of their tenant (connectors, mail
 * dead letters, sync approvals). Keycloak puts it in `realm_access.roles`; the dev issuer gives it
 * to alice.
 */
export const tenantAdminRole = tenantAdministratorRole;

type UserPrincipal = Extract<Principal, { kind: 'user' }>;

/**
 * Narrows to a tenant administrator (the realm role, an operator's grant, or a group the tenant's
 * mapping makes administrator: decision 0027), or ends the request with 403 `forbidden`.
 */
export function requireTenantAdmin(principal: Principal | undefined): UserPrincipal {
  const user = requireUser(principal);
  if (!user.roles.includes(tenantAdminRole) && !user.permissions.includes('tenant_admin')) {
    throw new ApiProblem({
      status: 403,
      code: 'forbidden',
      title: 'Only a tenant administrator may do this',
      detail: `The token lacks the realm role ${tenantAdminRole}.`,
    });
  }
  return user;
}
