import type { Permission } from '../roles/permissions.js';

/**
 * Who is calling, after authentication: a signed-in person, a service account (SIP gateway,
 * recorder) holding roles, or a guest holding a room's invite code. Every principal belongs to
 * exactly one tenant and every query an endpoint makes is scoped to it.
 */
export type Principal =
  | {
      readonly kind: 'user';
      readonly tenantId: string;
      readonly userId: string;
      readonly email: string;
      /** Realm roles from the token (e.g. `tenant-admin`). */
      readonly roles: readonly string[];
      readonly groups: readonly string[];
      /** What the person may do under the tenant's group mapping (decision 0027). */
      readonly permissions: readonly Permission[];
    }
  | {
      readonly kind: 'service';
      readonly tenantId: string;
      readonly clientId: string;
      /** Service roles (`call-in`, `recorder`); a service acts only where its role allows. */
      readonly roles: readonly string[];
    }
  | {
      readonly kind: 'guest';
      readonly tenantId: string;
      readonly roomId: string;
      readonly inviteCode: string;
    };

export type PrincipalKind = Principal['kind'];
