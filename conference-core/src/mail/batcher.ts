/**
 * Group commit for small database statements: calls that arrive while a statement is in flight
 * wait for it and then go together in the next one. Each caller still awaits its own result, so a
 * job is acknowledged only after its row is written; with ten deliveries in flight this turns ten
 * round trips into one or two.
 */
export interface Batcher<K, R> {
  run(key: K): Promise<R>;
}

export function createBatcher<K, R>(flush: (keys: readonly K[]) => Promise<readonly R[]>): Batcher<K, R> {
  let waiting: { key: K; resolve: (value: R) => void; reject: (error: unknown) => void }[] = [];
  let busy = false;

  const drain = async (): Promise<void> => {
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
        // The first caller starts at once (no timer: a lone delivery waits for nothing).
        if (!busy) void drain();
      });
    },
  };
}
