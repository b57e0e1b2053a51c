import {
  createCalendarLinkRepository,
  createConnectorInstanceRepository,
  type ConnectorInstance,
  type Db,
  type EventService,
  type JobQueue,
  type Logger,
} from '@vc/conference-core';
import {
  isConnectorError,
  type CalendarAppointment,
  type AppointmentsCapability,
  type ConnectorContext,
  type ConnectorDefinition,
} from '@vc/connector-sdk';

import type { ConnectorRegistry } from '../connectors/registry.js';
import { connectorLogger, scrubMessage } from '../sync/connector-logger.js';
import { openSettings } from '../sync/connector-settings.js';
import type { SecretBox } from '../sync/secret-box.js';
import { accessHash, applyAppointment, type ApplyOutcome } from './apply-appointment.js';
import { calendarFetchJob, calendarPollJob, hubScheduleIds } from '../jobs/hub-jobs.js';
import { meetingAccess } from './meeting-access.js';

export interface CalendarSyncOptions {
  readonly db: Db;
  readonly queue: JobQueue;
  readonly logger: Logger;
  readonly registry: ConnectorRegistry;
  readonly secrets: SecretBox;
  readonly events: EventService;
  /** The hub's address for join and guest links (known once it listens). */
  readonly publicUrl: () => string;
  /** The deployment's dial-in phone number, written beside the conference id and PIN. */
  readonly dialInNumber: string | null;
  /** Poll interval when the instance sets none (its `incremental_every_ms`). */
  readonly defaultPollEveryMs?: number;
  readonly now?: () => Date;
}

export interface PollReport {
  readonly ok: boolean;
  readonly counts: Record<ApplyOutcome['kind'] | 'failed', number>;
  readonly error?: { code: string; message: string };
}

export interface AppointmentSync {
  registerJobs(): void;
  /** Worker role: a poll schedule for every enabled calendar connector. */
  start(): Promise<void>;
  applySchedules(instance: ConnectorInstance): Promise<void>;
  removeSchedules(instanceId: string): Promise<void>;
  /** Polls one instance from its cursor to the end, in this process. */
  poll(tenantId: string, instanceId: string, signal?: AbortSignal): Promise<PollReport>;
  /** Fetches and applies one appointment (a push hint), in this process. */
  fetchOne(
    tenantId: string,
    instanceId: string,
    externalId: string,
    signal?: AbortSignal,
  ): Promise<PollReport>;
  /** An enabled calendar connector by id alone (push hints name no tenant). */
  findEnabled(instanceId: string): Promise<ConnectorInstance | undefined>;
  /** Queues a fetch for a push hint. */
  hint(tenantId: string, instanceId: string, externalId: string): Promise<void>;
}

/** The calendars capability of a definition, if it has one. */
export function calendarsOf(
  definition: ConnectorDefinition | undefined,
): AppointmentsCapability<unknown> | undefined {
  return definition?.capabilities.appointments;
}

const DEFAULT_POLL_EVERY_MS = 5 * 60_000;

/**
 * Runs calendar connectors: polls each instance from its cursor, applies every appointment to
 * its core meeting, writes the meeting's access details back, and stores the cursor after each
 * batch. A retryable upstream failure stops the poll with the cursor where it was (the next poll,
 * or the queue's retry, repeats the batch; applying it again changes nothing). Work on one
 * instance is serialized in this process; across processes the link row keeps one meeting per
 * appointment.
 */
export function createAppointmentSync(options: CalendarSyncOptions): AppointmentSync {
  const { db, queue, logger, registry } = options;
  const now = options.now ?? (() => new Date());
  const links = createCalendarLinkRepository(db);
  const running = new Map<string, Promise<unknown>>();

  const serialized = <T>(instanceId: string, work: () => Promise<T>): Promise<T> => {
    const before = running.get(instanceId) ?? Promise.resolve();
    const next = before.then(work, work);
    const settled = next.catch(() => undefined);
    running.set(instanceId, settled);
    void settled.then(() => {
      if (running.get(instanceId) === settled) running.delete(instanceId);
    });
    return next;
  };

  const open = async (tenantId: string, instanceId: string, signal: AbortSignal) => {
    const instance = await createConnectorInstanceRepository(db).findById(tenantId, instanceId);
    if (instance === undefined)
      return { ok: false as const, code: 'not_found', message: 'the connector was deleted' };
    const definition = registry.find(instance.connectorType);
    const calendars = calendarsOf(definition);
    if (definition === undefined || calendars === undefined) {
      return {
        ok: false as const,
        code: 'unknown_connector',
        message: `no calendar connector "${instance.connectorType}"`,
      };
    }
    const opened = openSettings(definition, options.secrets, instance);
    if (!opened.ok) return { ok: false as const, code: 'invalid_settings', message: opened.message };
    const log = logger.child({ tenant: tenantId, instance: instanceId, connector: definition.id });
    const ctx: ConnectorContext<unknown> = {
      settings: opened.settings,
      logger: connectorLogger(log, opened.secretValues),
      fetch: globalThis.fetch,
      signal,
      clock: { now },
    };
    return { ok: true as const, instance, calendars, ctx, log, secretValues: opened.secretValues };
  };

  type Opened = Extract<Awaited<ReturnType<typeof open>>, { ok: true }>;

  /** Applies one appointment and writes back; a retryable connector error propagates. */
  const applyOne = async (
    o: Opened,
    appointment: CalendarAppointment,
  ): Promise<ApplyOutcome['kind'] | 'failed'> => {
    const { instance } = o;
    let outcome: ApplyOutcome;
    try {
      outcome = await applyAppointment(
        { db, events: options.events },
        instance.tenantId,
        instance.id,
        appointment,
      );
    } catch (err) {
      o.log.warn(
        { err, appointment: appointment.label ?? appointment.externalId },
        'could not apply an appointment',
      );
      return 'failed';
    }
    if (outcome.kind === 'skipped') {
      o.log.warn(
        { appointment: appointment.label ?? appointment.externalId, reason: outcome.reason },
        'appointment skipped',
      );
      return 'skipped';
    }
    if (!('event' in outcome)) return outcome.kind;
    const access = await meetingAccess(db, outcome.event, {
      publicUrl: options.publicUrl(),
      dialInNumber: options.dialInNumber,
      now: now(),
    });
    const digest = accessHash(access);
    if (outcome.link.writtenHash !== digest) {
      try {
        await o.calendars.writeBack(o.ctx, appointment.externalId, access);
      } catch (err) {
        if (isConnectorError(err) && !err.retryable) {
          o.log.warn(
            { appointment: appointment.externalId, code: err.code, err: { message: err.message } },
            'write-back refused',
          );
          return 'failed';
        }
        throw err;
      }
      await links.update(instance.tenantId, instance.id, appointment.externalId, { writtenHash: digest });
    }
    return outcome.kind;
  };

  const emptyCounts = (): PollReport['counts'] => ({
    created: 0,
    updated: 0,
    unchanged: 0,
    cancelled: 0,
    ignored: 0,
    skipped: 0,
    failed: 0,
  });

  const failure = async (
    o: Opened | undefined,
    tenantId: string,
    instanceId: string,
    err: unknown,
    counts: PollReport['counts'],
  ): Promise<PollReport> => {
    const message = scrubMessage(err instanceof Error ? err.message : String(err), o?.secretValues ?? []);
    const code = isConnectorError(err) ? err.code : 'internal_error';
    await links.recordError(tenantId, instanceId, `${code}: ${message}`).catch(() => undefined);
    (o?.log ?? logger).warn(
      { code, tenant: tenantId, instance: instanceId },
      `calendar poll stopped: ${message}`,
    );
    return { ok: false, counts, error: { code, message } };
  };

  const sync: AppointmentSync = {
    registerJobs() {
      queue.register(calendarPollJob, async ({ tenantId, instanceId }, context) => {
        const report = await sync.poll(tenantId, instanceId, context.signal);
        // A transient upstream failure: the queue retries with backoff; the cursor held still.
        if (
          !report.ok &&
          report.error?.code !== undefined &&
          ['rate_limited', 'upstream_unavailable'].includes(report.error.code)
        ) {
          throw new Error(`calendar poll: ${report.error.message}`);
        }
      });
      queue.register(calendarFetchJob, async ({ tenantId, instanceId, externalId }, context) => {
        const report = await sync.fetchOne(tenantId, instanceId, externalId, context.signal);
        if (!report.ok && ['rate_limited', 'upstream_unavailable'].includes(report.error?.code ?? '')) {
          throw new Error(`calendar fetch: ${report.error?.message ?? ''}`);
        }
      });
    },

    async start() {
      for (const instance of await createConnectorInstanceRepository(db).listEnabledAcrossTenants()) {
        await sync
          .applySchedules(instance)
          .catch((err: unknown) =>
            logger.error({ err, instance: instance.id }, 'could not schedule a calendar connector'),
          );
      }
    },

    async applySchedules(instance) {
      if (calendarsOf(registry.find(instance.connectorType)) === undefined) return;
      if (!instance.enabled) {
        await queue.unschedule(hubScheduleIds.calendarPoll(instance.id));
        return;
      }
      await queue.schedule(
        hubScheduleIds.calendarPoll(instance.id),
        calendarPollJob,
        { everyMs: instance.incrementalEveryMs ?? options.defaultPollEveryMs ?? DEFAULT_POLL_EVERY_MS },
        { tenantId: instance.tenantId, instanceId: instance.id },
      );
    },

    async removeSchedules(instanceId) {
      await queue.unschedule(hubScheduleIds.calendarPoll(instanceId));
    },

    poll(tenantId, instanceId, signal = new AbortController().signal) {
      return serialized(instanceId, async () => {
        const counts = emptyCounts();
        const o = await open(tenantId, instanceId, signal);
        if (!o.ok) return failure(undefined, tenantId, instanceId, new Error(o.message), counts);
        try {
          const cursor = await links.readCursor(tenantId, instanceId);
          for await (const batch of o.calendars.poll(o.ctx, cursor)) {
            for (const appointment of batch.appointments) counts[await applyOne(o, appointment)]++;
            for (const skipped of batch.skipped) {
              counts.skipped++;
              o.log.warn(
                { appointment: skipped.label ?? skipped.externalId, reason: skipped.reason },
                'appointment skipped',
              );
            }
            await links.saveCursor(tenantId, instanceId, batch.cursor);
          }
        } catch (err) {
          return failure(o, tenantId, instanceId, err, counts);
        }
        o.log.info({ ...counts }, 'calendar poll finished');
        return { ok: true, counts };
      });
    },

    fetchOne(tenantId, instanceId, externalId, signal = new AbortController().signal) {
      return serialized(instanceId, async () => {
        const counts = emptyCounts();
        const o = await open(tenantId, instanceId, signal);
        if (!o.ok) return failure(undefined, tenantId, instanceId, new Error(o.message), counts);
        try {
          const appointment = await o.calendars.fetch(o.ctx, externalId);
          // Gone upstream: the next poll cannot see a deletion, so cancel here.
          counts[
            await applyOne(
              o,
              appointment ?? {
                externalId,
                title: '',
                startsAt: new Date(0),
                endsAt: new Date(0),
                timeZone: 'UTC',
                organizerEmail: null,
                participantEmails: [],
                wantsMeeting: false,
                cancelled: true,
                linkedEventId: null,
              },
            )
          ]++;
        } catch (err) {
          return failure(o, tenantId, instanceId, err, counts);
        }
        return { ok: true, counts };
      });
    },

    async findEnabled(instanceId) {
      const enabled = await createConnectorInstanceRepository(db).listEnabledAcrossTenants();
      return enabled.find(
        (i) => i.id === instanceId && calendarsOf(registry.find(i.connectorType)) !== undefined,
      );
    },

    async hint(tenantId, instanceId, externalId) {
      await queue.enqueue(calendarFetchJob, { tenantId, instanceId, externalId }, { attempts: 3 });
    },
  };
  return sync;
}
