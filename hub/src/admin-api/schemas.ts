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

const connectorId = z.string().max(100).describe('The connector (its id from the list of connectors)');
export const connectorIdParams = z.object({ connectorId });
export const runIdParams = z.object({
  connectorId,
  runId: z.string().max(100).describe('The sync run (its id from the list of runs)'),
});

const json = z.unknown();
const count = (what: string) => z.number().int().describe(what);

export const runSchema = z.object({
  id: z.uuid().describe('The run id'),
  connector_id: z.uuid().describe('The connector the run belongs to'),
  mode: z
    .enum(['full', 'incremental'])
    .describe(
      'full: reads the whole directory and deactivates who is gone; incremental: changes since the last cursor',
    ),
  dry_run: z.boolean().describe('True when the run only reports what it would change'),
  state: z
    .enum(['queued', 'running', 'needs_approval', 'completed', 'failed', 'rejected'])
    .describe(
      'needs_approval: the guard stopped deactivations beyond the guard share until an admin decides',
    ),
  trigger: z.enum(['manual', 'schedule']).describe('Started by an admin (manual) or by the schedule'),
  requested_by: z.string().nullable().describe('Who started the run; null for scheduled runs'),
  decided_by: z.string().nullable().describe('Who approved or rejected the run; null when nobody had to'),
  counters: z
    .object({
      batches: count('Batches committed (each with its cursor)'),
      seen: count('Directory entries read'),
      created: count('Users created'),
      updated: count('Users whose fields changed'),
      unchanged: count('Users read that needed no change'),
      deactivated: count('Users deactivated because they left the directory'),
      reactivated: count('Deactivated users who came back'),
      skipped: count('Entries skipped (see skipped_records)'),
      errors: count('Entries that failed'),
    })
    .describe('What the run did so far'),
  pending_deactivations: count(
    'Deactivations waiting for approval (needs_approval), or what a dry run would deactivate',
  ),
  linked_users: count('Users this connector has linked to its directory entries'),
  error: z
    .object({
      code: z.string().describe('A stable code, e.g. upstream_unreachable'),
      message: z.string().describe('What went wrong, for people'),
    })
    .nullable()
    .describe('Why the run failed; null unless it did'),
  report: json.describe("The connector type's own report of the run (free-form JSON)"),
  created_at: z.iso.datetime().describe('When the run was requested'),
  started_at: z.iso.datetime().nullable().describe('When a worker started it; null while queued'),
  finished_at: z.iso.datetime().nullable().describe('When it ended; null while open'),
});

export const runDetailSchema = runSchema.extend({
  skipped_records: z
    .array(
      z.object({
        type: z.string().describe('The record type, e.g. user or group'),
        external_id: z.string().describe("The entry's id upstream"),
        label: z
          .string()
          .nullable()
          .describe('How to find the entry upstream: its DN, else the username; null when unknown'),
        reason: z.string().describe('Why it was skipped'),
      }),
    )
    .describe('The first records the run skipped'),
  skipped_not_shown: count('Skipped records counted but not listed (the list holds the first ones)'),
});

export const instanceSchema = z.object({
  id: z.uuid().describe('The connector id'),
  type: z.string().describe('The connector type (see GET /v1/admin/connector-types)'),
  name: z.string().describe('Its name, unique in the tenant'),
  enabled: z.boolean().describe('False: no scheduled runs'),
  settings: z.record(z.string(), json).describe('The type\'s settings; secret fields appear only as "<set>"'),
  incremental_every_ms: z
    .number()
    .int()
    .nullable()
    .describe('Interval of incremental runs in ms; null: only when someone starts one'),
  full_cron: z.string().nullable().describe('Cron pattern of full runs; null: only when someone starts one'),
  guard_share: z
    .number()
    .describe('Share of linked users (0-1) one run may deactivate before it waits for approval'),
  health: z
    .object({
      status: z
        .enum(['never_run', 'ok', 'failing', 'running', 'needs_approval'])
        .describe('From the open run, else the last finished one'),
      current_run: runSchema.nullable().describe('The open run (queued, running, needs_approval), if any'),
      last_run: runSchema.nullable().describe('The last finished run, if any'),
    })
    .describe('How the connector is doing'),
  created_at: z.iso.datetime().describe('When it was created'),
  updated_at: z.iso.datetime().describe('When it was last changed'),
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
