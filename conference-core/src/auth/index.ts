// Authentication: the API as an OIDC resource server. Rules and reasons: README.md beside this file.
export {
  AuthError,
  authErrorCodes,
  httpStatusForAuthError,
  isAuthError,
  wwwAuthenticateFor,
} from './auth-error.js';
export type { AuthErrorCode } from './auth-error.js';
export { maxTokenLength, parseAuthorizationHeader } from './authorization-header.js';
export type { AuthorizationCredentials } from './authorization-header.js';
export { identityFromClaims, serviceRoles, serviceRolesOf } from './identity.js';
export type {
  TokenIdentity,
  IdentityFromClaimsOptions,
  TokenServiceIdentity,
  ServiceRole,
  TokenUserIdentity,
} from './identity.js';
export { createTokenVerifier, defaultAlgorithms } from './token-verifier.js';
export type { TokenVerifier, TokenVerifierOptions, VerifiedToken } from './token-verifier.js';
export type { FetchLike } from './issuer-keys.js';
export { createAuthenticator } from './authenticator.js';
export type { Authenticator, AuthenticatorOptions, CallerIdentity, GuestIdentity } from './authenticator.js';
