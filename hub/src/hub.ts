import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import {
  BullMqJobQueue,
  InProcessJobQueue,
  createEventService,
  type DatabaseHandle,
  type JobQueue,
  type Logger,
  openDatabase,
} from '@vc/conference-core';

import {
  MemoryAttemptLimiter,
  MemoryTicketStore,
  RedisAttemptLimiter,
  RedisTicketStore,
  apiV1Endpoints,
  createApiV1,
  createOutboxDispatcher,
  passwordBySource,
  secretByTarget,
  type AttemptLimiter,
  type AttemptPolicy,
  type RedisErrorReporter,
  createOutageLog,
  type TicketStore,
  createAuthenticator,
  createPrincipalResolver,
  createTokenVerifier,
  type Authenticator,
  createFolderTransport,
  createMailService,
  createSmtpTransport,
  type MailService,
  type MailTransport,
  MemoryNodeRegistry,
  RedisNodeRegistry,
  createRoomDirectory,
  createSignalingServer,
  createSignalingModules,
  createMediaService,
  type MediaService,
  type NodeRegistry,
  type SignalingServer,
} from '@vc/conference-core';

import {
  createCallInApi,
  startSipGateway,
  signalingConferenceAudio,
  type ConferenceAudio,
  type SipGateway,
} from '@vc/conference-core';
import type { ConnectorDefinition } from '@vc/connector-sdk';
import { createAppWebsocketServer } from '@vc/connector-innovaphone';
import { defineApiExtension, withTimeout } from '@vc/conference-core';

import { adminEndpoints } from './admin-api/registry.js';
import { a12WebhookRouter } from './appointments/a12-webhook.js';
import { createAppointmentSync, type AppointmentSync } from './appointments/appointment-sync.js';
import { withAppointmentSchedules } from './appointments/with-appointment-schedules.js';
import { webClientRouter } from './web-client/serve.js';
import { innovaphoneAppEndpoints } from './innovaphone/app-endpoints.js';
import { rccCallMeIn } from './innovaphone/call-me-in.js';
import { innovaphoneAppRouter } from './innovaphone/serve-app.js';
import { outlookAddinRouter } from './outlook-addin/serve.js';
import { describeBackends, hubUrl, signalingBaseUrl, type HubConfig } from './config.js';
import { connectorDefinitions, createConnectorRegistry } from './connectors/registry.js';
import { createConnectorFileWatcher } from './sync/connector-file-watcher.js';
import { createPushPoller } from './sync/push-poller.js';
import { createSecretBox, loadConnectorSecretKey } from './sync/secret-box.js';
import { createSyncEngine, type SyncEngine } from './sync/sync-engine.js';
import {
  callInClientId,
  demoPassword,
  demoUserNames,
  prepareDevIdp,
  type DevIdp,
  type PreparedDevIdp,
} from './dev-idp/index.js';
import { closeHttpServer } from './http/close-http-server.js';
import { createApp } from './http/create-app.js';
import { createHttpMetrics } from './http/metrics.js';
import { prepareDatabase } from './prepare-database.js';
import { createRedisErrorReporter } from './redis-error-reporter.js';
import { retryWithBackoff } from './retry.js';
import type { ReadinessCheck } from './readiness.js';
import { calendarNotificationsRouter } from './calendar-sync/calendar-notifications-route.js';
import {
  createCalendarSyncService,
  type CalendarSyncService,
} from './calendar-sync/calendar-sync-service.js';
import { pgliteTemplateDir } from './pglite-template-dir.js';

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

/** Calendar rounds without a push (a lost notification is found here at the latest). */
const CALENDAR_ROUND_EVERY_MS = 15 * 60_000;

export interface HubOptions {
  /** The connectors this hub offers; default the explicit registry (tests pass their own fakes). */
  readonly connectors?: readonly ConnectorDefinition[];
  /** The meeting audio phone calls join; default: the media namespace of the phone's signaling. */
  readonly conferenceAudio?: ConferenceAudio;
}

/**
 * Composes one hub process: the database, the job queue and the HTTP server, for the roles the
 * configuration asks for. HTTP starts first so `/healthz` answers while a backend is still coming
 * up; `/readyz` says which one is not there yet.
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
  let preparedIdp: PreparedDevIdp | undefined;
  try {
    preparedIdp = config.devIdp ? await prepareDevIdp(devIdpStateOptions(config, logger)) : undefined;
  } catch (err) {
    await database.close();
    throw err;
  }
  const queue = createQueue(config, logger.child({ component: 'jobs' }));
  const sync = createSyncEngine({
    db: database.db,
    queue,
    logger: logger.child({ component: 'sync' }),
    registry,
    secrets,
    leaseMs: config.syncLeaseMs,
    maxRetries: config.syncMaxRetries,
    retentionDays: config.syncRetentionDays,
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
  const attempts = {
    bySource: createAttemptLimiter(config, passwordBySource, 'vc-attempts-source', redisErrors),
    byTarget: createAttemptLimiter(config, secretByTarget, 'vc-attempts-target', redisErrors),
  };
  const runsOutbox = config.roles.includes('worker');
  const mailOutboxDir = config.mail.smtpUrl === undefined ? join(config.dataDir, 'mail-outbox') : undefined;
  // Domain events reach the job queue through the outbox; consumers (calendar write-back,
  // signaling) subscribe with their issues.
  let mail: MailService | undefined;
  // Links in mails need the hub's address, known once the server listens (PORT=0 in tests).
  let address = hubUrl(config, config.port);
  const outbox = createOutboxDispatcher({
    db: database.db,
    queue,
    subscriptions: runsOutbox
      ? [(mail = createMail(config, database, queue, logger, () => address)).subscription]
      : [],
    logger,
  });
  mail?.register();
  // Calendar connectors (A12): appointments become meetings, links are written back (0021).
  const appointments = createAppointmentSync({
    db: database.db,
    queue,
    logger: logger.child({ component: 'calendars' }),
    registry,
    secrets,
    events: createEventService({
      db: database.db,
      outboxWritten: () => {
        if (runsOutbox) outbox.wake();
      },
    }),
    publicUrl: () => address,
    dialInNumber: config.mail.dialInNumber ?? null,
  });
  if (runsOutbox) appointments.registerJobs();
  const connectorEngine = withAppointmentSchedules(sync, appointments);
  const nodes = createNodeRegistry(config, redisErrors);
  if (runsOutbox) sync.registerJobs();
  // The worker keeps the join script's connector (UCS app) in step with its file.
  const connectorFile = runsOutbox
    ? createConnectorFileWatcher({
        path: config.ucsConnectorFile,
        stateFile: join(config.dataDir, 'ucs-connector.state.json'),
        pollMs: config.ucsConnectorFilePollMs,
        defaultTenant: config.defaultTenant,
        deps: { db: database.db, registry, secrets, engine: sync, defaultGuardShare: config.syncGuardShare },
        logger: logger.child({ component: 'connector-file' }),
      })
    : undefined;
  const pushPoller = runsOutbox
    ? createPushPoller({
        db: database.db,
        registry,
        secrets,
        engine: sync,
        logger: logger.child({ component: 'sync' }),
        pollMs: config.syncPushPollMs,
      })
    : undefined;

  // Calendar pushes are received and their rounds run in the same process (api + worker roles).
  const calendarSync =
    runsOutbox && config.roles.includes('api')
      ? createCalendarSyncService({
          db: database.db,
          registry,
          secrets,
          events: createEventService({ db: database.db, outboxWritten: () => outbox.wake() }),
          logger: logger.child({ component: 'calendar-sync' }),
          publicUrl: () => address,
          everyMs: CALENDAR_ROUND_EVERY_MS,
        })
      : undefined;

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
  const runsSip = config.roles.includes('sip') && config.sip.port > 0;
  let sipGateway: SipGateway | undefined;
  let sipProblem = 'starting';
  if (runsSip) {
    checks.push({
      name: 'sip',
      check: () => (sipGateway === undefined ? Promise.reject(new Error(sipProblem)) : Promise.resolve()),
    });
  }

  // Requests that meet an outage answer 503; this logs each outage once, and its end.
  const outages = createOutageLog({
    logger,
    probes: { database: () => database.ping(), redis: () => queue.ping() },
  });
  let draining = false;
  let sweeper: NodeJS.Timeout | undefined;
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
  const api = config.roles.includes('api')
    ? createApiV1({
        db: database.db,
        logger: logger.child({ component: 'api' }),
        oidc: { issuer: devIdp?.issuer ?? config.oidcIssuer ?? url, clientId: config.oidcClientId },
        authenticate: createPrincipalResolver({ authenticator: auth, db: database.db, logger }),
        publicUrl: url,
        validateResponses: config.apiValidateResponses,
        tickets,
        attempts,
        mailOutboxDir,
        dialInNumber: config.mail.dialInNumber,
        locateSignaling: (roomId) => nodes.locate(roomId),
        outboxWritten: () => {
          if (runsOutbox) outbox.wake();
        },
        extensions: [
          defineApiExtension(adminEndpoints, {
            db: database.db,
            logger: logger.child({ component: 'admin-api' }),
            registry,
            secrets,
            engine: connectorEngine,
            defaultGuardShare: config.syncGuardShare,
            ...(calendarSync !== undefined && {
              // A new or changed calendar connector subscribes and syncs now, not at the next tick.
              connectorChanged: (tenantId: string, instanceId: string) => {
                calendarSync
                  .changed(tenantId, instanceId)
                  .catch((err: unknown) =>
                    logger.warn(
                      { tenant: tenantId, instance: instanceId, err: { message: (err as Error).message } },
                      'calendar sync of a changed connector failed; the schedule tries again',
                    ),
                  );
              },
            }),
          }),
        ],
      })
    : undefined;
  const app = createApp({
    logger,
    metrics,
    outages,
    health: { checks, isDraining: () => draining },
    ...(api === undefined
      ? {}
      : {
          api,
          webClient: webClientRouter(),
          outlookAddin: outlookAddinRouter(() => url),
          innovaphoneApp: innovaphoneAppRouter(),
        }),
    ...(api === undefined
      ? {}
      : {
          rawBodyHooks: a12WebhookRouter({
            db: database.db,
            logger: logger.child({ component: 'calendars' }),
            registry,
            secrets,
            calendars: appointments,
          }),
        }),
    ...(devIdp === undefined ? {} : { identityProvider: { path: '/idp', handler: devIdp.router } }),
    ...(calendarSync === undefined ? {} : { webhooks: calendarNotificationsRouter(calendarSync) }),
  });
  server.on('request', app);
  // The myApps app's AppWebsocket (decision 0024), beside signaling on the same upgrades.
  const innovaphoneApps =
    api === undefined
      ? undefined
      : createAppWebsocketServer({
          endpoint: innovaphoneAppEndpoints({
            db: database.db,
            registry,
            secrets,
            events: createEventService({
              db: database.db,
              outboxWritten: () => {
                if (runsOutbox) outbox.wake();
              },
            }),
            publicUrl: () => url,
            dialInNumber: config.mail.dialInNumber ?? null,
            callMeIn: (_instanceId, settings) =>
              rccCallMeIn(settings, logger.child({ component: 'innovaphone-rcc' })),
          }),
          logger: logger.child({ component: 'innovaphone' }),
        });
  // Embedded mode starts a private Janus here (well under a second); without one media is unavailable.
  const media = config.roles.includes('signaling')
    ? await createMediaService({
        ...config.media,
        workDir: config.dataDir,
        ice: {
          stunUrls: config.media.stunUrls,
          turnUrls: config.media.turnUrls,
          turnSecret: config.media.turnSecret,
          turnTtlSeconds: config.media.turnTtlSeconds,
        },
        logger: logger.child({ component: 'media' }),
      })
    : undefined;
  const signaling =
    media === undefined
      ? undefined
      : startSignaling(config, { url, tickets, nodes, database, logger, media });
  server.on('upgrade', (req, socket, head) => {
    if (innovaphoneApps?.owns(req) === true) innovaphoneApps.handleUpgrade(req, socket, head);
    else if (signaling !== undefined) signaling.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  if (devIdp !== undefined) logDevIdp(devIdp, config, logger);
  const sipStarting = runsSip
    ? startSip(config, {
        url,
        devIdp,
        logger,
        audio: options.conferenceAudio ?? signalingConferenceAudio,
      }).then(
        (gateway) => {
          sipGateway = gateway;
        },
        (err: unknown) => {
          sipProblem = err instanceof Error ? err.message : String(err);
          logger.error({ err }, 'the SIP gateway did not start');
        },
      )
    : undefined;

  // Backends that come up late (cluster mode) are waited for in the background, with backoff.
  const prepared = prepareDatabase(database, config, logger, shutdown.signal, (error) => {
    lastDatabaseError = error;
  }).then(async () => {
    databaseReady = true;
    // Only a node that can read rooms offers itself for them.
    if (signaling !== undefined) await signaling.register();
    if (runsOutbox) {
      await queue.start();
      outbox.start();
      await mail?.sweep();
      // Jobs live in Redis; one that restarts without its data loses them, never the mail records.
      // Sweeping again now and then sends what such a job would have (ids keep it single).
      if (mail !== undefined) {
        const service = mail;
        sweeper = setInterval(() => {
          service.sweep().catch((err: unknown) => {
            // At most one line per interval, while the database or Redis is away.
            logger.warn(
              { error: err instanceof Error ? err.message : String(err) },
              'mail sweep failed; trying again later',
            );
          });
        }, config.mail.sweepIntervalMs);
        sweeper.unref();
      }
      // Schedules and the recovery sweep go through the queue backend: a Redis that is away must
      // hold up neither readiness nor shutdown, so this runs beside, retried with backoff.
      const schedules = async () => {
        await sync.start();
        await mail?.scheduleHousekeeping();
        await appointments.start();
      };
      retryWithBackoff(() => withTimeout(schedules(), 10_000, 'the job queue did not answer'), {
        initialDelayMs: 1000,
        maxDelayMs: 30_000,
        signal: shutdown.signal,
        onFailure: (err, attempt, nextDelayMs) =>
          logger.warn({ err, attempt, nextDelayMs }, 'sync and mail schedules not set up yet; retrying'),
      })
        .then(async () => {
          if (shutdown.signal.aborted) return;
          await connectorFile?.start();
          if (!shutdown.signal.aborted) pushPoller?.start();
          if (!shutdown.signal.aborted) await calendarSync?.start();
        })
        .catch(() => undefined);
    }
    logger.info({}, 'hub ready');
  });
  prepared.catch((err: unknown) => {
    if (!shutdown.signal.aborted) logger.error({ err }, 'database preparation stopped');
  });

  return {
    url,
    auth,
    devIdpIssuer: devIdp?.issuer,
    sync,
    appointments,
    sip: () => sipGateway,
    ...(calendarSync !== undefined && { calendarSync }),
    async stop() {
      if (draining) return;
      draining = true;
      logger.info({ timeoutMs: config.shutdownTimeoutMs }, 'shutting down');
      shutdown.abort(new Error('hub is shutting down'));
      // Calls end first (a polite BYE), then live rooms (clients reconnect to another node via a
      // new start), then the node leaves.
      await sipStarting;
      await sipGateway?.close();
      await signaling?.close();
      await innovaphoneApps?.close();
      await media?.close();
      await nodes.close();
      await Promise.all([
        closeHttpServer(server, config.shutdownTimeoutMs),
        queue.close({ timeoutMs: config.shutdownTimeoutMs }),
      ]);
      await prepared.catch(() => undefined);
      await connectorFile?.stop();
      await pushPoller?.stop();
      await calendarSync?.stop();
      clearInterval(sweeper);
      await outbox.stop();
      await mail?.transport.close();
      await Promise.all([tickets.close(), attempts.bySource.close(), attempts.byTarget.close()]);
      outages.close();
      await database.close();
      logger.info({}, 'stopped');
    },
  };
}

/**
 * The `sip` role: the gateway calls this hub's API (or SIP_API_URL) with the call-in service
 * account; with the development issuer its `vc-call-in` client and secret are the defaults.
 */
function startSip(
  config: HubConfig,
  parts: { url: string; devIdp: DevIdp | undefined; logger: Logger; audio: ConferenceAudio },
): Promise<SipGateway> {
  const { sip } = config;
  const issuer = parts.devIdp?.issuer ?? config.oidcIssuer;
  const secret = sip.clientSecret ?? parts.devIdp?.clientSecret(callInClientId);
  const tokenUrl =
    sip.tokenUrl ?? (issuer === undefined ? undefined : `${issuer}/protocol/openid-connect/token`);
  if (secret === undefined || tokenUrl === undefined) {
    return Promise.reject(new Error('SIP call-in needs SIP_CLIENT_SECRET (and an issuer or SIP_TOKEN_URL)'));
  }
  return startSipGateway({
    sip: { address: sip.host, port: sip.port, publicAddress: sip.publicAddress, udp: sip.udp, tcp: sip.tcp },
    rtp: { address: sip.host, minPort: sip.rtpPorts[0], maxPort: sip.rtpPorts[1] },
    language: sip.language,
    maxAttempts: sip.maxAttempts,
    maxCalls: sip.maxCalls,
    digitTimeoutMs: 20_000,
    rtpTimeoutMs: sip.rtpTimeoutSec * 1000,
    invitesPerSource: { burst: Math.max(20, sip.invitesPerSecond * 10), perSecond: sip.invitesPerSecond },
    api: createCallInApi({
      apiUrl: sip.apiUrl ?? parts.url,
      tokenUrl,
      clientId: sip.clientId,
      clientSecret: secret,
    }),
    audio: parts.audio,
    registration: sip.registration === undefined ? undefined : { ...sip.registration, keepAliveSec: 25 },
    logger: parts.logger.child({ component: 'sip' }),
  });
}

function createNodeRegistry(config: HubConfig, onError: RedisErrorReporter): NodeRegistry {
  return config.redisUrl === undefined
    ? new MemoryNodeRegistry()
    : new RedisNodeRegistry({
        redisUrl: config.redisUrl,
        nodeTtlMs: config.signalingNodeTtlMs,
        prefix: config.signalingRedisPrefix,
        onError,
      });
}

/** The signaling role: WebSocket upgrades (routed by `startHub`), and this node in the registry. */
function startSignaling(
  config: HubConfig,
  parts: {
    url: string;
    tickets: TicketStore;
    nodes: NodeRegistry;
    database: DatabaseHandle;
    logger: Logger;
    media: MediaService;
  },
): SignalingServer & { register(): Promise<void> } {
  const signaling = createSignalingServer({
    modules: createSignalingModules({ media: parts.media }),
    tickets: parts.tickets,
    directory: createRoomDirectory(parts.database.db),
    registry: parts.nodes,
    logger: parts.logger.child({ component: 'signaling' }),
    reconnectGraceMs: config.signalingReconnectGraceMs,
    pingIntervalMs: config.signalingPingIntervalMs,
  });
  const node = {
    id: randomUUID(),
    url: signalingBaseUrl(config, parts.url),
    load: () => signaling.connections(),
  };
  return Object.assign(signaling, {
    async register() {
      await parts.nodes.register(node);
      parts.logger.info({ node: node.id, url: node.url }, 'signaling node registered');
    },
  });
}

function createQueue(config: HubConfig, logger: Logger): JobQueue {
  return config.redisUrl === undefined
    ? new InProcessJobQueue({ logger })
    : new BullMqJobQueue({ redisUrl: config.redisUrl, logger });
}

/**
 * Invitation mail: SMTP when SMTP_URL is set, otherwise `.eml` files in DATA_DIR/mail-outbox.
 * Links in mails point at PUBLIC_URL (or the local address when it is unset).
 */
function createMail(
  config: HubConfig,
  database: DatabaseHandle,
  queue: JobQueue,
  logger: Logger,
  publicUrl: () => string,
): MailService {
  const { mail } = config;
  const transport: MailTransport =
    mail.smtpUrl === undefined
      ? createFolderTransport(join(config.dataDir, 'mail-outbox'))
      : createSmtpTransport({ url: mail.smtpUrl, maxConnections: mail.smtpPoolSize });
  return createMailService({
    db: database.db,
    queue,
    transport,
    publicUrl,
    logger,
    settings: {
      from: mail.from,
      defaultLanguage: mail.defaultLanguage,
      dialInNumber: mail.dialInNumber ?? null,
      productName: 'vc-hub',
    },
    retry: { attempts: mail.maxAttempts, initialDelayMs: mail.retryDelayMs },
    retentionDays: mail.retentionDays,
    ...(mail.dkim !== undefined && {
      dkim: {
        domainName: mail.dkim.domain,
        keySelector: mail.dkim.selector,
        privateKey: readFileSync(mail.dkim.privateKeyFile, 'utf8'),
      },
    }),
  });
}

function createTicketStore(config: HubConfig, onError: RedisErrorReporter): TicketStore {
  return config.redisUrl === undefined
    ? new MemoryTicketStore()
    : new RedisTicketStore({ redisUrl: config.redisUrl, onError });
}

function createAttemptLimiter(
  config: HubConfig,
  policy: AttemptPolicy,
  prefix: string,
  onError: RedisErrorReporter,
): AttemptLimiter {
  return config.redisUrl === undefined
    ? new MemoryAttemptLimiter(policy)
    : new RedisAttemptLimiter(policy, { redisUrl: config.redisUrl, prefix, onError });
}

function listen(config: HubConfig): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('listening', () => resolve(server));
    server.once('error', reject);
    server.listen(config.port, config.host);
  });
}

function devIdpStateOptions(config: HubConfig, logger: Logger): Parameters<typeof prepareDevIdp>[0] {
  return {
    dataDir: config.dataDir,
    callInSecret: config.devIdpCallInSecret,
    logger: logger.child({ component: 'dev-idp' }),
  };
}

/**
 * The verifier of the trusted issuer. The development issuer hands its keys over in-process (no
 * HTTP to ourselves at start or later); an external issuer is discovered on the first token.
 */
function createVerifier(config: HubConfig, devIdp: DevIdp | undefined): Authenticator['verifier'] {
  if (devIdp !== undefined) {
    return createTokenVerifier({
      issuer: devIdp.issuer,
      audience: config.oidcAudience,
      jwks: () => devIdp.publicJwks(),
    });
  }
  if (config.oidcIssuer === undefined) throw new Error('no issuer configured: set OIDC_ISSUER');
  return createTokenVerifier({ issuer: config.oidcIssuer, audience: config.oidcAudience });
}

function logDevIdp(devIdp: DevIdp, config: HubConfig, logger: Logger): void {
  const cluster = config.databaseUrl !== undefined || config.redisUrl !== undefined;
  if (cluster) {
    logger.warn(
      { issuer: devIdp.issuer },
      'the development issuer runs in cluster mode (DEV_IDP=on): anyone can sign in as a demo user; for testing only',
    );
  }
  logger.info(
    { issuer: devIdp.issuer, demoUsers: demoUserNames },
    `development issuer at ${devIdp.issuer}; demo users ${demoUserNames.join(', ')} (password "${demoPassword}"); ` +
      `a token for curl: npm run token -- ${demoUserNames[0] ?? 'alice'}`,
  );
}

export type { DatabaseHandle };
