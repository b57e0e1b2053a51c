import type { Request } from 'express';

import { isAuthError, httpStatusForAuthError, wwwAuthenticateFor } from '../auth/auth-error.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { TokenUserIdentity } from '../auth/identity.js';
import type { Logger } from '../logging/logger.js';
import { createGuestLinkRepository } from '../storage/guest-link-repository.js';
import type { Db } from '../storage/repository-support.js';
import { createInviteRepository } from '../storage/invite-repository.js';
import { createTenantRepository } from '../storage/tenant-repository.js';
import { createUserRepository, type User } from '../storage/user-repository.js';
import { createUserRoleRepository } from '../storage/user-role-repository.js';
import { createRoleMappingRepository } from '../storage/role-mapping-repository.js';
import { loadPermissions } from '../roles/load-permissions.js';
import { heldPermissions } from '../roles/resolve-permissions.js';
import { tenantAdminRole } from './v1/users/require-tenant-admin.js';
import { ApiProblem, type ProblemCode } from './problem.js';
import type { Principal } from './principal.js';

/** The identity source OIDC logins are linked under; the subject is the external id. */
export const oidcIdentitySource = 'oidc';

/** Profile fields from the token are written at most this often per user (not on every request). */
const profileRefreshMs = 5 * 60_000;

export interface PrincipalResolverOptions {
  readonly authenticator: Authenticator;
  readonly db: Db;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/**
 * Turns a request's credentials into the principal every endpoint works with. A person's first
 * login creates their user (or links an existing user with the same verified email, e.g. one the
 * directory sync created); later logins refresh the profile from the token. A tenant named by the
 * token that does not exist yet is created.
 */
export function createPrincipalResolver(options: PrincipalResolverOptions) {
  const { authenticator, db, logger } = options;
  const now = options.now ?? (() => new Date());
  const tenants = createTenantRepository(db);

  async function tenantId(slug: string): Promise<string> {
    return (await tenants.ensure({ slug, name: slug })).tenant.id;
  }

  return async function resolve(req: Request): Promise<Principal | undefined> {
    const header = req.headers.authorization;
    if (header === undefined || header === '') return undefined;
    let identity;
    try {
      identity = await authenticator.authenticate(header);
    } catch (err) {
      if (!isAuthError(err)) throw err;
      const status = httpStatusForAuthError(err.code);
      const code: ProblemCode =
        status === 503
          ? 'service_unavailable'
          : err.code === 'token_expired'
            ? 'token_expired'
            : 'invalid_token';
      throw new ApiProblem(
        {
          status,
          code,
          title: status === 503 ? 'The identity provider cannot be reached' : 'The credentials are not valid',
          detail: err.message,
        },
        { headers: status === 401 ? { 'www-authenticate': wwwAuthenticateFor(err.code) } : {}, cause: err },
      );
    }
    switch (identity.kind) {
      case 'guest': {
        const found = await createGuestLinkRepository(db).findByCodeAcrossTenants(identity.inviteCode, now());
        if (found === undefined || !found.usable) {
          throw new ApiProblem({
            status: 401,
            code: 'invalid_token',
            title: 'The invite code is not valid',
            detail: 'The invite code is unknown, deactivated or expired.',
          });
        }
        return {
          kind: 'guest',
          tenantId: found.link.tenantId,
          roomId: found.link.roomId,
          inviteCode: found.link.code,
        };
      }
      case 'service':
        return {
          kind: 'service',
          tenantId: await tenantId(identity.tenant),
          clientId: identity.clientId,
          roles: identity.roles,
        };
      case 'user': {
        const tenant = await tenantId(identity.tenant);
        const user = await userFor(tenant, identity);
        const permissions = heldPermissions(
          await loadPermissions(db, tenant, user.id, {
            live: true,
            realmRoles: identity.realmRoles,
            groups: identity.groups,
          }),
        );
        return {
          kind: 'user',
          tenantId: tenant,
          userId: user.id,
          email: user.email,
          roles: await rolesOf(tenant, user.id, identity.realmRoles),
          groups: identity.groups,
          permissions,
        };
      }
    }
  };

  /**
   * The token's realm roles plus the roles an operator granted on the host (`npm run admin`), so a
   * tenant can be administered again when no one with the token role can sign in.
   */
  async function rolesOf(tenant: string, userId: string, realmRoles: readonly string[]): Promise<string[]> {
    const stored = await createUserRoleRepository(db).listForUser(tenant, userId);
    const granted = stored.filter((role) => role.source !== 'token').map((role) => role.role);
    return [...new Set([...realmRoles, ...granted])];
  }

  async function userFor(tenant: string, identity: TokenUserIdentity): Promise<User> {
    const users = createUserRepository(db);
    const profile = {
      email: identity.email,
      displayName: identity.displayName,
      givenName: identity.givenName,
      familyName: identity.familyName,
      // Absent claims keep what the person set through the API.
      ...(identity.locale === null ? {} : { language: identity.locale }),
      ...(identity.zoneinfo === null ? {} : { timeZone: identity.zoneinfo }),
      ...(identity.phone === null ? {} : { phone: identity.phone }),
    };
    let user = await users.findByIdentity(tenant, oidcIdentitySource, identity.subject);
    if (user === undefined) {
      // A verified email may claim a user the directory created before this person ever logged in.
      const existing = identity.emailVerified ? await users.findByEmail(tenant, identity.email) : undefined;
      if (existing !== undefined) {
        user = existing;
      } else {
        const created = await users.create(tenant, profile);
        if (!created.ok) throw conflict('Another account already uses this email address.');
        user = created.user;
        logger.info({ tenant, user: user.id }, 'user created at first login');
      }
      const linked = await users.linkIdentity(tenant, user.id, oidcIdentitySource, identity.subject);
      if (!linked.ok) throw conflict('This login is already linked to another account.');
      // Invitations sent to this address before the person had an account become theirs; only a
      // verified address may claim them, or anyone could name someone else's address.
      if (identity.emailVerified) {
        const claimed = await createInviteRepository(db).claimEmailInvites(tenant, user.id, identity.email);
        if (claimed > 0) logger.info({ tenant, user: user.id, claimed }, 'address invitations taken over');
      }
    }
    if (user.disabledAt !== null) {
      throw new ApiProblem({
        status: 403,
        code: 'forbidden',
        title: 'This account is disabled',
        detail:
          'The account was deactivated (it left its directory, or an administrator disabled it); ask your administrator.',
      });
    }
    const last = user.lastLoginAt?.getTime() ?? 0;
    if (now().getTime() - last >= profileRefreshMs) {
      const updated = await users.update(tenant, user.id, profile);
      if (updated.ok) user = updated.user;
      // The sync must know who administers the tenant (it never disables the last one): the
      // token's role is stored at each login and refresh, and dropped when the token lost it.
      await createUserRoleRepository(db).setFromToken(
        tenant,
        user.id,
        tenantAdminRole,
        identity.realmRoles.includes(tenantAdminRole),
      );
      // Kept so an admin can see where this person's roles come from (decision 0027).
      await createRoleMappingRepository(db).setTokenGroups(tenant, user.id, identity.groups);
      user = (await users.markLogin(tenant, user.id, now())) ?? user;
    }
    return user;
  }
}

function conflict(detail: string): ApiProblem {
  return new ApiProblem({ status: 409, code: 'conflict', title: 'The account cannot be linked', detail });
}
