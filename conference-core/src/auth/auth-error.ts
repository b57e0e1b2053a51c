/**
 * Why a request could not be authenticated. Callers branch on `code`, never on the message; the
 * message is for people and never contains the token.
 */
export const authErrorCodes = [
  /** No credentials at all (no `Authorization` header, or an empty one). */
  'missing_token',
  /** Malformed header or token, bad signature, unknown key, unusable claims, not yet valid. */
  'invalid_token',
  'token_expired',
  /** Signed correctly but by another issuer than the one configured. */
  'wrong_issuer',
  /** Issued by our issuer but for another resource server. */
  'wrong_audience',
  /** `alg` outside the allowed list: `none`, HMAC (the public-key-as-secret attack), anything unknown. */
  'unsupported_algorithm',
  /** The issuer's discovery document or key set could not be fetched; worth retrying later. */
  'issuer_unavailable',
] as const;
export type AuthErrorCode = (typeof authErrorCodes)[number];

export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isAuthError(value: unknown): value is AuthError {
  return value instanceof AuthError;
}

/**
 * The HTTP status an API answers with: 401 for anything the client can fix by getting a new
 * token, 503 when the issuer is away (the token may be fine; retrying later helps).
 */
export function httpStatusForAuthError(code: AuthErrorCode): 401 | 503 {
  return code === 'issuer_unavailable' ? 503 : 401;
}

/**
 * The RFC 6750 `WWW-Authenticate` challenge for a 401. `error` is `invalid_request` for a
 * malformed or missing header and `invalid_token` otherwise; no description that could echo
 * input.
 */
export function wwwAuthenticateFor(code: AuthErrorCode, realm = 'vc'): string {
  if (code === 'missing_token') return `Bearer realm="${realm}"`;
  return `Bearer realm="${realm}", error="invalid_token"`;
}
