import { ConnectorError, sleep } from '@vc/connector-sdk';

/** How the client retries transient failures (429, 5xx, connection resets) before giving up. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseMs: number;
  /** A Retry-After longer than this is not waited out here: the error carries it to the hub. */
  readonly maxWaitMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 4, baseMs: 250, maxWaitMs: 10_000 };

/** Retry-After in milliseconds (seconds or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: Date): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}

/**
 * Runs `attempt` until it succeeds or fails for good. `attempt` throws a retryable ConnectorError
 * for a transient failure; it is tried again after its Retry-After (or a doubling backoff).
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  signal: AbortSignal,
  attempt: () => Promise<T>,
): Promise<T> {
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof ConnectorError) || !err.retryable || tried >= policy.attempts) throw err;
      const wait = err.retryAfterMs ?? policy.baseMs * 2 ** (tried - 1);
      if (wait > policy.maxWaitMs) throw err;
      await sleep(wait, signal);
    }
  }
}

/** A failure to reach the server at all (refused, reset, timed out) as a retryable error. */
export function unreachable(what: string, err: unknown, signal: AbortSignal): Error {
  if (signal.aborted) return signal.reason instanceof Error ? signal.reason : new Error('aborted');
  const detail =
    err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
  return new ConnectorError('upstream_unavailable', `${what} is unreachable: ${detail}`, { cause: err });
}

/** Maps an HTTP status that is not success to the connector error family. */
export function httpError(what: string, response: Response, body: string, now: Date): ConnectorError {
  const snippet = body.slice(0, 300);
  const status = response.status;
  if (status === 401)
    return new ConnectorError('auth_failed', `${what} refused the credentials (401): ${snippet}`);
  if (status === 403) return new ConnectorError('forbidden', `${what} forbids this (403): ${snippet}`);
  if (status === 404) return new ConnectorError('not_found', `${what} answered 404 (wrong URL?)`);
  if (status === 429) {
    const after = retryAfterMs(response.headers.get('retry-after'), now);
    return new ConnectorError('rate_limited', `${what} is throttling requests (429)`, {
      ...(after !== undefined && { retryAfterMs: after }),
    });
  }
  if (status >= 500 || status === 408) {
    const after = retryAfterMs(response.headers.get('retry-after'), now);
    return new ConnectorError('upstream_unavailable', `${what} failed (${status}): ${snippet}`, {
      ...(after !== undefined && { retryAfterMs: after }),
    });
  }
  return new ConnectorError('invalid_data', `${what} answered ${status}: ${snippet}`);
}
