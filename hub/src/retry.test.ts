import { describe, expect, it } from 'vitest';

import { retryWithBackoff } from './retry.js';

describe('retryWithBackoff', () => {
  it('retries until the attempt succeeds, doubling the wait up to the cap', async () => {
    const delays: number[] = [];
    let calls = 0;
    const value = await retryWithBackoff(
      () => {
        calls++;
        return calls < 5 ? Promise.reject(new Error(`down ${calls}`)) : Promise.resolve('up');
      },
      {
        initialDelayMs: 1,
        maxDelayMs: 4,
        signal: new AbortController().signal,
        onFailure: (_err, _attempt, next) => delays.push(next),
      },
    );
    expect(value).toBe('up');
    expect(delays).toEqual([1, 2, 4, 4]);
  });

  it('stops waiting as soon as it is aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = retryWithBackoff(() => Promise.reject(new Error('down')), {
      initialDelayMs: 60_000,
      maxDelayMs: 60_000,
      signal: controller.signal,
      onFailure: () => setTimeout(() => controller.abort(new Error('shutting down')), 10),
    });
    await expect(pending).rejects.toThrow('shutting down');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
