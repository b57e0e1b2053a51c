import {
  createTenantRepository,
  migrateToLatest,
  type DatabaseHandle,
  type Logger,
} from '@vc/conference-core';

import type { HubConfig } from './config.js';
import { retryWithBackoff } from './retry.js';

/**
 * Brings the schema up to date and makes sure the default tenant exists. In cluster mode the
 * database may not be reachable yet (or may restart during start-up): this retries with backoff
 * and a clear log line, and the hub stays up and unready meanwhile instead of crash looping.
 */
export async function prepareDatabase(
  database: DatabaseHandle,
  config: HubConfig,
  logger: Logger,
  signal: AbortSignal,
  onError: (message: string) => void,
): Promise<void> {
  await retryWithBackoff(
    async () => {
      await migrateToLatest(database.db, logger);
      await createTenantRepository(database.db).ensure({
        slug: config.defaultTenant,
        name: config.defaultTenant,
      });
    },
    {
      initialDelayMs: 500,
      maxDelayMs: 30_000,
      signal,
      onFailure: (err, attempt, nextDelayMs) => {
        const message = err instanceof Error ? err.message : String(err);
        onError(message);
        logger.warn(
          { attempt, retryInMs: nextDelayMs, error: message, backend: database.kind },
          `database not ready (${message}); retrying in ${Math.round(nextDelayMs / 1000)} s`,
        );
      },
    },
  );
}
