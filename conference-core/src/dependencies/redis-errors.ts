import { DependencyUnavailableError } from './unavailable.js';

/**
 * Where a Redis-backed store reports connection errors its client emits (`error` events), which
 * would otherwise vanish: the hub logs them rate-limited and counts them in `/metrics`.
 */
export type RedisErrorReporter = (component: string, error: unknown) => void;

export const ignoreRedisErrors: RedisErrorReporter = () => undefined;

/**
 * How ioredis fails a command when the server is away: its retries used up, the connection
 * closed, the offline queue off, or the socket's own error.
 */
function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  if (/Connection is closed|Stream isn't writeable|Reached the max retries/.test(error.message)) return true;
  const code = 'code' in error ? error.code : undefined;
  return (
    typeof code === 'string' && /^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT|HOSTUNREACH|NOTFOUND)$/.test(code)
  );
}

/**
 * Runs Redis commands; a failure of the connection (refused, closed, retries used up) becomes a
 * `DependencyUnavailableError`, so the API answers 503. Anything else (a reply error from a
 * script, a bug) is rethrown as it is: that is not an outage.
 */
export async function viaRedis<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isConnectionFailure(error)) throw error;
    throw new DependencyUnavailableError(
      'redis',
      `Redis is unavailable: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
