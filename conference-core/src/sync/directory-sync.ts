import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { JsonValue } from '../json.js';
import { jsonb } from '../storage/jsonb.js';
import { allUuids, type Db } from '../storage/repository-support.js';
import { createRoleMappingRepository } from '../storage/role-mapping-repository.js';
import type { DatabaseSchema } from '../storage/schema.js';
import { applyGroups, applyUsers, emptyTally } from './directory-apply.js';
import {
  identitySource,
  type ApplyBatchResult,
  type DecideRunResult,
  type DirectoryBatch,
  type DirectoryUser,
  type FinishRunResult,
  type RunLease,
} from './directory-types.js';

type Trx = Transaction<DatabaseSchema>;

/** The stored role (table `user_roles`) of a tenant administrator; the token's realm role has the same name. */
export const tenantAdministratorRole = 'tenant-admin';

/** Skipped records stored per run (all are counted); enough to see the pattern, bounded in size. */
export const MAX_STORED_SKIPS = 1000;
const SAMPLE_SIZE = 20;

export interface DirectorySync {
  /**
   * Applies one batch and records its cursor in ONE transaction, so a crash leaves either both or
   * neither. In a dry run the record changes are rolled back (a savepoint) and only the run's
   * report, counters and marks are written.
   */
  applyBatch(lease: RunLease, batch: DirectoryBatch): Promise<ApplyBatchResult>;
  /**
   * Ends a run that read everything: computes the deactivations (users the connector deleted, and
   * for a full run every linked user it did not see), then applies them, or stops in
   * `needs_approval` when they exceed the instance's guard share of its linked users.
   * `startCursor` becomes the run's cursor when it applied no batch (so the watermark is kept).
   */
  finishRun(lease: RunLease, startCursor: JsonValue | null): Promise<FinishRunResult>;
  /** Applies the held deactivations of a guarded run (recomputed now) and completes it. */
  approveRun(tenantId: string, runId: string, actor: string): Promise<DecideRunResult>;
  /** Discards the held deactivations; the run ends `rejected`. Applied upserts stay. */
  rejectRun(tenantId: string, runId: string, actor: string): Promise<DecideRunResult>;
  /**
   * Deletes users a directory sync deactivated before `cutoff` (retention), across tenants. Users
   * still owning rooms or meetings are kept (deleting those is a person's decision).
   */
  purgeDeactivated(cutoff: Date): Promise<{ readonly deleted: number; readonly kept: number }>;
}

interface LockedRun {
  tenant_id: string;
  id: string;
  instance_id: string;
  mode: 'full' | 'incremental';
  dry_run: boolean;
  state: string;
  lease_owner: string | null;
  skipped: number;
  report: JsonValue;
  created: number;
  updated: number;
  batches: number;
  connector_type: string;
  guard_share: number;
}

export function createDirectorySync(db: Db): DirectorySync {
  /**
   * Runs that began on a tenant without users (the first import of a directory): their batches
   * skip the reads (`ApplyUsersOptions.emptyTenant`). Kept in memory only: a run resumed by
   * another process, or one whose copy met something that did exist after all, reads again; a
   * finished run leaves the set.
   */
  const emptyTenantRuns = new Set<string>();
  return {
    async applyBatch(lease, batch) {
      if (!allUuids(lease.tenantId, lease.runId)) return { ok: false, reason: 'lease_lost' };
      try {
        return await applyBatchOnce(db, lease, batch, { bulk: true, emptyTenantRuns });
      } catch (error) {
        // A concurrent writer took an address (or an identity) the bulk copy meant to insert: the
        // copy failed the whole transaction, so nothing of the batch is stored. Applied again on
        // the careful path, where such a record becomes a skip with its reason.
        if (!isUniqueViolation(error)) throw error;
        emptyTenantRuns.delete(lease.runId);
        return applyBatchOnce(db, lease, batch, { bulk: false, emptyTenantRuns });
      }
    },

    async finishRun(lease, startCursor) {
      if (!allUuids(lease.tenantId, lease.runId)) return { ok: false, reason: 'lease_lost' };
      emptyTenantRuns.delete(lease.runId);
      return db.transaction().execute(async (trx) => {
        const run = await lockLeasedRun(trx, lease);
        if (run === undefined) return { ok: false, reason: 'lease_lost' } as const;
        const source = identitySource(run.connector_type, run.instance_id);
        await applyDeferred(trx, run, source);
        const candidates = await deactivationCandidates(trx, run, source);
        const linked = await linkedActiveUsers(trx, run.tenant_id, source);
        const base = {
          cursor: sql<JsonValue>`coalesce(cursor, ${jsonb(startCursor)})`,
          start_cursor: jsonb(startCursor),
          lease_owner: null,
          linked_users: linked,
        };
        if (run.dry_run) {
          const current = asObject(run.report);
          const deactivate = await sampleEmails(
            trx,
            run.tenant_id,
            candidates.map((c) => c.id),
          );
          const report = {
            ...current,
            deactivate,
            not_shown: {
              create: Math.max(0, run.created - listLength(current['create'])),
              update: Math.max(0, run.updated - listLength(current['update'])),
              deactivate: candidates.length - deactivate.length,
            },
          };
          await trx
            .updateTable('sync_runs')
            .set({
              ...base,
              state: 'completed',
              pending_deactivations: candidates.length,
              report: jsonb(report),
              finished_at: sql<Date>`now()`,
            })
            .where('tenant_id', '=', run.tenant_id)
            .where('id', '=', run.id)
            .execute();
          await dropMarks(trx, run);
          return { ok: true, state: 'completed', deactivations: candidates.length } as const;
        }
        if (candidates.length > 0 && candidates.length > run.guard_share * linked) {
          await trx
            .updateTable('sync_runs')
            .set({
              ...base,
              state: 'needs_approval',
              pending_deactivations: candidates.length,
              report: jsonb(await guardReport(trx, run, candidates, linked)),
            })
            .where('tenant_id', '=', run.tenant_id)
            .where('id', '=', run.id)
            .execute();
          return { ok: true, state: 'needs_approval', deactivations: candidates.length } as const;
        }
        const outcome = await deactivate(trx, run, source, candidates);
        const deactivated = outcome.deactivated;
        await trx
          .updateTable('sync_runs')
          .set({
            ...base,
            state: 'completed',
            deactivated,
            report: jsonb({ ...asObject(run.report), ...outcome.report }),
            finished_at: sql<Date>`now()`,
          })
          .where('tenant_id', '=', run.tenant_id)
          .where('id', '=', run.id)
          .execute();
        await dropMarks(trx, run);
        return { ok: true, state: 'completed', deactivations: deactivated } as const;
      });
    },

    approveRun: (tenantId, runId, actor) => decide(db, tenantId, runId, actor, true),
    rejectRun: (tenantId, runId, actor) => decide(db, tenantId, runId, actor, false),

    async purgeDeactivated(cutoff) {
      return db.transaction().execute(async (trx) => {
        const due = await trx
          .selectFrom('users')
          .select(['tenant_id', 'id'])
          .where('deactivated_by', 'is not', null)
          .where('disabled_at', '<', cutoff)
          .execute();
        if (due.length === 0) return { deleted: 0, kept: 0 };
        const deleted = await trx
          .deleteFrom('users')
          .where('deactivated_by', 'is not', null)
          .where('disabled_at', '<', cutoff)
          .where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('rooms')
                  .select('rooms.id')
                  .whereRef('rooms.tenant_id', '=', 'users.tenant_id')
                  .whereRef('rooms.owner_id', '=', 'users.id'),
              ),
            ),
          )
          .where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('events')
                  .select('events.id')
                  .whereRef('events.tenant_id', '=', 'users.tenant_id')
                  .whereRef('events.created_by', '=', 'users.id'),
              ),
            ),
          )
          .executeTakeFirst();
        const count = Number(deleted.numDeletedRows);
        return { deleted: count, kept: due.length - count };
      });
    },
  };
}

/** One attempt at `applyBatch`: one transaction, new users copied in when `bulk`. */
async function applyBatchOnce(
  db: Db,
  lease: RunLease,
  batch: DirectoryBatch,
  how: { readonly bulk: boolean; readonly emptyTenantRuns: Set<string> },
): Promise<ApplyBatchResult> {
  const { bulk, emptyTenantRuns } = how;
  return db.transaction().execute(async (trx) => {
    const run = await lockLeasedRun(trx, lease);
    if (run === undefined) return { ok: false, reason: 'lease_lost' } as const;
    // Decided at the run's first batch only: later, the tenant holds this run's own users.
    if (bulk && run.batches === 0 && !run.dry_run && !(await tenantHasUsers(trx, lease.tenantId))) {
      emptyTenantRuns.add(run.id);
    }
    const source = identitySource(run.connector_type, run.instance_id);
    const tally = emptyTally();
    tally.skipped.push(...batch.skipped);
    if (run.dry_run) await sql`savepoint dry_run`.execute(trx);
    // A dry run's batches are rolled back one by one: nothing can wait for a later one.
    await applyUsers(trx, lease.tenantId, source, batch.users, tally, {
      runId: run.id,
      final: run.dry_run,
      bulk,
      emptyTenant: emptyTenantRuns.has(run.id),
    });
    await applyGroups(trx, lease.tenantId, source, batch.groups, tally);
    if (run.dry_run) await sql`rollback to savepoint dry_run`.execute(trx);

    // A user whose identity this batch made is seen by this run without a mark: its identity
    // carries the run (decision 0028), so the first full sync writes no mark per user.
    const madeNow = new Set(tally.linked);
    const refs: { type: 'user' | 'group'; externalId: string }[] = batch.users
      .filter((u) => !madeNow.has(u.externalId))
      .map((u) => ({ type: 'user' as const, externalId: u.externalId }));
    refs.push(...batch.groups.map((g) => ({ type: 'group' as const, externalId: g.externalId })));
    // A record the connector skipped still exists upstream: it must not count as gone.
    refs.push(...batch.skipped.map((s) => ({ type: s.type, externalId: s.externalId })));
    if (run.mode === 'full') await mark(trx, run, 'seen', refs);
    else await unmarkDeleted(trx, run, refs);
    await mark(trx, run, 'deleted', batch.deletes);

    const room = Math.max(0, MAX_STORED_SKIPS - run.skipped);
    const stored = tally.skipped.slice(0, room);
    if (stored.length > 0) {
      await trx
        .insertInto('sync_run_skipped')
        .values(
          stored.map((s) => ({
            tenant_id: lease.tenantId,
            run_id: lease.runId,
            record_type: s.type,
            external_id: s.externalId.slice(0, 1000),
            label: s.label?.slice(0, 1000) ?? null,
            reason: s.reason.slice(0, 1000),
          })),
        )
        .execute();
    }
    await trx
      .updateTable('sync_runs')
      .set({
        cursor: jsonb(batch.cursor),
        batches: sql<number>`batches + ${batch.pages ?? 1}`,
        seen: sql<number>`seen + ${batch.users.length + batch.groups.length + batch.skipped.length}`,
        created: sql<number>`created + ${tally.created}`,
        updated: sql<number>`updated + ${tally.updated}`,
        unchanged: sql<number>`unchanged + ${tally.unchanged}`,
        reactivated: sql<number>`reactivated + ${tally.reactivated}`,
        skipped: sql<number>`skipped + ${tally.skipped.length}`,
        heartbeat_at: sql<Date>`now()`,
        ...(run.dry_run ? { report: jsonb(mergeSamples(run.report, tally.samples)) } : {}),
        ...(tally.deferred.length > 0 ? { report: jsonb(withDeferred(run.report, tally.deferred)) } : {}),
      })
      .where('tenant_id', '=', lease.tenantId)
      .where('id', '=', lease.runId)
      .execute();
    return {
      ok: true,
      outcome: {
        created: tally.created,
        updated: tally.updated,
        unchanged: tally.unchanged,
        reactivated: tally.reactivated,
        skipped: tally.skipped.length,
      },
    } as const;
  });
}

async function tenantHasUsers(trx: Trx, tenantId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('users')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** A unique index refused a row (PostgreSQL error 23505). */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '23505';
}

/** Keeps the records whose address change waits for the end of the run in its report. */
function withDeferred(report: JsonValue, records: readonly DirectoryUser[]): JsonValue {
  const current = asObject(report);
  const earlier = Array.isArray(current['deferred']) ? current['deferred'] : [];
  return { ...current, deferred: [...earlier, ...records.map((record) => ({ ...record }))] };
}

/**
 * Applies the address changes that waited for the end of the run, all together: an entry that
 * took the address of one read in a later batch (a swap or cycle across batches) settles now.
 * What still cannot move is skipped with the reason, like any refused change.
 */
async function applyDeferred(trx: Trx, run: LockedRun, source: string): Promise<void> {
  const report = asObject(run.report);
  const deferred = report['deferred'];
  if (!Array.isArray(deferred) || deferred.length === 0) return;
  const tally = emptyTally();
  await applyUsers(trx, run.tenant_id, source, deferred as unknown as DirectoryUser[], tally, {
    runId: run.id,
    final: true,
  });
  if (tally.skipped.length > 0) {
    await trx
      .insertInto('sync_run_skipped')
      .values(
        tally.skipped.map((s) => ({
          tenant_id: run.tenant_id,
          run_id: run.id,
          record_type: s.type,
          external_id: s.externalId.slice(0, 1000),
          label: s.label?.slice(0, 1000) ?? null,
          reason: s.reason.slice(0, 1000),
        })),
      )
      .execute();
  }
  const { deferred: _applied, ...rest } = report;
  run.report = rest;
  await trx
    .updateTable('sync_runs')
    .set({
      updated: sql<number>`updated + ${tally.updated}`,
      unchanged: sql<number>`unchanged + ${tally.unchanged}`,
      reactivated: sql<number>`reactivated + ${tally.reactivated}`,
      skipped: sql<number>`skipped + ${tally.skipped.length}`,
      report: jsonb(rest),
    })
    .where('tenant_id', '=', run.tenant_id)
    .where('id', '=', run.id)
    .execute();
}

async function lockRun(trx: Trx, tenantId: string, runId: string): Promise<LockedRun | undefined> {
  return trx
    .selectFrom('sync_runs as run')
    .innerJoin('connector_instances as instance', (join) =>
      join.onRef('instance.tenant_id', '=', 'run.tenant_id').onRef('instance.id', '=', 'run.instance_id'),
    )
    .select([
      'run.tenant_id',
      'run.id',
      'run.instance_id',
      'run.mode',
      'run.dry_run',
      'run.state',
      'run.lease_owner',
      'run.skipped',
      'run.report',
      'run.created',
      'run.updated',
      'run.batches',
      'instance.connector_type',
      'instance.guard_share',
    ])
    .where('run.tenant_id', '=', tenantId)
    .where('run.id', '=', runId)
    .forUpdate('run')
    .executeTakeFirst();
}

/** The run locked for this transaction, if it is still running under this worker's lease. */
async function lockLeasedRun(trx: Trx, lease: RunLease): Promise<LockedRun | undefined> {
  const run = await lockRun(trx, lease.tenantId, lease.runId);
  return run !== undefined && run.state === 'running' && run.lease_owner === lease.owner ? run : undefined;
}

async function mark(
  trx: Trx,
  run: LockedRun,
  kind: 'seen' | 'deleted',
  refs: readonly { type: 'user' | 'group'; externalId: string }[],
): Promise<void> {
  if (refs.length === 0) return;
  // One array per column rather than five parameters per record: a batch of 1,000 records would
  // otherwise be a statement of 5,000 parameters to parse and plan.
  await sql`
    insert into sync_run_marks (tenant_id, run_id, kind, record_type, external_id)
    select ${run.tenant_id}::uuid, ${run.id}::uuid, ${kind}, ref.record_type, ref.external_id
    from unnest(${refs.map((r) => r.type)}::text[], ${refs.map((r) => r.externalId)}::text[])
      as ref(record_type, external_id)
    on conflict do nothing`.execute(trx);
}

/** In an incremental run, a record deleted and then seen again in the same run is not gone. */
async function unmarkDeleted(
  trx: Trx,
  run: LockedRun,
  refs: readonly { type: 'user' | 'group'; externalId: string }[],
): Promise<void> {
  for (const type of ['user', 'group'] as const) {
    const ids = refs.filter((r) => r.type === type).map((r) => r.externalId);
    if (ids.length === 0) continue;
    await trx
      .deleteFrom('sync_run_marks')
      .where('run_id', '=', run.id)
      .where('kind', '=', 'deleted')
      .where('record_type', '=', type)
      .where('external_id', '=', sql<string>`any(${ids}::text[])`)
      .execute();
  }
}

async function dropMarks(trx: Trx, run: { tenant_id: string; id: string }): Promise<void> {
  await trx
    .deleteFrom('sync_run_marks')
    .where('tenant_id', '=', run.tenant_id)
    .where('run_id', '=', run.id)
    .execute();
}

/** A user a run found gone, and whether this source owns it (then it is disabled, else unlinked). */
interface Candidate {
  readonly id: string;
  readonly owned: boolean;
}

/**
 * Active users linked to this source that the run found gone: deleted explicitly, or (full runs)
 * not seen at all. Only ever called for a run that read to its end.
 */
async function deactivationCandidates(trx: Trx, run: LockedRun, source: string): Promise<Candidate[]> {
  // The run just wrote up to one mark per record. With statistics from before (or none, where
  // autovacuum is off or has not come round), the planner takes the marks for a handful of rows and
  // picks a nested loop that rescans them per identity: 18 s at 10,000 users, quadratic beyond.
  // Sampling the table costs well under a second at 100,000 marks.
  await sql`analyze sync_run_marks`.execute(trx);
  const rows = await trx
    .selectFrom('user_identities as identity')
    .innerJoin('users', (join) =>
      join.onRef('users.tenant_id', '=', 'identity.tenant_id').onRef('users.id', '=', 'identity.user_id'),
    )
    .select(['users.id', sql<boolean>`bool_or(identity.owns_user)`.as('owned')])
    .where('identity.tenant_id', '=', run.tenant_id)
    .where('identity.source', '=', source)
    .where('users.disabled_at', 'is', null)
    .where(goneInRun(run, 'user', sql.ref('identity.external_id')))
    // Made by this run: seen, though it has no mark (a full run marks only what it did not make).
    .where(sql<boolean>`identity.linked_by_run is distinct from ${run.id}::uuid`)
    .groupBy('users.id')
    .execute();
  return rows.map((row) => ({ id: row.id, owned: Boolean(row.owned) }));
}

/**
 * Whether the run found the record gone: a full run did not see it (seen wins over a delete that
 * came earlier in the same run), an incremental run was told it was deleted.
 */
function goneInRun(
  run: LockedRun,
  recordType: 'user' | 'group',
  externalId: RawBuilder<unknown>,
): RawBuilder<boolean> {
  const marked = (kind: 'seen' | 'deleted') => sql<boolean>`exists (
    select 1 from sync_run_marks as mark
    where mark.run_id = ${run.id} and mark.kind = ${kind} and mark.record_type = ${recordType}
      and mark.external_id = ${externalId})`;
  return run.mode === 'full' ? sql<boolean>`not ${marked('seen')}` : marked('deleted');
}

async function linkedActiveUsers(trx: Trx, tenantId: string, source: string): Promise<number> {
  const row = await trx
    .selectFrom('user_identities as identity')
    .innerJoin('users', (join) =>
      join.onRef('users.tenant_id', '=', 'identity.tenant_id').onRef('users.id', '=', 'identity.user_id'),
    )
    .select(sql<number>`count(distinct users.id)`.as('n'))
    .where('identity.tenant_id', '=', tenantId)
    .where('identity.source', '=', source)
    .where('users.disabled_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Applies what a run found gone, by the rules of decision 0026: users this source owns are
 * disabled, except tenant administrators when no other active one would be left; users it merely
 * linked are unlinked and stay as they are. Both are written to the connector's audit log.
 */
async function deactivate(
  trx: Trx,
  run: LockedRun,
  source: string,
  candidates: readonly Candidate[],
): Promise<{ deactivated: number; report: Record<string, JsonValue> }> {
  const owned = candidates.filter((c) => c.owned).map((c) => c.id);
  const linkedOnly = candidates.filter((c) => !c.owned).map((c) => c.id);
  const kept = await lastAdministrators(trx, run.tenant_id, owned);
  const disable = owned.filter((id) => !kept.includes(id));
  const report: Record<string, JsonValue> = {};
  const audit = async (action: string, details: Record<string, JsonValue>) => {
    await trx
      .insertInto('connector_audit_log')
      .values({
        tenant_id: run.tenant_id,
        instance_id: run.instance_id,
        actor: `sync-run:${run.id}`,
        action,
        details: jsonb(details),
      })
      .execute();
  };

  let count = 0;
  if (disable.length > 0) {
    const result = await trx
      .updateTable('users')
      .set({ disabled_at: sql<Date>`now()`, deactivated_by: source, updated_at: sql<Date>`now()` })
      .where('tenant_id', '=', run.tenant_id)
      .where('id', '=', sql<string>`any(${disable}::uuid[])`)
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    count = Number(result.numUpdatedRows);
  }
  if (linkedOnly.length > 0) {
    await trx
      .deleteFrom('user_identities')
      .where('tenant_id', '=', run.tenant_id)
      .where('source', '=', source)
      .where('owns_user', '=', false)
      .where('user_id', '=', sql<string>`any(${linkedOnly}::uuid[])`)
      .execute();
    const emails = await sampleEmails(trx, run.tenant_id, linkedOnly);
    report['unlinked'] = { count: linkedOnly.length, sample: emails };
    await audit('identity.unlinked', {
      reason:
        'the entry left the directory; the account existed before the directory linked it, so it stays enabled',
      count: linkedOnly.length,
      emails,
    });
  }
  if (kept.length > 0) {
    const emails = await sampleEmails(trx, run.tenant_id, kept);
    report['kept'] = { reason: 'last active tenant administrator', emails };
    await audit('deactivation.kept', {
      reason: 'a sync never disables the last active tenant administrator',
      emails,
    });
  }
  // Groups that left the source go (their memberships with them): they grant nothing by themselves.
  await trx
    .deleteFrom('groups')
    .where('tenant_id', '=', run.tenant_id)
    .where('source', '=', source)
    .where(goneInRun(run, 'group', sql.ref('groups.external_id')))
    .execute();
  return { deactivated: count, report };
}

/**
 * The tenant administrators among `userIds` that must stay enabled: all of them when no active
 * administrator outside `userIds` is left (a sync must never lock the tenant out of its own
 * administration), none otherwise. Administrators are the users holding the stored role, from a
 * login's token or granted by an operator, and the members of directory groups the tenant's role
 * mapping makes administrators (decision 0027), as the memberships stand when this runs.
 */
async function lastAdministrators(trx: Trx, tenantId: string, userIds: readonly string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const admins = await trx
    .selectFrom('user_roles')
    .innerJoin('users', (join) =>
      join.onRef('users.tenant_id', '=', 'user_roles.tenant_id').onRef('users.id', '=', 'user_roles.user_id'),
    )
    .select('users.id')
    .distinct()
    .where('user_roles.tenant_id', '=', tenantId)
    .where('user_roles.role', '=', tenantAdministratorRole)
    .where('users.disabled_at', 'is', null)
    .execute();
  const mapped = await createRoleMappingRepository(trx).directoryMembersGranted(tenantId, 'tenant_admin');
  const activeMapped =
    mapped.length === 0
      ? []
      : await trx
          .selectFrom('users')
          .select('id')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', sql<string>`any(${mapped}::uuid[])`)
          .where('disabled_at', 'is', null)
          .execute();
  const all = [...new Set([...admins, ...activeMapped].map((a) => a.id))];
  const leaving = new Set(userIds);
  const affected = all.filter((id) => leaving.has(id));
  const remaining = all.length - affected.length;
  return remaining > 0 ? [] : affected;
}

async function guardReport(
  trx: Trx,
  run: LockedRun,
  candidates: readonly Candidate[],
  linked: number,
): Promise<JsonValue> {
  const deactivate = await sampleEmails(
    trx,
    run.tenant_id,
    candidates.map((c) => c.id),
  );
  return {
    guard: { deactivations: candidates.length, linkedUsers: linked, share: Number(run.guard_share) },
    deactivate,
    not_shown: { deactivate: candidates.length - deactivate.length },
  };
}

function listLength(value: JsonValue | undefined): number {
  return Array.isArray(value) ? value.length : 0;
}

async function decide(
  db: Db,
  tenantId: string,
  runId: string,
  actor: string,
  approve: boolean,
): Promise<DecideRunResult> {
  if (!allUuids(tenantId, runId)) return { ok: false, reason: 'not_found' };
  return db.transaction().execute(async (trx) => {
    const run = await lockRun(trx, tenantId, runId);
    if (run === undefined) return { ok: false, reason: 'not_found' } as const;
    if (run.state !== 'needs_approval') return { ok: false, reason: 'not_awaiting_approval' } as const;
    let deactivated = 0;
    let report = asObject(run.report);
    if (approve) {
      const source = identitySource(run.connector_type, run.instance_id);
      const outcome = await deactivate(trx, run, source, await deactivationCandidates(trx, run, source));
      deactivated = outcome.deactivated;
      report = { ...report, ...outcome.report };
    }
    await trx
      .updateTable('sync_runs')
      .set({
        state: approve ? 'completed' : 'rejected',
        deactivated,
        report: jsonb(report),
        decided_by: actor,
        finished_at: sql<Date>`now()`,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', runId)
      .execute();
    await dropMarks(trx, run);
    return { ok: true, deactivated } as const;
  });
}

async function sampleEmails(trx: Trx, tenantId: string, userIds: readonly string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await trx
    .selectFrom('users')
    .select('email')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', sql<string>`any(${userIds.slice(0, SAMPLE_SIZE)}::uuid[])`)
    .orderBy('email')
    .execute();
  return rows.map((row) => row.email);
}

function asObject(value: JsonValue): Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
}

function mergeSamples(report: JsonValue, samples: { create: string[]; update: string[] }): JsonValue {
  const current = asObject(report);
  const list = (key: string): JsonValue[] => {
    const value = current[key];
    return Array.isArray(value) ? value : [];
  };
  return {
    ...current,
    create: [...list('create'), ...samples.create].slice(0, SAMPLE_SIZE),
    update: [...list('update'), ...samples.update].slice(0, SAMPLE_SIZE),
  };
}
