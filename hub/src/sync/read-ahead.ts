/**
 * Yields the items of `source`, reading the next one while the consumer works on the current one:
 * a sync run applies batch N to the database while the connector already reads batch N+1 from
 * the upstream. At most one item is read ahead, so memory stays bounded by two batches.
 *
 * The consumer sees everything in order and exactly as before: a failure of the read ahead is
 * thrown only when the consumer asks for that item, i.e. after the current one is done (a sync
 * run has then committed the current batch and its cursor, and resumes after it).
 *
 * When the consumer stops early (lease lost, an error, shutdown) the source is closed; if a read
 * is still in flight, it is closed once that read settles, without making the consumer wait for
 * an upstream that may hang (the job's abort signal is what ends such a read).
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined = iterator.next();
  try {
    for (;;) {
      const result: IteratorResult<T> = await pending;
      pending = undefined;
      if (result.done === true) return;
      pending = iterator.next();
      // Observed when the consumer asks for it; until then, a rejection must not count as unhandled.
      pending.catch(() => undefined);
      yield result.value;
    }
  } finally {
    if (pending === undefined) await iterator.return?.();
    else {
      const close = () => iterator.return?.();
      void pending.then(close, close).catch(() => undefined);
    }
  }
}
