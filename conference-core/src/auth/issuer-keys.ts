import {
  createLocalJWKSet,
  type CryptoKey,
  errors,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
  type LocalJWKSet,
} from 'jose';
import { z } from 'zod';

import { AuthError } from './auth-error.js';

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** Where the keys come from: the issuer over HTTP (discovered or given), or in-process. */
export type KeySource =
  | {
      readonly kind: 'remote';
      readonly issuer: string;
      readonly jwksUri: URL | undefined;
      readonly fetch: FetchLike;
      readonly timeoutMs: number;
    }
  | { readonly kind: 'local'; readonly load: () => JSONWebKeySet | Promise<JSONWebKeySet> };

export interface IssuerKeysOptions {
  /** Keys older than this are refreshed in the background; until then, and if that fails, the old ones serve. */
  readonly maxAgeMs: number;
  /** At most one load per interval, successful or not: unknown `kid`s and a dead issuer cannot make us hammer it. */
  readonly minRefetchIntervalMs: number;
}

const discoverySchema = z.object({ issuer: z.string(), jwks_uri: z.url({ protocol: /^https?$/ }) });

/**
 * The issuer's signing keys, cached. jose's `createLocalJWKSet` picks the key; this class decides
 * when to fetch. Written instead of using `createRemoteJWKSet` for three reasons (see README):
 * lazy discovery of `jwks_uri`, serving the last good keys while the issuer is briefly away (jose
 * refetches stale keys and fails the request when that fails), and a refetch limit that also
 * counts failed attempts.
 */
export class IssuerKeys {
  readonly #source: KeySource;
  readonly #options: IssuerKeysOptions;
  #keys: LocalJWKSet | undefined;
  #loadedAt = Number.NEGATIVE_INFINITY;
  #attemptedAt = Number.NEGATIVE_INFINITY;
  #lastError: AuthError | undefined;
  #pending: Promise<void> | undefined;
  #jwksUri: URL | undefined;

  constructor(source: KeySource, options: IssuerKeysOptions) {
    this.#source = source;
    this.#options = options;
    if (source.kind === 'remote') this.#jwksUri = source.jwksUri;
  }

  /** A jose key resolver for `jwtVerify`. Throws `AuthError('issuer_unavailable')` when no keys can be had. */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> => {
    if (this.#keys === undefined) {
      await this.#load();
    } else if (Date.now() - this.#loadedAt > this.#options.maxAgeMs && this.#mayAttempt()) {
      this.#load().catch(() => undefined);
    }
    const keys = this.#keys;
    if (keys === undefined) throw this.#unavailable();
    try {
      return await keys(header, token);
    } catch (err) {
      // A key we have not seen: the issuer may have rotated. Look once, within the limit.
      if (!(err instanceof errors.JWKSNoMatchingKey) || !this.#mayAttempt()) throw err;
      await this.#load();
      // The issuer is away: the token may well be good, so "try later" rather than "invalid".
      if (this.#lastError !== undefined) throw this.#lastError;
      return (this.#keys ?? keys)(header, token);
    }
  };

  #mayAttempt(): boolean {
    return (
      this.#pending !== undefined || Date.now() - this.#attemptedAt >= this.#options.minRefetchIntervalMs
    );
  }

  #unavailable(): AuthError {
    return (
      this.#lastError ??
      new AuthError('issuer_unavailable', "The issuer's signing keys are not loaded yet; try again shortly.")
    );
  }

  /** One load at a time; a failure keeps the previous keys and is rethrown only when there are none. */
  #load(): Promise<void> {
    if (this.#pending !== undefined) return this.#pending;
    if (!this.#mayAttempt()) return Promise.reject(this.#unavailable());
    this.#attemptedAt = Date.now();
    const pending = this.#fetchKeySet()
      .then((jwks) => {
        this.#keys = createLocalJWKSet(jwks);
        this.#loadedAt = Date.now();
        this.#lastError = undefined;
      })
      .catch((err: unknown) => {
        const error =
          err instanceof AuthError
            ? err
            : new AuthError('issuer_unavailable', `The issuer's key set is not usable: ${describe(err)}.`, {
                cause: err,
              });
        this.#lastError = error;
        if (this.#keys === undefined) throw error;
      })
      .finally(() => {
        this.#pending = undefined;
      });
    this.#pending = pending;
    return pending;
  }

  async #fetchKeySet(): Promise<JSONWebKeySet> {
    const source = this.#source;
    if (source.kind === 'local') return source.load();
    this.#jwksUri ??= await this.#discover(source);
    const body = await getJson(source, this.#jwksUri, 'key set');
    if (typeof body !== 'object' || body === null || !Array.isArray((body as { keys?: unknown }).keys)) {
      throw new AuthError(
        'issuer_unavailable',
        `The issuer's key set at ${this.#jwksUri.href} has no "keys" array.`,
      );
    }
    return body as JSONWebKeySet;
  }

  async #discover(source: Extract<KeySource, { kind: 'remote' }>): Promise<URL> {
    const url = new URL(`${source.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
    const parsed = discoverySchema.safeParse(await getJson(source, url, 'discovery document'));
    if (!parsed.success) {
      throw new AuthError(
        'issuer_unavailable',
        `The discovery document at ${url.href} has no usable "issuer" and "jwks_uri".`,
      );
    }
    // The document must describe the issuer we were told to trust (OpenID Connect Discovery 1.0, 4.3).
    if (parsed.data.issuer !== source.issuer) {
      throw new AuthError(
        'issuer_unavailable',
        `The discovery document at ${url.href} names issuer ${parsed.data.issuer}, not the configured ${source.issuer}.`,
      );
    }
    return new URL(parsed.data.jwks_uri);
  }
}

async function getJson(
  source: Extract<KeySource, { kind: 'remote' }>,
  url: URL,
  what: string,
): Promise<unknown> {
  let response: Response;
  try {
    response = await source.fetch(url, {
      headers: { accept: 'application/json, application/jwk-set+json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(source.timeoutMs),
    });
  } catch (err) {
    throw new AuthError(
      'issuer_unavailable',
      `The issuer's ${what} at ${url.href} cannot be fetched: ${describe(err)}.`,
      {
        cause: err,
      },
    );
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new AuthError(
      'issuer_unavailable',
      `The issuer's ${what} at ${url.href} answered HTTP ${response.status}.`,
    );
  }
  try {
    return await response.json();
  } catch (err) {
    throw new AuthError('issuer_unavailable', `The issuer's ${what} at ${url.href} is not JSON.`, {
      cause: err,
    });
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
