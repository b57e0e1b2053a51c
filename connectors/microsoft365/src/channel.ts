/**
 * Hands values from several producers to one consumer, one at a time: a producer's `put` resolves
 * when the consumer took the value, so producers never run ahead of what has been applied.
 */
export class Channel<T> {
  readonly #items: { value: T; taken: () => void }[] = [];
  #wake: (() => void) | undefined;
  #error: unknown = undefined;
  #failed = false;

  #closed = false;

  put(value: T): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((taken) => {
      this.#items.push({ value, taken });
      this.#wake?.();
    });
  }

  fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#error = error;
    this.#wake?.();
  }

  /** The next value, or `done` once `finished` resolved and nothing is left; throws a producer's error. */
  async take(finished: () => boolean): Promise<{ done: true } | { done: false; value: T }> {
    for (;;) {
      if (this.#failed) throw this.#error;
      const next = this.#items.shift();
      if (next !== undefined) {
        next.taken();
        return { done: false, value: next.value };
      }
      if (finished()) return { done: true };
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
  }

  /** A value already waiting, without waiting for one; undefined when none is. */
  takeReady(): T | undefined {
    if (this.#failed) throw this.#error;
    const next = this.#items.shift();
    next?.taken();
    return next?.value;
  }

  /** The consumer left: release every waiting producer (they stop at their next aborted call). */
  close(): void {
    this.#closed = true;
    for (const item of this.#items.splice(0)) item.taken();
  }

  /** Wakes the consumer to look at `finished` again. */
  poke(): void {
    this.#wake?.();
  }
}
