import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  BullMqJobQueue,
  InProcessJobQueue,
  type DatabaseHandle,
  type JobQueue,
  type Logger,
  openDatabase,
} from '@vc/conference-core';

import { describeBackends, type HubConfig } from './config.js';
import { closeHttpServer } from './http/close-http-server.js';
import { createApp } from './http/create-app.js';
import { createHttpMetrics } from './http/metrics.js';
import { prepareDatabase } from './prepare-database.js';
import type { ReadinessCheck } from './readiness.js';

export interface RunningHub {
  /** Where the hub answers, as people should type it. */
  readonly url: string;
  /** Drains HTTP, stops taking jobs, lets running ones finish within the configured bound. */
  stop(): Promise<void>;
}

/**
 * Composes one hub process: the database, the job queue and the HTTP server, for the roles the
 * configuration asks for. HTTP starts first so `/healthz` answers while a backend is still coming
 * up; `/readyz` says which one is not there yet.
 */
export async function startHub(config: HubConfig, logger: Logger): Promise<RunningHub> {
  logger.info(describeBackends(config), 'starting hub');
  const shutdown = new AbortController();
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
    logger: logger.child({ component: 'database' }),
  });
  const queue = createQueue(config, logger.child({ component: 'jobs' }));

  let databaseReady = false;
  let lastDatabaseError = 'connecting';
  const checks: ReadinessCheck[] = [
    {
      name: 'database',
      check: async () => {
        if (!databaseReady) throw new Error(`not ready: ${lastDatabaseError}`);
        await database.ping();
      },
    },
    { name: 'queue', check: () => queue.ping() },
  ];

  let draining = false;
  const metrics = createHttpMetrics();
  const app = createApp({ logger, metrics, health: { checks, isDraining: () => draining } });
  const server = await listen(app, config);
  const url = config.publicUrl ?? localUrl(server, config);

  // Backends that come up late (cluster mode) are waited for in the background, with backoff.
  const prepared = prepareDatabase(database, config, logger, shutdown.signal, (error) => {
    lastDatabaseError = error;
  }).then(async () => {
    databaseReady = true;
    if (config.roles.includes('worker')) await queue.start();
    logger.info({}, 'hub ready');
  });
  prepared.catch((err: unknown) => {
    if (!shutdown.signal.aborted) logger.error({ err }, 'database preparation stopped');
  });

  return {
    url,
    async stop() {
      if (draining) return;
      draining = true;
      logger.info({ timeoutMs: config.shutdownTimeoutMs }, 'shutting down');
      shutdown.abort(new Error('hub is shutting down'));
      await Promise.all([
        closeHttpServer(server, config.shutdownTimeoutMs),
        queue.close({ timeoutMs: config.shutdownTimeoutMs }),
      ]);
      await prepared.catch(() => undefined);
      await database.close();
      logger.info({}, 'stopped');
    },
  };
}

function createQueue(config: HubConfig, logger: Logger): JobQueue {
  return config.redisUrl === undefined
    ? new InProcessJobQueue({ logger })
    : new BullMqJobQueue({ redisUrl: config.redisUrl, logger });
}

function listen(app: ReturnType<typeof createApp>, config: HubConfig): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(config.port, config.host);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

function localUrl(server: Server, config: HubConfig): string {
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export type { DatabaseHandle };
