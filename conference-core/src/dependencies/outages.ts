import type { Logger } from '../logging/logger.js';
import type { Dependency } from './unavailable.js';

/**
 * Turns a flood of failed requests during an outage into two log lines: one when the first
 * request finds a dependency away, one when a probe finds it back. In between, requests answer
 * 503 without logging, so a minute of outage under load does not write thousands of stack traces.
 */
export interface OutageLog {
  /** A request found `dependency` away; logs only if it was not already known to be. */
  report(dependency: Dependency, error: unknown): void;
  /** Whether an outage of `dependency` is known and not yet over. */
  isDown(dependency: Dependency): boolean;
  /** Stops probing (at shutdown). */
  close(): void;
}

export interface OutageLogOptions {
  readonly logger: Logger;
  /** Resolves when the dependency answers again; probed while it is known to be away. */
  readonly probes: Partial<Record<Dependency, () => Promise<void>>>;
  readonly probeIntervalMs?: number;
}

export function createOutageLog(options: OutageLogOptions): OutageLog {
  const { logger } = options;
  const interval = options.probeIntervalMs ?? 1000;
  const down = new Map<Dependency, { since: number; timer: NodeJS.Timeout | undefined }>();

  const probe = (dependency: Dependency): void => {
    const outage = down.get(dependency);
    const check = options.probes[dependency];
    if (outage === undefined) return;
    outage.timer = setTimeout(() => {
      outage.timer = undefined;
      const attempt = check === undefined ? Promise.resolve() : check();
      attempt.then(
        () => {
          if (down.get(dependency) !== outage) return;
          down.delete(dependency);
          logger.info({ dependency, downForMs: Date.now() - outage.since }, 'dependency available again');
        },
        () => probe(dependency),
      );
    }, interval);
    outage.timer.unref();
  };

  return {
    report(dependency, error) {
      if (down.has(dependency)) return;
      down.set(dependency, { since: Date.now(), timer: undefined });
      logger.warn(
        { dependency, error: error instanceof Error ? error.message : String(error) },
        'dependency unavailable',
      );
      probe(dependency);
    },
    isDown: (dependency) => down.has(dependency),
    close() {
      for (const outage of down.values()) clearTimeout(outage.timer);
      down.clear();
    },
  };
}
