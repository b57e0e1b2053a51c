import type { AddressInfo } from 'node:net';

import {
  apiV1Endpoints,
  createAuthenticator,
  createOutageLog,
  openDatabase,
  signalingConferenceAudio,
  type Authenticator,
  type ConferenceAudio,
  type DatabaseHandle,
  type Logger,
  type SipGateway,
} from '@vc/conference-core';
import type { ConnectorDefinition } from '@vc/connector-sdk';

import { adminEndpoints } from './admin-api/registry.js';
import type { AppointmentSync } from './appointments/appointment-sync.js';
import type { CalendarSyncService } from './calendar-sync/calendar-sync-service.js';
import { createBackgroundWork } from './compose/background-work.js';
import {
  createAttemptLimiters,
  createNodeRegistry,
  createQueue,
  createTicketStore,
} from './compose/backends.js';
import { createVerifier, logDevIdp, prepareDevIdpIfOn } from './compose/dev-idp-wiring.js';
import { createHttpSurface } from './compose/http-surface.js';
import { listen } from './compose/listen.js';
import { startRealtime } from './compose/realtime.js';
import { startSipRole } from './compose/sip-role.js';
import { describeBackends, hubUrl, type HubConfig } from './config.js';
import { connectorDefinitions, createConnectorRegistry } from './connectors/registry.js';
import { closeHttpServer } from './http/close-http-server.js';
import { createHttpMetrics } from './http/metrics.js';
import { pgliteTemplateDir } from './pglite-template-dir.js';
import { prepareDatabase } from './prepare-database.js';
import type { ReadinessCheck } from './readiness.js';
import { createRedisErrorReporter } from './redis-error-reporter.js';
import { createSecretBox, loadConnectorSecretKey } from './sync/secret-box.js';
import type { SyncEngine } from './sync/sync-engine.js';

export interface RunningHub {
  /** Where the hub answers, as people should type it. */
  readonly url: string;
  /**
   * How requests are authenticated: header parsing, the token verifier of the trusted issuer
   * (OIDC_ISSUER, or the development issuer) and claims mapping with the default tenant.
   */
  readonly auth: Authenticator;
  /** The development issuer's identifier, when it runs at `/idp`. */
  readonly devIdpIssuer: string | undefined;
  /** The directory sync engine (runs, schedules, recovery sweep). */
  readonly sync: SyncEngine;
  /** Calendar connectors (A12): polls, push hints, write-back (decision 0021). */
  readonly appointments: AppointmentSync;
  /** The SIP call-in gateway, once started (role `sip` with SIP_PORT set). */
  readonly sip: () => SipGateway | undefined;
  /** Drains HTTP, stops taking jobs, lets running ones finish within the configured bound. */
  stop(): Promise<void>;
  /** Calendar sync (Microsoft 365), in a process with both the api and the worker role. */
  readonly calendarSync?: CalendarSyncService;
}

export interface HubOptions {
  /** The connectors this hub offers; default the explicit registry (tests pass their own fakes). */
  readonly connectors?: readonly ConnectorDefinition[];
  /** The meeting audio phone calls join; default: the media namespace of the phone's signaling. */
  readonly conferenceAudio?: ConferenceAudio;
}

/**
 * Composes one hub process from its parts (`compose/`): the database and the backends, the
 * background work, the HTTP surface, realtime (signaling and media) and SIP, for the roles the
 * configuration asks for. HTTP starts first so `/healthz` answers while a backend is still coming
 * up; `/readyz` says which one is not there yet. Stopping runs the same parts in reverse.
 */
export async function startHub(
  config: HubConfig,
  logger: Logger,
  options: HubOptions = {},
): Promise<RunningHub> {
  logger.info(describeBackends(config), 'starting hub');
  const shutdown = new AbortController();
  // Before anything is opened: a key that cannot be read or written stops the start cleanly.
  const registry = createConnectorRegistry(options.connectors ?? connectorDefinitions);
  const secrets = createSecretBox(
    loadConnectorSecretKey({
      configured: config.connectorSecretKey,
      dataDir: config.dataDir,
      clusterMode: config.databaseUrl !== undefined || config.redisUrl !== undefined,
      logger,
    }),
  );
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    pgliteTemplateDir,
    poolSize: config.databasePoolSize,
    logger: logger.child({ component: 'database' }),
  });
  // Keys are read (or generated) before listening, so mounting after `listen` is synchronous.
  const preparedIdp = await prepareDevIdpIfOn(config, logger).catch(async (err: unknown) => {
    await database.close();
    throw err;
  });

  const metrics = createHttpMetrics(
    config.roles.includes('api')
      ? {
          routes: [...apiV1Endpoints, ...adminEndpoints].map((e) => e.path),
          staticPrefixes: ['/admin/', '/assets/', '/outlook/', '/innovaphone/'],
        }
      : {},
  );
  const redisErrors = createRedisErrorReporter({ logger, registry: metrics.registry });
  const tickets = createTicketStore(config, redisErrors);
  const attempts = createAttemptLimiters(config, redisErrors);
  const nodes = createNodeRegistry(config, redisErrors);
  // Links in mails need the hub's address, known once the server listens (PORT=0 in tests).
  let address = hubUrl(config, config.port);
  const work = createBackgroundWork({
    config,
    logger,
    database,
    queue: createQueue(config, logger.child({ component: 'jobs' })),
    registry,
    secrets,
    publicUrl: () => address,
  });

  const readiness = createReadiness(database, work.queue);
  // Requests that meet an outage answer 503; this logs each outage once, and its end.
  const outages = createOutageLog({
    logger,
    probes: { database: () => database.ping(), redis: () => work.queue.ping() },
  });
  let draining = false;
  // The server listens before the app exists: the development issuer's identifier contains the
  // hub's URL, which is only known once the port is (PORT=0).
  const server = await listen(config);
  const url = hubUrl(config, (server.address() as AddressInfo).port);
  address = url;
  const devIdp = preparedIdp?.mount({
    baseUrl: `${url}/idp`,
    realm: config.devIdpRealm,
    audience: config.oidcAudience,
    appUrl: url,
  });
  const auth = createAuthenticator({
    verifier: createVerifier(config, devIdp),
    defaultTenant: config.defaultTenant,
  });
  const sip =
    config.roles.includes('sip') && config.sip.port > 0
      ? startSipRole(config, {
          url,
          devIdp,
          logger,
          audio: options.conferenceAudio ?? signalingConferenceAudio,
        })
      : undefined;
  if (sip !== undefined) {
    readiness.checks.push({
      name: 'sip',
      check: () =>
        sip.gateway() === undefined ? Promise.reject(new Error(sip.problem())) : Promise.resolve(),
    });
  }
  const http = createHttpSurface({
    config,
    logger,
    database,
    url,
    auth,
    devIdp,
    tickets,
    attempts,
    nodes,
    work,
    registry,
    secrets,
    common: { metrics, outages, health: { checks: readiness.checks, isDraining: () => draining } },
  });
  server.on('request', http.app);
  const realtime = config.roles.includes('signaling')
    ? await startRealtime(config, { url, tickets, nodes, database, logger })
    : undefined;
  server.on('upgrade', (req, socket, head) => {
    if (http.innovaphoneApps?.owns(req) === true) http.innovaphoneApps.handleUpgrade(req, socket, head);
    else if (realtime !== undefined) realtime.signaling.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  if (devIdp !== undefined) logDevIdp(devIdp, config, logger);

  // Backends that come up late (cluster mode) are waited for in the background, with backoff.
  const prepared = prepareDatabase(database, config, logger, shutdown.signal, readiness.databaseFailed).then(
    async () => {
      readiness.databaseReady();
      // Only a node that can read rooms offers itself for them.
      await realtime?.register();
      await work.start(shutdown.signal);
      logger.info({}, 'hub ready');
    },
  );
  prepared.catch((err: unknown) => {
    if (!shutdown.signal.aborted) logger.error({ err }, 'database preparation stopped');
  });

  return {
    url,
    auth,
    devIdpIssuer: devIdp?.issuer,
    sync: work.sync,
    appointments: work.appointments,
    sip: () => sip?.gateway(),
    ...(work.calendarSync !== undefined && { calendarSync: work.calendarSync }),
    async stop() {
      if (draining) return;
      draining = true;
      logger.info({ timeoutMs: config.shutdownTimeoutMs }, 'shutting down');
      shutdown.abort(new Error('hub is shutting down'));
      // Calls end first (a polite BYE), then live rooms (clients reconnect to another node via a
      // new start), then the node leaves.
      await sip?.close();
      await http.innovaphoneApps?.close();
      await realtime?.close();
      await nodes.close();
      await Promise.all([
        closeHttpServer(server, config.shutdownTimeoutMs),
        work.closeQueue(config.shutdownTimeoutMs),
      ]);
      await prepared.catch(() => undefined);
      await work.stop();
      await Promise.all([tickets.close(), attempts.bySource.close(), attempts.byTarget.close()]);
      outages.close();
      await database.close();
      logger.info({}, 'stopped');
    },
  };
}

/**
 * `/readyz`'s checks: the database (unready until its schema is current, with the last reason)
 * and the queue backend; SIP adds its own.
 */
function createReadiness(
  database: DatabaseHandle,
  queue: { ping(): Promise<void> },
): {
  checks: ReadinessCheck[];
  databaseReady: () => void;
  databaseFailed: (reason: string) => void;
} {
  let ready = false;
  let lastError = 'connecting';
  return {
    checks: [
      {
        name: 'database',
        check: async () => {
          if (!ready) throw new Error(`not ready: ${lastError}`);
          await database.ping();
        },
      },
      { name: 'queue', check: () => queue.ping() },
    ],
    databaseReady: () => {
      ready = true;
    },
    databaseFailed: (reason) => {
      lastError = reason;
    },
  };
}

export type { DatabaseHandle };
