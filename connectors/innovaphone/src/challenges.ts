import { randomInt } from 'node:crypto';

export type ChallengeVerdict = 'ok' | 'unknown' | 'used' | 'stale';

export interface ChallengeBookOptions {
  /** How long an issued challenge may be answered. */
  readonly ttlMs?: number;
  /** Upper bound on challenges waiting for a login (a flood cannot grow memory without end). */
  readonly maxOpen?: number;
  readonly now?: () => number;
}

/**
 * Challenges this service issued for AppLogin. The ExternalAppService tutorial asks the service to
 * check that a login answers a challenge it issued and that was not used before; here each one is
 * also short-lived. Used challenges are remembered until they would have expired anyway, so a
 * replayed login says "used" rather than "unknown".
 */
export class ChallengeBook {
  private readonly open = new Map<string, number>();
  private readonly used = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly maxOpen: number;
  private readonly now: () => number;

  constructor(options: ChallengeBookOptions = {}) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.maxOpen = options.maxOpen ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** 16 decimal digits, the innovaphone style (the SDK allows at most 16 characters). */
  issue(): string {
    this.sweep();
    if (this.open.size >= this.maxOpen) {
      // Drop the oldest: a flood of unanswered challenges costs the flooder, not the service.
      const oldest = this.open.keys().next();
      if (oldest.done !== true) this.open.delete(oldest.value);
    }
    let challenge = '';
    do {
      challenge = Array.from({ length: 16 }, () => String(randomInt(10))).join('');
    } while (this.open.has(challenge) || this.used.has(challenge));
    this.open.set(challenge, this.now() + this.ttlMs);
    return challenge;
  }

  /** Takes the challenge out of play whatever the verdict: a challenge is answered once. */
  consume(challenge: string): ChallengeVerdict {
    const at = this.now();
    if (this.used.has(challenge)) return 'used';
    const expires = this.open.get(challenge);
    if (expires === undefined) return 'unknown';
    this.open.delete(challenge);
    this.used.set(challenge, expires);
    return expires < at ? 'stale' : 'ok';
  }

  private sweep(): void {
    const at = this.now();
    for (const [challenge, expires] of this.open) if (expires < at) this.open.delete(challenge);
    for (const [challenge, expires] of this.used) if (expires < at) this.used.delete(challenge);
  }
}
