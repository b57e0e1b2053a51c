import { AuthError } from './auth-error.js';

/** What a request presents: a bearer JWT (users, service accounts) or a guest's invite code. */
export type AuthorizationCredentials =
  | { readonly kind: 'bearer'; readonly token: string }
  | { readonly kind: 'invite-code'; readonly inviteCode: string };

/**
 * Tokens larger than this are refused before any parsing: a real access token is a few KB even
 * with many groups, and a bound keeps a hostile header from costing CPU.
 */
export const maxTokenLength = 16_384;

// RFC 7235 token68: the characters a bearer token may consist of.
const token68 = /^[A-Za-z0-9\-._~+/]+=*$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Parses an `Authorization` header value: `Bearer <jwt>` or `InviteCode <uuid>` (OpenTalk's guest
 * scheme). Scheme names are case-insensitive (RFC 7235). Throws `AuthError`: `missing_token`
 * when there is no header or it is blank, `invalid_token` for anything else that does not fit.
 * Messages never repeat the credential.
 */
export function parseAuthorizationHeader(header: string | undefined): AuthorizationCredentials {
  const value = header?.trim() ?? '';
  if (value === '') {
    throw new AuthError('missing_token', 'The request has no Authorization header.');
  }
  const match = /^(\S+)(?:\s+(.*))?$/s.exec(value);
  const scheme = match?.[1]?.toLowerCase() ?? '';
  const credential = match?.[2]?.trim() ?? '';

  if (scheme === 'bearer') {
    if (credential === '') throw new AuthError('missing_token', 'The Bearer scheme needs a token after it.');
    if (credential.length > maxTokenLength) {
      throw new AuthError('invalid_token', `The bearer token is longer than ${maxTokenLength} characters.`);
    }
    if (!token68.test(credential)) {
      throw new AuthError('invalid_token', 'The bearer token contains characters a token cannot have.');
    }
    return { kind: 'bearer', token: credential };
  }
  if (scheme === 'invitecode') {
    if (credential === '')
      throw new AuthError('missing_token', 'The InviteCode scheme needs a code after it.');
    if (!uuid.test(credential)) {
      throw new AuthError(
        'invalid_token',
        'An invite code is a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).',
      );
    }
    return { kind: 'invite-code', inviteCode: credential.toLowerCase() };
  }
  throw new AuthError(
    'invalid_token',
    'The Authorization header must use the Bearer scheme (a token) or InviteCode (a guest link code).',
  );
}
