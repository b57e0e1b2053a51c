import {
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';

import { AuthError } from './auth-error.js';
import { maxTokenLength } from './authorization-header.js';
import { IssuerKeys, type FetchLike } from './issuer-keys.js';

/** Asymmetric algorithms only: with a public key set, HMAC would let anyone sign with the public key. */
export const defaultAlgorithms = ['RS256', 'ES256', 'PS256', 'EdDSA'] as const;

/** Keycloak's `typ` claim values of tokens that are not access tokens. */
const keycloakNonAccessTypes = new Set(['ID', 'Refresh', 'Offline', 'Logout']);

export interface TokenVerifierOptions {
  /** The `iss` every token must carry, exactly (Keycloak: `https://<host>/realms/<realm>`). */
  readonly issuer: string;
  /** This API's audience: must be in `aud`, or be the token's `azp` (see README). */
  readonly audience: string;
  /** The key set's URL; unset: discovered from `<issuer>/.well-known/openid-configuration` on the first token. */
  readonly jwksUri?: string | URL;
  /** Keys handed over in-process (the hub's own development issuer): no HTTP at all. */
  readonly jwks?: JSONWebKeySet | (() => JSONWebKeySet | Promise<JSONWebKeySet>);
  /** Allowed `alg` values; `none` and `HS*` are refused even when listed. Default: RS256, ES256, PS256, EdDSA. */
  readonly algorithms?: readonly string[];
  /** Leeway for `exp` and `nbf`, in seconds. Default 30. */
  readonly clockToleranceSec?: number;
  readonly fetch?: FetchLike;
  /** At most one key-set fetch per interval, successful or not (unknown `kid`s, outages). Default 30 s. */
  readonly minJwksRefetchIntervalMs?: number;
  /** Keys are refreshed in the background once older than this. Default 10 min. */
  readonly jwksMaxAgeMs?: number;
  /** Timeout of one discovery or key-set request. Default 5 s. */
  readonly timeoutMs?: number;
}

export interface VerifiedToken {
  /** The verified claims; `iss`, `exp` and the audience have been checked. */
  readonly claims: JWTPayload;
  readonly algorithm: string;
  readonly keyId: string | undefined;
}

export interface TokenVerifier {
  readonly issuer: string;
  readonly audience: string;
  /** Resolves with the claims of a good token; rejects with `AuthError` otherwise. Never logs. */
  verify(token: string): Promise<VerifiedToken>;
}

/**
 * An OIDC resource server's token check: signature against the issuer's keys, `iss`, audience,
 * `exp`/`nbf` with leeway, allowed algorithms. Nothing is fetched until the first token arrives.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const algorithms = options.algorithms ?? defaultAlgorithms;
  const refused = algorithms.filter((alg) => alg === 'none' || /^HS/i.test(alg));
  if (refused.length > 0 || algorithms.length === 0) {
    throw new TypeError(
      `algorithms must list asymmetric JWS algorithms only; refused: ${refused.join(', ') || '(empty list)'}`,
    );
  }
  const issuer = options.issuer;
  if (!URL.canParse(issuer)) throw new TypeError('issuer must be a URL');
  const audience = options.audience;
  if (audience === '') throw new TypeError('audience must not be empty');
  const clockTolerance = options.clockToleranceSec ?? 30;
  const jwks = options.jwks;
  const keys = new IssuerKeys(
    jwks === undefined
      ? {
          kind: 'remote',
          issuer,
          jwksUri: options.jwksUri === undefined ? undefined : new URL(options.jwksUri),
          fetch: options.fetch ?? globalThis.fetch,
          timeoutMs: options.timeoutMs ?? 5_000,
        }
      : { kind: 'local', load: typeof jwks === 'function' ? jwks : () => jwks },
    {
      maxAgeMs: options.jwksMaxAgeMs ?? 600_000,
      minRefetchIntervalMs: options.minJwksRefetchIntervalMs ?? 30_000,
    },
  );

  return {
    issuer,
    audience,
    async verify(token) {
      const header = precheck(token, issuer, algorithms);
      let claims: JWTPayload;
      try {
        ({ payload: claims } = await jwtVerify(token, keys.getKey, {
          issuer,
          algorithms: [...algorithms],
          clockTolerance,
          requiredClaims: ['exp'],
        }));
      } catch (err) {
        throw translate(err);
      }
      if (!audienceMatches(claims, audience)) {
        throw new AuthError('wrong_audience', `The token is not meant for this API (audience ${audience}).`);
      }
      // Keycloak marks its token kinds; an ID token carries the client in `aud`/`azp` too.
      if (typeof claims['typ'] === 'string' && keycloakNonAccessTypes.has(claims['typ'])) {
        throw new AuthError(
          'invalid_token',
          `The token is a Keycloak "${String(claims['typ'])}" token, not an access token.`,
        );
      }
      return { claims, algorithm: header.alg, keyId: header.kid };
    },
  };
}

/**
 * Cheap checks before any key lookup. A token naming another issuer is refused here, so tokens
 * from elsewhere cannot make us refetch keys. Reading unverified claims is safe only because
 * this can refuse but never accept.
 */
function precheck(
  token: string,
  issuer: string,
  algorithms: readonly string[],
): { alg: string; kid: string | undefined } {
  if (typeof token !== 'string' || token.length === 0)
    throw new AuthError('missing_token', 'No token was given.');
  if (token.length > maxTokenLength) {
    throw new AuthError('invalid_token', `The token is longer than ${maxTokenLength} characters.`);
  }
  const parts = token.split('.').length;
  if (parts !== 3) {
    throw new AuthError(
      'invalid_token',
      parts === 5
        ? 'Encrypted tokens (JWE) are not accepted.'
        : 'The token is not a JWT (three dot-separated parts).',
    );
  }
  let alg: unknown;
  let kid: unknown;
  let iss: unknown;
  try {
    ({ alg, kid } = decodeProtectedHeader(token));
    ({ iss } = decodeJwt(token));
  } catch (err) {
    throw new AuthError('invalid_token', 'The token is not a well-formed JWT.', { cause: err });
  }
  if (typeof alg !== 'string' || !algorithms.includes(alg)) {
    throw new AuthError(
      'unsupported_algorithm',
      `The token's algorithm ${JSON.stringify(alg)} is not accepted.`,
    );
  }
  if (iss !== issuer) {
    throw new AuthError('wrong_issuer', `The token was not issued by ${issuer}.`);
  }
  return { alg, kid: typeof kid === 'string' ? kid : undefined };
}

function audienceMatches(claims: JWTPayload, audience: string): boolean {
  const aud = claims.aud;
  if (aud === audience || (Array.isArray(aud) && aud.includes(audience))) return true;
  return claims['azp'] === audience;
}

function translate(err: unknown): AuthError {
  if (err instanceof AuthError) return err;
  if (err instanceof errors.JWTExpired) {
    return new AuthError('token_expired', 'The token has expired; get a new one.', { cause: err });
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    switch (err.claim) {
      case 'iss':
        return new AuthError('wrong_issuer', 'The token was issued by another issuer.', { cause: err });
      case 'nbf':
        return new AuthError('invalid_token', 'The token is not valid yet (its "nbf" is in the future).', {
          cause: err,
        });
      case 'exp':
        return new AuthError('invalid_token', 'The token has no usable expiry ("exp").', { cause: err });
      default:
        return new AuthError('invalid_token', `The token's "${err.claim}" claim is not acceptable.`, {
          cause: err,
        });
    }
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) {
    return new AuthError('unsupported_algorithm', "The token's algorithm is not accepted.", { cause: err });
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthError('invalid_token', "The token's signature does not verify.", { cause: err });
  }
  if (err instanceof errors.JWKSNoMatchingKey) {
    return new AuthError('invalid_token', 'The token is signed with a key the issuer does not publish.', {
      cause: err,
    });
  }
  return new AuthError('invalid_token', 'The token is not a valid JWT.', { cause: err });
}
