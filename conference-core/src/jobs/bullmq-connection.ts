import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { Logger } from '../logging/logger.js';
import { withinBound } from './bounded-wait.js';
import { errorMessage } from './job-options.js';

/**
 * Redis connections for BullMQ, made to ride out an outage: commands wait in ioredis' offline
 * queue and are re-sent after reconnecting instead of failing, so an `enqueue` issued while Redis
 * is down resolves once it is back, and a worker finishing a job during the outage still records it.
 */
export function createCommandConnection(redisUrl: string, connectionName: string): Redis {
  return new Redis(redisUrl, {
    ...reconnecting,
    connectionName,
    // BullMQ requires it for workers; for producers it is what keeps enqueues waiting, not failing.
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
  });
}

/**
 * A connection for health checks only: it refuses commands while disconnected and times out a
 * command that gets no answer, so `ping()` fails fast rather than waiting for Redis to come back.
 */
export function createProbeConnection(redisUrl: string, connectionName: string): Redis {
  return new Redis(redisUrl, {
    ...reconnecting,
    connectionName,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    commandTimeout: 1000,
  });
}

const reconnecting: RedisOptions = {
  // Quick first retries (a restart or failover is usually over within a second or two), capped so
  // a long outage costs one attempt a second per connection.
  retryStrategy: (times) => Math.min(100 * times, 1000),
  connectTimeout: 5000,
};

/** `redis://user:secret@host:6379/0` becomes `redis://host:6379`, fit for logs. */
export function redactRedisUrl(redisUrl: string): string {
  try {
    const url = new URL(redisUrl);
    return `${url.protocol}//${url.hostname}${url.port ? `:${url.port}` : ''}`;
  } catch {
    return '(unparseable redis url)';
  }
}

/**
 * Logs connection trouble without flooding: the first error from a source is logged at once,
 * repeats within `intervalMs` are only counted and reported with the next line.
 */
export class ThrottledErrorLog {
  private readonly logger: Logger;
  private readonly intervalMs: number;
  private readonly sources = new Map<string, { lastAt: number; suppressed: number }>();

  constructor(logger: Logger, intervalMs = 10_000) {
    this.logger = logger;
    this.intervalMs = intervalMs;
  }

  report(source: string, error: unknown): void {
    const now = Date.now();
    const seen = this.sources.get(source);
    if (seen && now - seen.lastAt < this.intervalMs) {
      seen.suppressed += 1;
      return;
    }
    this.sources.set(source, { lastAt: now, suppressed: 0 });
    this.logger.error(
      { source, error: errorMessage(error), suppressed: seen?.suppressed ?? 0 },
      'job queue backend error',
    );
  }

  /** Call when the connection is back, so the next failure is logged at once. */
  recovered(): void {
    if (this.sources.size === 0) return;
    this.logger.info({ sources: [...this.sources.keys()] }, 'job queue backend reachable again');
    this.sources.clear();
  }
}

/** Closes a connection politely when Redis answers, at once when it does not. */
export async function quit(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  // QUIT would wait in the offline queue while Redis is down; do not let shutdown wait for it.
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  if (!(await withinBound(client.quit(), 1000))) client.disconnect();
}
