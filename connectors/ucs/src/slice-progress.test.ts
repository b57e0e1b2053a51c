import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { SliceProgress } from './slice-progress.js';

const progressOf = (ids: readonly string[]): SliceProgress => {
  const progress = new SliceProgress();
  for (const id of ids) progress.add(id);
  return progress;
};

describe('slice progress', () => {
  it('gives the same digest for the same entries in any order, and counts them', () => {
    const ids = Array.from({ length: 50 }, () => randomUUID());
    const forward = progressOf(ids);
    const backward = progressOf([...ids].reverse());
    expect(forward.count).toBe(50);
    expect(backward.digest).toBe(forward.digest);
    expect(forward.digest).toMatch(/^[0-9a-f]{16}$/);
  });

  it('tells other entries apart, also evenly spaced time-based ids whose sums match', () => {
    const ids = Array.from({ length: 20 }, () => randomUUID());
    const other = [...ids.slice(0, 19), randomUUID()];
    expect(progressOf(other).digest).not.toBe(progressOf(ids).digest);
    // {t1, t4} and {t2, t3}: equal sums as numbers, different sets.
    const t = (n: number) => `0000000${n}-8338-1041-9c73-d35caafae00f`;
    expect(progressOf([t(1), t(4)]).digest).not.toBe(progressOf([t(2), t(3)]).digest);
    expect(new SliceProgress().digest).toBe('0000000000000000');
  });

  it('keeps the digest stored cursors hold (a changed hash would hand every resumed slice out again)', () => {
    const ids = ['c0ffee00-1234-4abc-9def-0123456789ab', '00000000-0000-4000-8000-000000000001'];
    expect(progressOf(ids).digest).toBe('47fbc204486b76b0');
  });
});
