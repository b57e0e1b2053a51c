/**
 * Calls `attempt` until it succeeds or `signal` aborts, waiting between tries with exponential
 * backoff (doubling from `initialDelayMs` up to `maxDelayMs`). Used where a backend may come up
 * after the hub does: the process keeps serving `/healthz` and reports unready instead of crash
 * looping.
 */
export interface RetryOptions {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly signal: AbortSignal;
  /** Told about each failure and the wait before the next try. */
  readonly onFailure: (error: unknown, attempt: number, nextDelayMs: number) => void;
}

export async function retryWithBackoff<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  let delay = options.initialDelayMs;
  for (let n = 1; ; n++) {
    options.signal.throwIfAborted();
    try {
      return await attempt();
    } catch (err) {
      options.signal.throwIfAborted();
      options.onFailure(err, n, delay);
      await sleep(delay, options.signal);
      delay = Math.min(delay * 2, options.maxDelayMs);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      signal.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted(): void {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    }
    signal.addEventListener('abort', aborted, { once: true });
  });
}
