import { parseAuthorizationHeader } from './authorization-header.js';
import { identityFromClaims, type TokenIdentity } from './identity.js';
import type { TokenVerifier } from './token-verifier.js';

/** A guest: presented an invite code, which is not checked yet (the room decides). */
export interface GuestIdentity {
  readonly kind: 'guest';
  readonly inviteCode: string;
}

/**
 * Who is calling, as far as the credentials tell: a verified user or service, or a guest. The API
 * layer turns this into its `Principal` (user row, tenant id, room of the invite code).
 */
export type CallerIdentity = TokenIdentity | GuestIdentity;

export interface Authenticator {
  readonly verifier: TokenVerifier;
  readonly defaultTenant: string;
  /**
   * From an `Authorization` header value to the caller's identity. Bearer tokens are verified and mapped;
   * an invite code is only parsed (whether it opens a room is the room's business). Rejects with
   * `AuthError`.
   */
  authenticate(authorizationHeader: string | undefined): Promise<CallerIdentity>;
}

export interface AuthenticatorOptions {
  readonly verifier: TokenVerifier;
  readonly defaultTenant: string;
}

/** What the hub hands the API layer: header parsing, token verification and claims mapping in one call. */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const { verifier, defaultTenant } = options;
  return {
    verifier,
    defaultTenant,
    async authenticate(authorizationHeader) {
      const credentials = parseAuthorizationHeader(authorizationHeader);
      if (credentials.kind === 'invite-code') return { kind: 'guest', inviteCode: credentials.inviteCode };
      const { claims } = await verifier.verify(credentials.token);
      return identityFromClaims(claims, { defaultTenant });
    },
  };
}
