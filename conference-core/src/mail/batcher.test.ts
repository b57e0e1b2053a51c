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

  it('with a linger, gathers the calls of that moment into one statement, and starts at once when enough wait', async () => {
    const batches: number[][] = [];
    const batcher = createBatcher<number, number>(
      async (keys) => {
        batches.push([...keys]);
        await new Promise((r) => setTimeout(r, 5));
        return keys.map((k) => -k);
      },
      // Far apart from what the test waits and allows, so a loaded machine cannot blur them.
      { lingerMs: 2_000, enough: 3 },
    );
    const first = batcher.run(1);
    await new Promise((r) => setTimeout(r, 5));
    expect(batches).toEqual([]);
    const second = batcher.run(2);
    expect(await Promise.all([first, second])).toEqual([-1, -2]);
    expect(batches).toEqual([[1, 2]]);
    const started = Date.now();
    expect(await Promise.all([4, 5, 6].map((k) => batcher.run(k)))).toEqual([-4, -5, -6]);
    expect(batches).toEqual([
      [1, 2],
      [4, 5, 6],
    ]);
    expect(Date.now() - started).toBeLessThan(1_500);
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
