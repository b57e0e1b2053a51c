/**
 * Group commit for small database statements: calls that arrive while a statement is in flight
 * wait for it and then go together in the next one. Each caller still awaits its own result, so a
 * job is acknowledged only after its row is written; with ten deliveries in flight this turns ten
 * round trips into one or two.
 */
export interface Batcher<K, R> {
  run(key: K): Promise<R>;
}

export interface BatcherOptions {
  /**
   * How long a call that finds no statement in flight waits for others to join it (default 0: it
   * starts at once, and a lone call waits for nothing).
   */
  readonly lingerMs?: number;
  /** With a linger: this many waiting calls start at once (default 64). */
  readonly enough?: number;
}

export function createBatcher<K, R>(
  flush: (keys: readonly K[]) => Promise<readonly R[]>,
  options: BatcherOptions = {},
): Batcher<K, R> {
  const lingerMs = options.lingerMs ?? 0;
  const enough = options.enough ?? 64;
  let waiting: { key: K; resolve: (value: R) => void; reject: (error: unknown) => void }[] = [];
  let busy = false;
  let timer: NodeJS.Timeout | undefined;

  const drain = async (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    busy = true;
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      try {
        const results = await flush(batch.map((w) => w.key));
        batch.forEach((w, i) => w.resolve(results[i] as R));
      } catch (error) {
        // Everyone in the batch fails; their jobs retry (the rows say what is still to do).
        for (const w of batch) w.reject(error);
      }
    }
    busy = false;
  };

  return {
    run(key) {
      return new Promise<R>((resolve, reject) => {
        waiting.push({ key, resolve, reject });
        if (busy) return;
        // Calls that arrive while a statement runs wait for it anyway: they go next, at once.
        if (lingerMs <= 0 || waiting.length >= enough) void drain();
        else timer ??= setTimeout(() => void drain(), lingerMs);
      });
    },
  };
}
