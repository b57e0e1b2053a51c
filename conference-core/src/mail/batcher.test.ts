import { describe, expect, it } from 'vitest';

import { createBatcher } from './batcher.js';

describe('the group-commit batcher', () => {
  it('sends calls that arrive while a statement runs together in the next one, each getting its own result', async () => {
    const batches: number[][] = [];
    const batcher = createBatcher<number, number>(async (keys) => {
      batches.push([...keys]);
      await new Promise((r) => setTimeout(r, 10));
      return keys.map((k) => k * 10);
    });
    const results = await Promise.all([1, 2, 3, 4].map((k) => batcher.run(k)));
    expect(results).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('fails every caller of a failed statement and carries on with the next batch', async () => {
    let calls = 0;
    const batcher = createBatcher<string, string>(async (keys) => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      if (calls === 2) throw new Error('connection lost');
      return keys.map((k) => k.toUpperCase());
    });
    const settled = await Promise.allSettled(['a', 'b', 'c'].map((k) => batcher.run(k)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(await batcher.run('d')).toBe('D');
  });
});
