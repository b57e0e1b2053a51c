/**
 * Brute-force protection for secrets people type: room passwords and dial-in PINs. Every failed
 * attempt counts against each key it names (a source address, a room, a conference id); after a
 * few free failures each further one doubles the wait before the next attempt is allowed, up to
 * a cap. Failures are forgotten a window after the last one, or on success.
 */
export interface AttemptPolicy {
  /** Failures allowed without any wait. */
  readonly freeFailures: number;
  /** The wait after the first failure beyond the free ones; each further failure doubles it. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Failures older than this (counted from the last failure) are forgotten. */
  readonly windowMs: number;
}

export type AttemptVerdict =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

export interface AttemptLimiter {
  readonly kind: 'memory' | 'redis';
  /** Whether an attempt may be made now for every key; if not, the longest remaining wait. */
  check(keys: readonly string[]): Promise<AttemptVerdict>;
  /** Counts a failed attempt against every key; returns whether the next attempt must wait. */
  fail(keys: readonly string[]): Promise<AttemptVerdict>;
  /** Forgets the failures of these keys, e.g. the source's after a correct password. */
  reset(keys: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** The wait imposed after `failures` failures: none while free, then doubling up to the cap. */
export function delayAfter(failures: number, policy: AttemptPolicy): number {
  if (failures <= policy.freeFailures) return 0;
  const exponent = Math.min(failures - policy.freeFailures - 1, 30);
  return Math.min(policy.baseDelayMs * 2 ** exponent, policy.maxDelayMs);
}

export function verdict(retryAfterMs: number): AttemptVerdict {
  return retryAfterMs > 0 ? { allowed: false, retryAfterMs } : { allowed: true };
}

/** Room passwords per source address: a person mistyping gets a few tries; a script does not. */
export const passwordBySource: AttemptPolicy = {
  freeFailures: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  windowMs: 60 * 60_000,
};

/** Per room or conference, across all sources: slows a distributed guess without locking out at once. */
export const secretByTarget: AttemptPolicy = {
  freeFailures: 30,
  baseDelayMs: 1_000,
  maxDelayMs: 5 * 60_000,
  windowMs: 60 * 60_000,
};
