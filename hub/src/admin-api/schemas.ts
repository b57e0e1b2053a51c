import { z } from 'zod';

import {
  ApiProblem,
  createConnectorInstanceRepository,
  createSyncRunRepository,
  type ConnectorInstance,
  type Db,
  type SkippedRecordRow,
  type SyncRun,
} from '@vc/conference-core';

import { publicSettings } from '../sync/connector-settings.js';

export const connectorIdParams = z.object({ connectorId: z.string().max(100) });
export const runIdParams = z.object({ connectorId: z.string().max(100), runId: z.string().max(100) });

const json = z.unknown();

export const runSchema = z.object({
  id: z.uuid(),
  connector_id: z.uuid(),
  mode: z.enum(['full', 'incremental']),
  dry_run: z.boolean(),
  state: z.enum(['queued', 'running', 'needs_approval', 'completed', 'failed', 'rejected']),
  trigger: z.enum(['manual', 'schedule']),
  requested_by: z.string().nullable(),
  decided_by: z.string().nullable(),
  counters: z.object({
    batches: z.number().int(),
    seen: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    deactivated: z.number().int(),
    reactivated: z.number().int(),
    skipped: z.number().int(),
    errors: z.number().int(),
  }),
  /** Waiting for approval (needs_approval), or what a dry run would deactivate. */
  pending_deactivations: z.number().int(),
  linked_users: z.number().int(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  report: json,
  created_at: z.iso.datetime(),
  started_at: z.iso.datetime().nullable(),
  finished_at: z.iso.datetime().nullable(),
});

export const runDetailSchema = runSchema.extend({
  skipped_records: z.array(
    z.object({
      type: z.string(),
      external_id: z.string(),
      /** How to find the entry upstream: its DN, else the username; null when unknown. */
      label: z.string().nullable(),
      reason: z.string(),
    }),
  ),
  /** Skipped records counted but not listed (the list holds the first ones). */
  skipped_not_shown: z.number().int(),
});

export const instanceSchema = z.object({
  id: z.uuid(),
  type: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  /** Secret fields appear only as `"<set>"`. */
  settings: z.record(z.string(), json),
  incremental_every_ms: z.number().int().nullable(),
  full_cron: z.string().nullable(),
  guard_share: z.number(),
  health: z.object({
    status: z.enum(['never_run', 'ok', 'failing', 'running', 'needs_approval']),
    current_run: runSchema.nullable(),
    last_run: runSchema.nullable(),
  }),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function publicRun(run: SyncRun): z.infer<typeof runSchema> {
  return {
    id: run.id,
    connector_id: run.instanceId,
    mode: run.mode,
    dry_run: run.dryRun,
    state: run.state,
    trigger: run.trigger,
    requested_by: run.requestedBy,
    decided_by: run.decidedBy,
    counters: {
      batches: run.batches,
      seen: run.seen,
      created: run.created,
      updated: run.updated,
      unchanged: run.unchanged,
      deactivated: run.deactivated,
      reactivated: run.reactivated,
      skipped: run.skipped,
      errors: run.errors,
    },
    pending_deactivations: run.pendingDeactivations,
    linked_users: run.linkedUsers,
    error: run.errorCode === null ? null : { code: run.errorCode, message: run.errorMessage ?? '' },
    report: run.report,
    created_at: run.createdAt.toISOString(),
    started_at: iso(run.startedAt),
    finished_at: iso(run.finishedAt),
  };
}

export function publicRunDetail(
  run: SyncRun,
  skipped: readonly SkippedRecordRow[],
): z.infer<typeof runDetailSchema> {
  return {
    ...publicRun(run),
    skipped_records: skipped.map((s) => ({
      type: s.recordType,
      external_id: s.externalId,
      label: s.label,
      reason: s.reason,
    })),
    skipped_not_shown: Math.max(0, run.skipped - skipped.length),
  };
}

export async function publicInstance(
  db: Db,
  instance: ConnectorInstance,
): Promise<z.infer<typeof instanceSchema>> {
  const recent = await createSyncRunRepository(db).listForInstance(instance.tenantId, instance.id, 10);
  const open = recent.find(
    (r) => r.state === 'queued' || r.state === 'running' || r.state === 'needs_approval',
  );
  const last = recent.find((r) => r.state === 'completed' || r.state === 'failed' || r.state === 'rejected');
  const status =
    open?.state === 'needs_approval'
      ? 'needs_approval'
      : open !== undefined
        ? 'running'
        : last === undefined
          ? 'never_run'
          : last.state === 'failed'
            ? 'failing'
            : 'ok';
  return {
    id: instance.id,
    type: instance.connectorType,
    name: instance.name,
    enabled: instance.enabled,
    settings: publicSettings(instance),
    incremental_every_ms: instance.incrementalEveryMs,
    full_cron: instance.fullCron,
    guard_share: instance.guardShare,
    health: {
      status,
      current_run: open === undefined ? null : publicRun(open),
      last_run: last === undefined ? null : publicRun(last),
    },
    created_at: instance.createdAt.toISOString(),
    updated_at: instance.updatedAt.toISOString(),
  };
}

export async function findInstanceOr404(db: Db, tenantId: string, id: string): Promise<ConnectorInstance> {
  const instance = await createConnectorInstanceRepository(db).findById(tenantId, id);
  if (instance === undefined) {
    throw new ApiProblem({ status: 404, code: 'not_found', title: 'No such connector' });
  }
  return instance;
}

export async function findRunOr404(
  db: Db,
  tenantId: string,
  connectorId: string,
  runId: string,
): Promise<SyncRun> {
  const run = await createSyncRunRepository(db).findById(tenantId, runId);
  if (run === undefined || run.instanceId !== connectorId.toLowerCase()) {
    throw new ApiProblem({ status: 404, code: 'not_found', title: 'No such sync run' });
  }
  return run;
}
