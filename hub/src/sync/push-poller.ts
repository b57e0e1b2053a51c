import type { UsersCapability } from '@vc/connector-sdk';
import {
  createConnectorInstanceRepository,
  createSyncRunRepository,
  type Db,
  type Logger,
} from '@vc/conference-core';

import type { ConnectorRegistry } from '../connectors/registry.js';
import { connectorLogger } from './connector-logger.js';
import { openSettings } from './connector-settings.js';
import type { SecretBox } from './secret-box.js';
import type { SyncEngine } from './sync-engine.js';

export interface PushPollerOptions {
  readonly db: Db;
  readonly registry: ConnectorRegistry;
  readonly secrets: SecretBox;
  readonly engine: Pick<SyncEngine, 'requestRun'>;
  readonly logger: Logger;
  /** SYNC_PUSH_POLL_MS; 0 turns the poller off. */
  readonly pollMs: number;
  readonly now?: () => Date;
}

export interface PushPoller {
  start(): void;
  /** One round over the enabled connectors that can receive pushed changes; returns the ids of the runs requested. */
  poll(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * Starts an incremental run as soon as a connector says pushed changes wait (UCS: the listener
 * wrote change files). Asks every enabled connector with `hasPushedChanges`, giving it the final
 * cursor of its last completed run. While a run of the connector is open, the request is refused
 * by the database (one open run per connector) and the next poll asks again, so files arriving
 * during a run start the next one right after it. Polling rather than watching: the folder sits on
 * a bind mount in the UCS container, and in cluster mode the worker may be on another machine.
 */
export function createPushPoller(options: PushPollerOptions): PushPoller {
  const { db, registry, logger } = options;
  const now = options.now ?? (() => new Date());
  const instances = createConnectorInstanceRepository(db);
  const runs = createSyncRunRepository(db);
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();

  const poll = async (): Promise<string[]> => {
    const requested: string[] = [];
    for (const instance of await instances.listEnabledAcrossTenants()) {
      const definition = registry.find(instance.connectorType);
      const users = definition?.capabilities.users as UsersCapability<unknown> | undefined;
      if (definition === undefined || users?.hasPushedChanges === undefined || !users.supportsIncremental)
        continue;
      const log = logger.child({ tenant: instance.tenantId, instance: instance.id });
      const opened = openSettings(definition, options.secrets, instance);
      if (!opened.ok) continue; // the scheduled runs fail with the reason; no need to repeat it here
      try {
        const cursor = await runs.lastCompletedCursor(instance.tenantId, instance.id);
        const pending = await users.hasPushedChanges(
          {
            settings: opened.settings,
            logger: connectorLogger(log, opened.secretValues),
            fetch: globalThis.fetch,
            signal: AbortSignal.timeout(10_000),
            clock: { now },
          },
          cursor,
        );
        if (!pending) continue;
        const result = await options.engine.requestRun(instance.tenantId, instance.id, {
          mode: 'incremental',
          dryRun: false,
          trigger: 'schedule',
          actor: null,
        });
        if (result.ok) {
          requested.push(result.run.id);
          log.info({ run: result.run.id }, 'pushed changes are waiting; incremental run requested');
        }
      } catch (err) {
        log.warn({ err }, 'could not check the connector for pushed changes');
      }
    }
    return requested;
  };

  const tick = (): void => {
    inFlight = inFlight
      .then(poll)
      .catch((err: unknown) => logger.warn({ err }, 'push poll failed; trying again at the next one'));
  };

  return {
    start() {
      if (options.pollMs <= 0 || timer !== undefined) return;
      timer = setInterval(tick, options.pollMs);
      timer.unref();
    },
    poll: () => {
      const round = inFlight.then(poll);
      inFlight = round.catch(() => undefined);
      return round;
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await inFlight.catch(() => undefined);
    },
  };
}
