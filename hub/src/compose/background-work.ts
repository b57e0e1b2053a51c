import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  createEventService,
  createFolderTransport,
  createMailService,
  createOutboxDispatcher,
  createSmtpTransport,
  withTimeout,
  type DatabaseHandle,
  type EventService,
  type JobQueue,
  type Logger,
  type MailService,
  type MailTransport,
} from '@vc/conference-core';

import { createAppointmentSync, type AppointmentSync } from '../appointments/appointment-sync.js';
import { withAppointmentSchedules } from '../appointments/with-appointment-schedules.js';
import {
  createCalendarSyncService,
  type CalendarSyncService,
} from '../calendar-sync/calendar-sync-service.js';
import type { HubConfig } from '../config.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import { retryWithBackoff } from '../retry.js';
import { createConnectorFileWatcher } from '../sync/connector-file-watcher.js';
import { createPushPoller } from '../sync/push-poller.js';
import type { SecretBox } from '../sync/secret-box.js';
import { createSyncEngine, type SyncEngine } from '../sync/sync-engine.js';

/** Calendar rounds without a push (a lost notification is found here at the latest). */
const CALENDAR_ROUND_EVERY_MS = 15 * 60_000;

/**
 * What runs behind the requests: the job queue, the outbox that feeds it, invitation mail,
 * directory sync, calendar connectors. Every hub builds the services (the API and the admin
 * endpoints use them); only a hub with the `worker` role takes jobs, dispatches the outbox and
 * runs the schedules.
 */
export interface BackgroundWork {
  readonly queue: JobQueue;
  readonly sync: SyncEngine;
  /** Calendar connectors (A12): polls, push hints, write-back (decision 0021). */
  readonly appointments: AppointmentSync;
  /** Directory sync with the calendar connectors' schedules, for the admin endpoints. */
  readonly connectorEngine: SyncEngine;
  /** Calendar sync (Microsoft 365), in a process with both the api and the worker role. */
  readonly calendarSync: CalendarSyncService | undefined;
  /** Meetings written by connectors and apps; their domain events wake the outbox here. */
  readonly events: EventService;
  /** Called after a transaction wrote to the outbox (a no-op without the worker role). */
  readonly outboxWritten: () => void;
  /** Once the schema is current: takes jobs, dispatches, sweeps mail, sets up schedules (worker role). */
  start(signal: AbortSignal): Promise<void>;
  /** Stops taking jobs; running ones get `timeoutMs` to finish. */
  closeQueue(timeoutMs: number): Promise<void>;
  /** Stops the rest, after the queue: watchers, pollers, the outbox, the mail transport. */
  stop(): Promise<void>;
}

export function createBackgroundWork(deps: {
  config: HubConfig;
  logger: Logger;
  database: DatabaseHandle;
  queue: JobQueue;
  registry: ConnectorRegistry;
  secrets: SecretBox;
  /** The hub's address for links in mails and calendars, known once the server listens. */
  publicUrl: () => string;
}): BackgroundWork {
  const { config, logger, database, queue, registry, secrets, publicUrl } = deps;
  const db = database.db;
  const runsWorker = config.roles.includes('worker');
  const sync = createSyncEngine({
    db,
    queue,
    logger: logger.child({ component: 'sync' }),
    registry,
    secrets,
    leaseMs: config.syncLeaseMs,
    maxRetries: config.syncMaxRetries,
    retentionDays: config.syncRetentionDays,
  });
  const mail = runsWorker ? createMail(config, database, queue, logger, publicUrl) : undefined;
  // Domain events reach the job queue through the outbox; mail is its consumer here.
  const outbox = createOutboxDispatcher({
    db,
    queue,
    subscriptions: mail === undefined ? [] : [mail.subscription],
    logger,
  });
  mail?.register();
  const outboxWritten = (): void => {
    if (runsWorker) outbox.wake();
  };
  const events = createEventService({ db, outboxWritten });
  // Calendar connectors (A12): appointments become meetings, links are written back (0021).
  const appointments = createAppointmentSync({
    db,
    queue,
    logger: logger.child({ component: 'calendars' }),
    registry,
    secrets,
    events,
    publicUrl,
    dialInNumber: config.mail.dialInNumber ?? null,
  });
  if (runsWorker) {
    appointments.registerJobs();
    sync.registerJobs();
  }
  // The worker keeps the join script's connector (UCS app) in step with its file.
  const connectorFile = runsWorker
    ? createConnectorFileWatcher({
        path: config.ucsConnectorFile,
        stateFile: join(config.dataDir, 'ucs-connector.state.json'),
        pollMs: config.ucsConnectorFilePollMs,
        defaultTenant: config.defaultTenant,
        deps: { db, registry, secrets, engine: sync, defaultGuardShare: config.syncGuardShare },
        logger: logger.child({ component: 'connector-file' }),
      })
    : undefined;
  const pushPoller = runsWorker
    ? createPushPoller({
        db,
        registry,
        secrets,
        engine: sync,
        logger: logger.child({ component: 'sync' }),
        pollMs: config.syncPushPollMs,
      })
    : undefined;
  // Calendar pushes are received and their rounds run in the same process (api + worker roles).
  const calendarSync =
    runsWorker && config.roles.includes('api')
      ? createCalendarSyncService({
          db,
          registry,
          secrets,
          events,
          logger: logger.child({ component: 'calendar-sync' }),
          publicUrl,
          everyMs: CALENDAR_ROUND_EVERY_MS,
        })
      : undefined;
  let sweeper: NodeJS.Timeout | undefined;

  return {
    queue,
    sync,
    appointments,
    connectorEngine: withAppointmentSchedules(sync, appointments),
    calendarSync,
    events,
    outboxWritten,
    async start(signal) {
      if (!runsWorker) return;
      await queue.start();
      outbox.start();
      await mail?.sweep();
      // Jobs live in Redis; one that restarts without its data loses them, never the mail records.
      // Sweeping again now and then sends what such a job would have (ids keep it single).
      if (mail !== undefined) {
        sweeper = setInterval(() => {
          mail.sweep().catch((err: unknown) => {
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
        signal,
        onFailure: (err, attempt, nextDelayMs) =>
          logger.warn({ err, attempt, nextDelayMs }, 'sync and mail schedules not set up yet; retrying'),
      })
        .then(async () => {
          if (signal.aborted) return;
          await connectorFile?.start();
          if (!signal.aborted) pushPoller?.start();
          if (!signal.aborted) await calendarSync?.start();
        })
        .catch(() => undefined);
    },
    closeQueue: (timeoutMs) => queue.close({ timeoutMs }),
    async stop() {
      await connectorFile?.stop();
      await pushPoller?.stop();
      await calendarSync?.stop();
      clearInterval(sweeper);
      await outbox.stop();
      await mail?.transport.close();
    },
  };
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
