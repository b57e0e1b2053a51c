/**
 * At most `limit` tasks at a time per key. Graph allows 4 concurrent requests per mailbox
 * ("MailboxConcurrency"); more only buys 429s, so we queue them here instead.
 */
export class KeyedLimiter {
  readonly #limit: number;
  readonly #active = new Map<string, number>();
  readonly #waiting = new Map<string, (() => void)[]>();

  constructor(limit: number) {
    this.#limit = limit;
  }

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    await this.#acquire(key);
    try {
      return await task();
    } finally {
      this.#release(key);
    }
  }

  async #acquire(key: string): Promise<void> {
    const active = this.#active.get(key) ?? 0;
    if (active < this.#limit) {
      this.#active.set(key, active + 1);
      return;
    }
    await new Promise<void>((resolve) => {
      const queue = this.#waiting.get(key) ?? [];
      queue.push(resolve);
      this.#waiting.set(key, queue);
    });
  }

  #release(key: string): void {
    const next = this.#waiting.get(key)?.shift();
    if (next !== undefined) {
      next(); // the slot passes straight to the next waiter
      return;
    }
    this.#waiting.delete(key);
    const active = (this.#active.get(key) ?? 1) - 1;
    if (active === 0) this.#active.delete(key);
    else this.#active.set(key, active);
  }
}
