import type { Logger, RedisErrorReporter } from '@vc/conference-core';
import { Counter, type Registry } from 'prom-client';

/**
 * Errors the Redis clients of the node registry, ticket store and attempt limiter emit while
 * reconnecting. Every one is counted (`redis_errors_total{component}`); per component at most one
 * line is logged per `logEveryMs`, saying how many were left out since, so an outage writes a
 * few lines and not one per reconnect attempt.
 */
export function createRedisErrorReporter(options: {
  logger: Logger;
  registry: Registry;
  logEveryMs?: number;
  now?: () => number;
}): RedisErrorReporter {
  const logEveryMs = options.logEveryMs ?? 30_000;
  const now = options.now ?? Date.now;
  const errors = new Counter({
    name: 'redis_errors_total',
    help: 'Errors of the Redis connections of the node registry, ticket store and attempt limiter.',
    labelNames: ['component'] as const,
    registers: [options.registry],
  });
  const lastLogged = new Map<string, { at: number; suppressed: number }>();
  return (component, error) => {
    errors.inc({ component });
    const last = lastLogged.get(component);
    if (last !== undefined && now() - last.at < logEveryMs) {
      last.suppressed++;
      return;
    }
    lastLogged.set(component, { at: now(), suppressed: 0 });
    options.logger.warn(
      {
        component,
        error: error instanceof Error ? error.message : String(error),
        ...(last !== undefined && last.suppressed > 0 && { suppressedSinceLastLine: last.suppressed }),
      },
      'Redis error',
    );
  };
}
