/**
 * A first-come-first-served lock for one resource held across awaits (the single PGlite
 * connection). Waiting has a deadline because the usual way to wait forever is a deadlock in the
 * caller's own code, and an error that says so beats a request that never returns.
 */
export class Mutex {
  #locked = false;
  readonly #waiters: Array<() => void> = [];

  get locked(): boolean {
    return this.#locked;
  }

  /** Resolves once the caller holds the lock; rejects with `onTimeout()` after `timeoutMs`. */
  lock(timeoutMs: number, onTimeout: () => Error): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const index = this.#waiters.indexOf(grant);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(onTimeout());
      }, timeoutMs);
      this.#waiters.push(grant);
    });
  }

  /** Hands the lock to the longest waiter, or frees it. */
  unlock(): void {
    if (!this.#locked) throw new Error('unlock() of a mutex that is not locked');
    const next = this.#waiters.shift();
    if (next) next();
    else this.#locked = false;
  }
}
