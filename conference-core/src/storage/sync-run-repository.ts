import { sql, type Selectable } from 'kysely';
import type { JsonValue } from '../json.js';
import { allUuids, assertPageSize, type Db } from './repository-support.js';
import type { SyncRunState, SyncRunsTable } from './schema.js';

export type SyncMode = 'full' | 'incremental';
export type SyncTrigger = 'manual' | 'schedule';
export type { SyncRunState };

/** States in which a run still holds its instance (at most one such run per instance). */
export const OPEN_RUN_STATES: readonly SyncRunState[] = ['queued', 'running', 'needs_approval'];

export interface SyncRunCounters {
  readonly batches: number;
  /** Records the connector handed over (applied, skipped or invalid). */
  readonly seen: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly deactivated: number;
  readonly reactivated: number;
  readonly skipped: number;
  /** Connector errors retried during the run. */
  readonly errors: number;
}

export interface SyncRun extends SyncRunCounters {
  readonly id: string;
  readonly tenantId: string;
  readonly instanceId: string;
  readonly mode: SyncMode;
  readonly dryRun: boolean;
  readonly state: SyncRunState;
  readonly trigger: SyncTrigger;
  /** The user id of the admin who started it; null for a scheduled run. */
  readonly requestedBy: string | null;
  /** The cursor of the last applied batch; a resumed run continues after it. */
  readonly cursor: JsonValue | null;
  /** Where the run started: null, or the watermark of the last completed run (incremental). */
  readonly startCursor: JsonValue | null;
  /** Deactivations waiting for approval (needs_approval) or that a dry run would make. */
  readonly pendingDeactivations: number;
  /** Active users linked to the instance when the guard was evaluated. */
  readonly linkedUsers: number;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  /** Dry runs: the diff (counts and samples); others: what the guard decided. */
  readonly report: JsonValue;
  readonly leaseOwner: string | null;
  readonly heartbeatAt: Date | null;
  readonly decidedBy: string | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

export interface NewSyncRun {
  readonly instanceId: string;
  readonly mode: SyncMode;
  readonly dryRun: boolean;
  readonly trigger: SyncTrigger;
  readonly requestedBy: string | null;
}

export type CreateSyncRunResult =
  | { readonly ok: true; readonly run: SyncRun }
  | { readonly ok: false; readonly reason: 'run_open'; readonly openRunId: string }
  | { readonly ok: false; readonly reason: 'instance_not_found' };

export interface SkippedRecordRow {
  readonly id: string;
  readonly recordType: string;
  readonly externalId: string;
  /** How an admin finds the entry upstream (a DN, else the username), when known. */
  readonly label: string | null;
  readonly reason: string;
  readonly createdAt: Date;
}

export interface OpenRunRef {
  readonly tenantId: string;
  readonly id: string;
  readonly state: SyncRunState;
  /** Whether no worker has renewed its lease within the stale bound (or none ever took it). */
  readonly stale: boolean;
}

export interface SyncRunRepository {
  /**
   * Queues a run. The database refuses a second open run of the same instance (a partial unique
   * index), so two nodes racing to start one get one run and one `run_open`.
   */
  create(tenantId: string, run: NewSyncRun): Promise<CreateSyncRunResult>;
  findById(tenantId: string, id: string): Promise<SyncRun | undefined>;
  /** Newest first. */
  listForInstance(tenantId: string, instanceId: string, limit: number): Promise<SyncRun[]>;
  /** The final cursor of the newest completed, non-dry run: where the next incremental run starts. */
  lastCompletedCursor(tenantId: string, instanceId: string): Promise<JsonValue | null>;
  /**
   * Takes the run for `owner`: a queued run, a running run whose lease `owner` already holds, or one
   * whose lease went stale (its worker died). Undefined when the run is not there to take.
   */
  claim(tenantId: string, id: string, owner: string, staleMs: number): Promise<SyncRun | undefined>;
  /** Renews the lease; false when `owner` lost it (another worker took the run over). */
  heartbeat(tenantId: string, id: string, owner: string): Promise<boolean>;
  /**
   * Gives the lease up without ending the run (the worker is shutting down): any worker may take
   * the run at once and resume it from its cursor.
   */
  release(tenantId: string, id: string, owner: string): Promise<boolean>;
  /** Ends an open run as failed (nothing more is applied); `owner` null ignores the lease. */
  fail(tenantId: string, id: string, owner: string | null, code: string, message: string): Promise<boolean>;
  /** Adds to the error counter (retried connector errors). */
  countError(tenantId: string, id: string, owner: string): Promise<void>;
  /** Oldest first; at most `limit`. */
  listSkipped(tenantId: string, runId: string, limit: number): Promise<SkippedRecordRow[]>;
  /**
   * Queued and running runs of every tenant, for the recovery sweep (each carries its tenant).
   * Stale: running without a lease renewed within `staleMs`, or queued for longer than that.
   */
  listOpenAcrossTenants(staleMs: number): Promise<OpenRunRef[]>;
}

export function createSyncRunRepository(db: Db): SyncRunRepository {
  const findById = async (tenantId: string, id: string) => {
    if (!allUuids(tenantId, id)) return undefined;
    const row = await db
      .selectFrom('sync_runs')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toSyncRun(row);
  };

  return {
    async create(tenantId, run) {
      if (!allUuids(tenantId, run.instanceId)) return { ok: false, reason: 'instance_not_found' };
      const instance = await db
        .selectFrom('connector_instances')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', run.instanceId)
        .executeTakeFirst();
      if (!instance) return { ok: false, reason: 'instance_not_found' };
      const row = await db
        .insertInto('sync_runs')
        .values({
          tenant_id: tenantId,
          instance_id: run.instanceId,
          mode: run.mode,
          dry_run: run.dryRun,
          trigger: run.trigger,
          requested_by: run.requestedBy,
          cursor: null,
          start_cursor: null,
        })
        .onConflict((conflict) => conflict.doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row) return { ok: true, run: toSyncRun(row) };
      const open = await db
        .selectFrom('sync_runs')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('instance_id', '=', run.instanceId)
        .where('state', 'in', OPEN_RUN_STATES)
        .executeTakeFirst();
      // The open run may have finished between the two statements; the caller can simply retry.
      return { ok: false, reason: 'run_open', openRunId: open?.id ?? '' };
    },

    findById,

    async listForInstance(tenantId, instanceId, limit) {
      assertPageSize(limit);
      if (!allUuids(tenantId, instanceId)) return [];
      const rows = await db
        .selectFrom('sync_runs')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('instance_id', '=', instanceId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toSyncRun);
    },

    async lastCompletedCursor(tenantId, instanceId) {
      if (!allUuids(tenantId, instanceId)) return null;
      const row = await db
        .selectFrom('sync_runs')
        .select('cursor')
        .where('tenant_id', '=', tenantId)
        .where('instance_id', '=', instanceId)
        .where('state', '=', 'completed')
        .where('dry_run', '=', false)
        .orderBy('finished_at', 'desc')
        .orderBy('id', 'desc')
        .executeTakeFirst();
      return row?.cursor ?? null;
    },

    async claim(tenantId, id, owner, staleMs) {
      if (!allUuids(tenantId, id)) return undefined;
      const row = await db
        .updateTable('sync_runs')
        .set({
          state: 'running',
          lease_owner: owner,
          heartbeat_at: sql<Date>`now()`,
          started_at: sql<Date>`coalesce(started_at, now())`,
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where((eb) =>
          eb.or([
            eb('state', '=', 'queued'),
            eb.and([
              eb('state', '=', 'running'),
              eb.or([
                eb('lease_owner', '=', owner),
                eb('heartbeat_at', 'is', null),
                eb('heartbeat_at', '<', sql<Date>`now() - make_interval(secs => ${staleMs / 1000})`),
              ]),
            ]),
          ]),
        )
        .returningAll()
        .executeTakeFirst();
      return row && toSyncRun(row);
    },

    async heartbeat(tenantId, id, owner) {
      if (!allUuids(tenantId, id)) return false;
      const result = await db
        .updateTable('sync_runs')
        .set({ heartbeat_at: sql<Date>`now()` })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('state', '=', 'running')
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async release(tenantId, id, owner) {
      if (!allUuids(tenantId, id)) return false;
      const result = await db
        .updateTable('sync_runs')
        .set({ heartbeat_at: null, lease_owner: null })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('state', '=', 'running')
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async fail(tenantId, id, owner, code, message) {
      if (!allUuids(tenantId, id)) return false;
      return db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('sync_runs')
          .set({
            state: 'failed',
            error_code: code,
            error_message: message.slice(0, 2000),
            finished_at: sql<Date>`now()`,
            lease_owner: null,
          })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .where('state', 'in', ['queued', 'running'])
          .$if(owner !== null, (q) => q.where('lease_owner', '=', owner))
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) return false;
        // A failed run deactivates nobody: what it saw or was told is dropped with it.
        await trx
          .deleteFrom('sync_run_marks')
          .where('tenant_id', '=', tenantId)
          .where('run_id', '=', id)
          .execute();
        return true;
      });
    },

    async countError(tenantId, id, owner) {
      if (!allUuids(tenantId, id)) return;
      await db
        .updateTable('sync_runs')
        .set({ errors: sql<number>`errors + 1`, heartbeat_at: sql<Date>`now()` })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .execute();
    },

    async listSkipped(tenantId, runId, limit) {
      assertPageSize(limit);
      if (!allUuids(tenantId, runId)) return [];
      const rows = await db
        .selectFrom('sync_run_skipped')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('run_id', '=', runId)
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        id: row.id,
        recordType: row.record_type,
        externalId: row.external_id,
        label: row.label,
        reason: row.reason,
        createdAt: row.created_at,
      }));
    },

    async listOpenAcrossTenants(staleMs) {
      const rows = await db
        .selectFrom('sync_runs')
        .select(['tenant_id', 'id', 'state'])
        .select(
          sql<boolean>`case when state = 'queued' then created_at < now() - make_interval(secs => ${staleMs / 1000})
            else heartbeat_at is null or heartbeat_at < now() - make_interval(secs => ${staleMs / 1000}) end`.as(
            'stale',
          ),
        )
        .where('state', 'in', ['queued', 'running'])
        .orderBy('created_at')
        .execute();
      return rows.map((row) => ({ tenantId: row.tenant_id, id: row.id, state: row.state, stale: row.stale }));
    },
  };
}

export function toSyncRun(row: Selectable<SyncRunsTable>): SyncRun {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    instanceId: row.instance_id,
    mode: row.mode,
    dryRun: row.dry_run,
    state: row.state,
    trigger: row.trigger,
    requestedBy: row.requested_by,
    cursor: row.cursor,
    startCursor: row.start_cursor,
    batches: row.batches,
    seen: row.seen,
    created: row.created,
    updated: row.updated,
    unchanged: row.unchanged,
    deactivated: row.deactivated,
    reactivated: row.reactivated,
    skipped: row.skipped,
    errors: row.errors,
    pendingDeactivations: row.pending_deactivations,
    linkedUsers: row.linked_users,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    report: row.report,
    leaseOwner: row.lease_owner,
    heartbeatAt: row.heartbeat_at,
    decidedBy: row.decided_by,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
