/** How far `readAhead` may read ahead, and how it hands over what piled up meanwhile. */
export interface ReadAheadOptions<T> {
  /** Reads ahead while fewer items than this wait (default 1: one item ahead). */
  readonly limit: number;
  /**
   * Joins items that waited into one for the consumer, in order; items it may not join (it says
   * by `mergeable`) are handed over alone. Without it every item is handed over alone.
   */
  readonly merge?: {
    readonly mergeable: (item: T) => boolean;
    readonly join: (items: readonly T[]) => T;
  };
}

/**
 * Yields the items of `source`, reading on while the consumer works on the current one: a sync
 * run applies batch N to the database while the connector already reads the next ones from the
 * upstream. By default exactly one item is read ahead, so memory stays bounded by two batches;
 * with a larger `limit` several are, and `merge` hands what piled up to the consumer at once
 * (a sync run then commits them in one transaction, with the last one's cursor). Reading ahead
 * adapts that way: when the consumer is the slower side it gets bigger units, when the source is,
 * it gets each item as it arrives.
 *
 * The consumer sees everything in order: a failure of the read ahead is thrown only when the
 * consumer asks for more after taking every item read before it (a sync run has then committed
 * them and their cursor, and resumes after them).
 *
 * When the consumer stops early (lease lost, an error, shutdown) the source is closed; if a read
 * is still in flight, it is closed once that read settles, without making the consumer wait for
 * an upstream that may hang (the job's abort signal is what ends such a read).
 */
export async function* readAhead<T>(
  source: AsyncIterable<T>,
  options: ReadAheadOptions<T> = { limit: 1 },
): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  const waiting: T[] = [];
  let pending: Promise<unknown> | undefined;
  let ended = false;
  let failure: { readonly error: unknown } | undefined;
  let wake: (() => void) | undefined;

  const readMore = (): void => {
    if (pending !== undefined || ended || failure !== undefined || waiting.length >= options.limit) return;
    pending = iterator.next().then(
      (result) => {
        pending = undefined;
        if (result.done === true) ended = true;
        else waiting.push(result.value);
        wake?.();
        readMore();
      },
      (error: unknown) => {
        pending = undefined;
        failure = { error };
        wake?.();
      },
    );
  };

  try {
    readMore();
    for (;;) {
      while (waiting.length === 0 && !ended && failure === undefined) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      const first = waiting.shift();
      if (first === undefined) {
        if (failure !== undefined) throw failure.error;
        return;
      }
      const taken = [first];
      const merge = options.merge;
      if (merge?.mergeable(first) === true) {
        while (waiting.length > 0 && merge.mergeable(waiting[0]!)) taken.push(waiting.shift()!);
      }
      readMore();
      yield taken.length === 1 || merge === undefined ? first : merge.join(taken);
    }
  } finally {
    if (pending === undefined) await iterator.return?.();
    else {
      const close = () => iterator.return?.();
      void pending.then(close, close).catch(() => undefined);
    }
  }
}
