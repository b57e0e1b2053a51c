import { describe, expect, it } from 'vitest';

import { readAhead } from './read-ahead.js';

/** A source that records how far it was read and whether it was closed. */
function source(items: number, options: { failAt?: number; hangAt?: number } = {}) {
  const log = { reads: 0, closed: false, release: () => undefined as void };
  async function* generate() {
    try {
      for (let i = 0; i < items; i++) {
        log.reads++;
        if (i === options.hangAt) await new Promise<void>((resolve) => (log.release = resolve));
        if (i === options.failAt) throw new Error(`read ${i} failed`);
        yield i;
      }
    } finally {
      log.closed = true;
    }
  }
  return { log, items: generate() };
}

describe('readAhead', () => {
  it('yields every item in order while reading exactly one ahead of the consumer', async () => {
    const { log, items } = source(4);
    const seen: { item: number; reads: number }[] = [];
    for await (const item of readAhead(items)) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push({ item, reads: log.reads });
    }
    expect(seen).toEqual([
      { item: 0, reads: 2 },
      { item: 1, reads: 3 },
      { item: 2, reads: 4 },
      { item: 3, reads: 4 },
    ]);
    expect(log.closed).toBe(true);
  });

  it('throws a failed read only when the consumer asks for that item, after the current one is done', async () => {
    const { items } = source(4, { failAt: 2 });
    const done: number[] = [];
    await expect(
      (async () => {
        for await (const item of readAhead(items)) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          done.push(item);
        }
      })(),
    ).rejects.toThrow('read 2 failed');
    expect(done).toEqual([0, 1]);
  });

  it('closes the source when the consumer stops, without waiting for a read that hangs', async () => {
    const { log, items } = source(4, { hangAt: 1 });
    for await (const item of readAhead(items)) {
      expect(item).toBe(0);
      break;
    }
    expect(log.closed).toBe(false);
    log.release();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(log.closed).toBe(true);
    expect(log.reads).toBe(2);
  });
});

describe('readAhead with a limit and a merge', () => {
  const options = (limit: number) => ({
    limit,
    merge: {
      mergeable: (item: number[]) => !item.includes(-1),
      join: (items: readonly number[][]) => items.flat(),
    },
  });

  async function* batches(items: number[][], read: { count: number }) {
    for (const item of items) {
      read.count++;
      yield await Promise.resolve(item);
    }
  }

  it('joins the items that piled up while the consumer worked, in order, and reads no further than the limit', async () => {
    const read = { count: 0 };
    const taken: { item: number[]; read: number }[] = [];
    const source = batches([[1, 2], [3], [4, 5], [6], [7]], read);
    for await (const item of readAhead(source, options(2))) {
      taken.push({ item, read: read.count });
      // A slow consumer: everything the limit allows piles up meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(taken.map((t) => t.item).flat()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // While [1, 2] was worked on, [3] and [4, 5] were read (two items, the limit) and no more.
    expect(taken[0]?.item).toEqual([1, 2]);
    expect(taken[0]?.read).toBeLessThanOrEqual(3);
    expect(taken[1]?.item).toEqual([3, 4, 5]);
    expect(taken.length).toBeLessThan(5);
  });

  it('hands an item it may not join over alone, between the joined ones', async () => {
    const read = { count: 0 };
    const taken: number[][] = [];
    const source = batches([[1], [2], [-1], [3], [4]], read);
    for await (const item of readAhead(source, options(10))) {
      taken.push(item);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(taken.flat()).toEqual([1, 2, -1, 3, 4]);
    expect(taken).toContainEqual([-1]);
  });

  it('throws a failed read only after handing over every item read before it', async () => {
    async function* failing() {
      yield [1];
      yield await Promise.resolve([2]);
      throw new Error('read 3 failed');
    }
    const taken: number[][] = [];
    await expect(
      (async () => {
        for await (const item of readAhead(failing(), options(10))) {
          taken.push(item);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })(),
    ).rejects.toThrow('read 3 failed');
    expect(taken.flat()).toEqual([1, 2]);
  });
});
