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
