import { permissionActions, type Permission } from '../../../roles/permissions.js';
import { ApiProblem } from '../../problem.js';
import type { Principal } from '../../principal.js';
import { requireUser } from './require-user.js';

type UserPrincipal = Extract<Principal, { kind: 'user' }>;

/** The 403 for a person lacking a permission, in their terms, naming it for clients (decision 0027). */
export function missingRole(permission: Permission): ApiProblem {
  return new ApiProblem({
    status: 403,
    code: 'missing_role',
    permission,
    title: `You may not ${permissionActions[permission]}`,
    detail: `Your organization allows this only to members of certain groups (permission "${permission}"); ask your administrator.`,
  });
}

/** Narrows to a signed-in person holding `permission`, or ends the request with 403 `missing_role`. */
export function requirePermission(principal: Principal | undefined, permission: Permission): UserPrincipal {
  const user = requireUser(principal);
  if (!user.permissions.includes(permission)) throw missingRole(permission);
  return user;
}
