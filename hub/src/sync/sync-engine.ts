import { randomUUID } from 'node:crypto';

import { isConnectorError, type UsersCapability } from '@vc/connector-sdk';
import {
  createConnectorInstanceRepository,
  createDirectorySync,
  createSyncRunRepository,
  type ConnectorInstance,
  type CreateSyncRunResult,
  type DecideRunResult,
  type Db,
  type JobQueue,
  type Logger,
  type SyncMode,
  type SyncTrigger,
} from '@vc/conference-core';

import type { ConnectorRegistry } from '../connectors/registry.js';
import { connectorLogger, scrubMessage } from './connector-logger.js';
import { openSettings } from './connector-settings.js';
import { executeRun, type RunExecutorOptions } from './run-executor.js';
import type { SecretBox } from './secret-box.js';
import {
  hubScheduleIds,
  syncHousekeepingJob,
  syncRunJob,
  syncRunJobId,
  syncScheduledJob,
  syncSweepJob,
} from '../jobs/hub-jobs.js';

export interface SyncEngineOptions {
  readonly db: Db;
  readonly queue: JobQueue;
  readonly logger: Logger;
  readonly registry: ConnectorRegistry;
  readonly secrets: SecretBox;
  readonly leaseMs: number;
  readonly maxRetries: number;
  readonly retentionDays: number;
  readonly retryBaseMs?: number;
  readonly maxRetryWaitMs?: number;
  /** How often the recovery sweep runs; default half the lease. */
  readonly sweepEveryMs?: number;
  readonly workerId?: string;
  readonly now?: () => Date;
}

export type RequestRunResult =
  CreateSyncRunResult | { readonly ok: false; readonly reason: 'incremental_unsupported' | 'disabled' };

export type CheckResult =
  { readonly ok: true } | { readonly ok: false; readonly code: string; readonly message: string };

export interface SyncEngine {
  /** Registers the sync job handlers (worker role), before the queue starts. */
  registerJobs(): void;
  /** Worker role: the recovery sweep and retention schedules, every connector's schedules, a first sweep. */
  start(): Promise<void>;
  /** Queues a run and its job; the database refuses a second open run of the instance. */
  requestRun(
    tenantId: string,
    instanceId: string,
    request: { mode: SyncMode; dryRun: boolean; trigger: SyncTrigger; actor: string | null },
  ): Promise<RequestRunResult>;
  /** Executes (or resumes) one run in this process; what the `sync.run` job does. */
  executeRun(tenantId: string, runId: string, signal: AbortSignal): Promise<void>;
  /** Enqueues open runs whose worker died or whose job was lost; returns how many. */
  sweep(): Promise<number>;
  /** Deletes users deactivated longer ago than the retention. */
  housekeeping(): Promise<{ deleted: number; kept: number }>;
  approve(tenantId: string, runId: string, actor: string): Promise<DecideRunResult>;
  reject(tenantId: string, runId: string, actor: string): Promise<DecideRunResult>;
  /** The connector's own connectivity and credentials check ("test connection"). */
  check(instance: ConnectorInstance): Promise<CheckResult>;
  /** Creates, replaces or removes the instance's repeat schedules to match its settings. */
  applySchedules(instance: ConnectorInstance): Promise<void>;
  removeSchedules(instanceId: string): Promise<void>;
}

const CHECK_TIMEOUT_MS = 30_000;

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { db, queue, logger, registry } = options;
  const now = options.now ?? (() => new Date());
  const executor: RunExecutorOptions = {
    db,
    logger,
    registry,
    secrets: options.secrets,
    workerId: options.workerId ?? `worker-${randomUUID()}`,
    leaseMs: options.leaseMs,
    maxRetries: options.maxRetries,
    retryBaseMs: options.retryBaseMs ?? 1000,
    maxRetryWaitMs: options.maxRetryWaitMs ?? 15 * 60_000,
    now,
  };
  const runs = createSyncRunRepository(db);
  const directory = createDirectorySync(db);

  const enqueueRun = (tenantId: string, runId: string, fresh = false) =>
    queue.enqueue(syncRunJob, { tenantId, runId }, { jobId: syncRunJobId(runId, fresh), attempts: 3 });

  const engine: SyncEngine = {
    registerJobs() {
      queue.register(syncRunJob, (payload, context) =>
        engine.executeRun(payload.tenantId, payload.runId, context.signal),
      );
      queue.register(syncScheduledJob, async ({ tenantId, instanceId, mode }) => {
        const result = await engine.requestRun(tenantId, instanceId, {
          mode,
          dryRun: false,
          trigger: 'schedule',
          actor: null,
        });
        if (!result.ok)
          logger.info(
            { tenant: tenantId, instance: instanceId, mode, reason: result.reason },
            'scheduled sync skipped',
          );
      });
      queue.register(syncSweepJob, async () => {
        await engine.sweep();
      });
      queue.register(syncHousekeepingJob, async () => {
        await engine.housekeeping();
      });
    },

    async start() {
      await queue.schedule(
        hubScheduleIds.syncSweep,
        syncSweepJob,
        { everyMs: options.sweepEveryMs ?? Math.max(1000, options.leaseMs / 2) },
        {},
      );
      await queue.schedule(hubScheduleIds.syncHousekeeping, syncHousekeepingJob, { everyMs: 3_600_000 }, {});
      for (const instance of await createConnectorInstanceRepository(db).listEnabledAcrossTenants()) {
        await engine
          .applySchedules(instance)
          .catch((err: unknown) =>
            logger.error(
              { err, tenant: instance.tenantId, instance: instance.id },
              'could not schedule a connector',
            ),
          );
      }
      await engine.sweep();
    },

    async requestRun(tenantId, instanceId, request) {
      const instance = await createConnectorInstanceRepository(db).findById(tenantId, instanceId);
      if (instance === undefined) return { ok: false, reason: 'instance_not_found' };
      if (!instance.enabled && request.trigger === 'schedule') return { ok: false, reason: 'disabled' };
      const users = registry.find(instance.connectorType)?.capabilities.users as
        UsersCapability<unknown> | undefined;
      let mode = request.mode;
      if (mode === 'incremental' && users !== undefined && !users.supportsIncremental) {
        if (request.trigger === 'manual') return { ok: false, reason: 'incremental_unsupported' };
        mode = 'full';
      }
      const created = await runs.create(tenantId, {
        instanceId,
        mode,
        dryRun: request.dryRun,
        trigger: request.trigger,
        requestedBy: request.actor,
      });
      if (!created.ok) return created;
      try {
        await enqueueRun(tenantId, created.run.id);
      } catch (err) {
        // The run stays queued; the recovery sweep enqueues it once the queue is back.
        logger.error({ err, tenant: tenantId, run: created.run.id }, 'could not enqueue a sync run');
      }
      return created;
    },

    executeRun: (tenantId, runId, signal) => executeRun(executor, tenantId, runId, signal),

    async sweep() {
      const open = (await runs.listOpenAcrossTenants(options.leaseMs)).filter((run) => run.stale);
      for (const run of open) await enqueueRun(run.tenantId, run.id, true);
      if (open.length > 0) logger.info({ runs: open.length }, 'resuming sync runs left behind');
      return open.length;
    },

    async housekeeping() {
      const cutoff = new Date(now().getTime() - options.retentionDays * 86_400_000);
      const result = await directory.purgeDeactivated(cutoff);
      if (result.deleted + result.kept > 0) {
        logger.info(
          { ...result, retentionDays: options.retentionDays },
          'deleted users that left their directory',
        );
      }
      return result;
    },

    approve: (tenantId, runId, actor) => directory.approveRun(tenantId, runId, actor),
    reject: (tenantId, runId, actor) => directory.rejectRun(tenantId, runId, actor),

    async check(instance) {
      const definition = registry.find(instance.connectorType);
      const users = (definition?.capabilities.users ?? definition?.capabilities.appointments) as
        Pick<UsersCapability<unknown>, 'check'> | undefined;
      if (definition === undefined || users === undefined) {
        return {
          ok: false,
          code: 'unknown_connector',
          message: `no connector "${instance.connectorType}" in this hub`,
        };
      }
      const opened = openSettings(definition, options.secrets, instance);
      if (!opened.ok) return { ok: false, code: 'invalid_settings', message: opened.message };
      const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
      try {
        await users.check({
          settings: opened.settings,
          logger: connectorLogger(
            logger.child({ tenant: instance.tenantId, instance: instance.id }),
            opened.secretValues,
          ),
          fetch: globalThis.fetch,
          signal,
          clock: { now },
        });
        return { ok: true };
      } catch (err) {
        const message = scrubMessage(err instanceof Error ? err.message : String(err), opened.secretValues);
        if (isConnectorError(err)) return { ok: false, code: err.code, message };
        return { ok: false, code: signal.aborted ? 'upstream_unavailable' : 'internal_error', message };
      }
    },

    async applySchedules(instance) {
      const users = registry.find(instance.connectorType)?.capabilities.users as
        UsersCapability<unknown> | undefined;
      const payload = (mode: SyncMode) => ({ tenantId: instance.tenantId, instanceId: instance.id, mode });
      const every =
        instance.enabled && users?.supportsIncremental === true ? instance.incrementalEveryMs : null;
      if (every === null) await queue.unschedule(hubScheduleIds.syncIncremental(instance.id));
      else
        await queue.schedule(
          hubScheduleIds.syncIncremental(instance.id),
          syncScheduledJob,
          { everyMs: every },
          payload('incremental'),
        );
      // Only directories have full runs; a calendar connector polls on its own schedule.
      const cron = instance.enabled && users !== undefined ? instance.fullCron : null;
      if (cron === null) await queue.unschedule(hubScheduleIds.syncFull(instance.id));
      else
        await queue.schedule(
          hubScheduleIds.syncFull(instance.id),
          syncScheduledJob,
          { cron },
          payload('full'),
        );
    },

    async removeSchedules(instanceId) {
      await queue.unschedule(hubScheduleIds.syncIncremental(instanceId));
      await queue.unschedule(hubScheduleIds.syncFull(instanceId));
    },
  };
  return engine;
}
