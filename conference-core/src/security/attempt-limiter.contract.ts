import { afterEach, describe, expect, it } from 'vitest';

import { delayAfter, type AttemptLimiter, type AttemptPolicy } from './attempt-limiter.js';

const policy: AttemptPolicy = { freeFailures: 2, baseDelayMs: 1_000, maxDelayMs: 8_000, windowMs: 60_000 };

/** Both limiters impose the same waits; `make` gets a policy and a controllable clock. */
export function describeAttemptLimiterContract(
  label: string,
  make: (policy: AttemptPolicy, now: () => number) => AttemptLimiter,
): void {
  describe(`${label} attempt limiter`, () => {
    let clock = 1_000_000;
    const limiters: AttemptLimiter[] = [];
    const open = (p: AttemptPolicy = policy): AttemptLimiter => {
      const limiter = make(p, () => clock);
      limiters.push(limiter);
      return limiter;
    };
    afterEach(async () => {
      await Promise.all(limiters.splice(0).map((l) => l.close()));
    });
    const unique = (name: string) => `${name}-${Math.random().toString(36).slice(2)}`;

    it('allows the free failures, then doubles the wait after each further one up to the cap', async () => {
      const limiter = open();
      const key = unique('ip');
      const waits: number[] = [];
      for (let i = 0; i < 7; i++) {
        const v = await limiter.fail([key]);
        waits.push(v.allowed ? 0 : v.retryAfterMs);
      }
      expect(waits).toEqual([0, 0, 1_000, 2_000, 4_000, 8_000, 8_000]);
      expect(waits).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => delayAfter(n, policy)));
    });

    it('refuses an attempt until the wait is over, then allows it', async () => {
      const limiter = open();
      const key = unique('room');
      for (let i = 0; i < 3; i++) await limiter.fail([key]);
      expect(await limiter.check([key])).toEqual({ allowed: false, retryAfterMs: 1_000 });
      clock += 400;
      expect(await limiter.check([key])).toEqual({ allowed: false, retryAfterMs: 600 });
      clock += 600;
      expect(await limiter.check([key])).toEqual({ allowed: true });
    });

    it('reports the longest wait of all keys and counts against each of them', async () => {
      const limiter = open();
      const [source, room] = [unique('ip'), unique('room')];
      for (let i = 0; i < 4; i++) await limiter.fail([source]);
      await limiter.fail([source, room]);
      expect(await limiter.check([room])).toEqual({ allowed: true });
      expect(await limiter.check([room, source])).toEqual({ allowed: false, retryAfterMs: 4_000 });
    });

    it('forgets failures on reset, and a window after the last failure', async () => {
      const limiter = open({ ...policy, windowMs: 2_000 });
      const [a, b] = [unique('a'), unique('b')];
      for (let i = 0; i < 3; i++) await limiter.fail([a, b]);
      await limiter.reset([a]);
      expect(await limiter.check([a])).toEqual({ allowed: true });
      expect((await limiter.fail([a])).allowed).toBe(true);
      clock += 2_500;
      await new Promise((r) => setTimeout(r, 2_100)); // Redis expiry runs on real time
      expect(await limiter.check([b])).toEqual({ allowed: true });
      expect((await limiter.fail([b])).allowed).toBe(true);
    });

    it('never loses a failure when many arrive at once', async () => {
      const limiter = open({ ...policy, freeFailures: 50 });
      const key = unique('burst');
      await Promise.all(Array.from({ length: 50 }, () => limiter.fail([key])));
      expect(await limiter.fail([key])).toEqual({ allowed: false, retryAfterMs: 1_000 });
    });
  });
}
