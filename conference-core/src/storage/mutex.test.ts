import { describe, expect, it } from 'vitest';
import { Mutex } from './mutex.js';

const timeout = () => new Error('timed out');

describe('Mutex', () => {
  it('grants the lock to waiters in the order they asked', async () => {
    const mutex = new Mutex();
    const order: number[] = [];
    await mutex.lock(1_000, timeout);
    const waiters = [1, 2, 3].map((n) => mutex.lock(1_000, timeout).then(() => order.push(n)));
    for (let i = 0; i < 3; i++) {
      await Promise.resolve();
      mutex.unlock();
      await waiters[i];
    }
    expect(order).toEqual([1, 2, 3]);
  });

  it('rejects a waiter after its timeout and skips it when the lock is released', async () => {
    const mutex = new Mutex();
    await mutex.lock(1_000, timeout);
    await expect(mutex.lock(20, timeout)).rejects.toThrow('timed out');
    const next = mutex.lock(1_000, timeout);
    mutex.unlock();
    await expect(next).resolves.toBeUndefined();
    expect(mutex.locked).toBe(true);
    mutex.unlock();
    expect(mutex.locked).toBe(false);
  });

  it('refuses to unlock a lock nobody holds', () => {
    expect(() => new Mutex().unlock()).toThrow(/not locked/);
  });
});
