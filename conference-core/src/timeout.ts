/**
 * Settles like `promise`, or rejects with `<message> within <ms> ms` when it takes longer. The
 * promise is not cancelled: a late rejection of it is swallowed so it never becomes an unhandled
 * one. For probes and hand-overs that must not hang on a backend that stopped answering.
 */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${timeoutMs} ms`)), timeoutMs);
  });
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
