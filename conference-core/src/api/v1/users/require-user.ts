import { ApiProblem } from '../../problem.js';
import type { Principal } from '../../principal.js';

type UserPrincipal = Extract<Principal, { kind: 'user' }>;

/** Narrows the principal of an endpoint whose `access` is `['user']`; the router already checked it. */
export function requireUser(principal: Principal | undefined): UserPrincipal {
  if (principal?.kind !== 'user') {
    throw new ApiProblem({ status: 403, code: 'forbidden', title: 'Only a signed-in person may do this' });
  }
  return principal;
}
