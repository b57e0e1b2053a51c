import {
  delayAfter,
  verdict,
  type AttemptLimiter,
  type AttemptPolicy,
  type AttemptVerdict,
} from './attempt-limiter.js';

interface KeyState {
  failures: number;
  blockedUntil: number;
  lastFailure: number;
}

/** Embedded mode: one process sees every attempt. Stale keys are swept once a minute. */
export class MemoryAttemptLimiter implements AttemptLimiter {
  readonly kind = 'memory';
  private readonly keys = new Map<string, KeyState>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly now: () => number;
  private readonly policy: AttemptPolicy;

  constructor(policy: AttemptPolicy, options: { now?: () => number } = {}) {
    this.policy = policy;
    this.now = options.now ?? Date.now;
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  check(keys: readonly string[]): Promise<AttemptVerdict> {
    const now = this.now();
    const wait = Math.max(0, ...keys.map((key) => (this.live(key, now)?.blockedUntil ?? 0) - now));
    return Promise.resolve(verdict(wait));
  }

  fail(keys: readonly string[]): Promise<AttemptVerdict> {
    const now = this.now();
    let wait = 0;
    for (const key of keys) {
      const state = this.live(key, now) ?? { failures: 0, blockedUntil: 0, lastFailure: now };
      state.failures += 1;
      state.lastFailure = now;
      state.blockedUntil = now + delayAfter(state.failures, this.policy);
      this.keys.set(key, state);
      wait = Math.max(wait, state.blockedUntil - now);
    }
    return Promise.resolve(verdict(wait));
  }

  reset(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.keys.delete(key);
    return Promise.resolve();
  }

  close(): Promise<void> {
    clearInterval(this.sweeper);
    return Promise.resolve();
  }

  private live(key: string, now: number): KeyState | undefined {
    const state = this.keys.get(key);
    if (state !== undefined && now - state.lastFailure >= this.policy.windowMs) {
      this.keys.delete(key);
      return undefined;
    }
    return state;
  }

  private sweep(): void {
    const now = this.now();
    for (const key of [...this.keys.keys()]) this.live(key, now);
  }
}
