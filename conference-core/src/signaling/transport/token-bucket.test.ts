import { describe, expect, it } from 'vitest';

import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('allows the burst, then refuses until time refills it at the given rate', () => {
    const bucket = new TokenBucket(3, 10, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(bucket.take(50)).toBe(false);
    expect(bucket.take(100)).toBe(true);
    expect(bucket.take(100)).toBe(false);
  });

  it('never holds more than its capacity however long it rested', () => {
    const bucket = new TokenBucket(2, 10, 0);
    bucket.take(0);
    const taken = [1, 2, 3].map(() => bucket.take(60_000));
    expect(taken).toEqual([true, true, false]);
  });
});
