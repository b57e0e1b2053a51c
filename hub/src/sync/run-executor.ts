import { isConnectorError, type ConnectorDefinition, type UsersCapability } from '@vc/connector-sdk';
import {
  createConnectorInstanceRepository,
  createDirectorySync,
  createSyncRunRepository,
  type Db,
  type JsonValue,
  type Logger,
  type RunLease,
  type SyncRun,
} from '@vc/conference-core';

import type { ConnectorRegistry } from '../connectors/registry.js';
import { connectorLogger, scrubMessage } from './connector-logger.js';
import { openSettings } from './connector-settings.js';
import type { SecretBox } from './secret-box.js';
import { joinable, joinBatches } from './join-batches.js';
import { readAhead } from './read-ahead.js';
import { sleep } from '@vc/connector-sdk';
import { validateBatch } from './validate-batch.js';

export interface RunExecutorOptions {
  readonly db: Db;
  readonly logger: Logger;
  readonly registry: ConnectorRegistry;
  readonly secrets: SecretBox;
  /** This worker's lease name. */
  readonly workerId: string;
  readonly leaseMs: number;
  readonly maxRetries: number;
  /** First backoff when the connector gives no Retry-After; doubles per consecutive retry. */
  readonly retryBaseMs: number;
  /** Upper bound on any single wait, whatever the upstream asks for. */
  readonly maxRetryWaitMs: number;
  readonly now: () => Date;
}

/**
 * How many connector batches the hub reads ahead of the one it is applying. Those that piled up
 * meanwhile are applied together, in one transaction (decision 0028): when the database is the
 * slower side, a run makes fewer, bigger transactions, each with a handful of round trips. A
 * count of batches, not of records, so a run still commits every few of the connector's pages
 * whatever their size (and memory stays bounded by the page size the admin chose). 16 rather than
 * 4 since connectors stream (0028, addendum): with 4, a 100,000-user sync made ~27 transactions
 * whose round trips each waited behind the connector's parsing on the same thread.
 */
const READ_AHEAD_BATCHES = 16;

/**
 * Executes one run to its end: claims its lease, pages through the connector from the run's last
 * applied cursor (reading ahead while the batch before is applied, and joining what piled up meanwhile), applies each batch
 * with its cursor in one transaction, in order, retries retryable
 * connector errors (honouring Retry-After) by resuming from that cursor, and finishes the run
 * (deactivations or the guard). A non-retryable error (auth_failed, ...) fails the run and
 * applies nothing more; a failed or unfinished read never deactivates anyone.
 */
export async function executeRun(
  options: RunExecutorOptions,
  tenantId: string,
  runId: string,
  jobSignal: AbortSignal,
): Promise<void> {
  const { db, workerId } = options;
  const runs = createSyncRunRepository(db);
  const run = await runs.claim(tenantId, runId, workerId, options.leaseMs);
  if (run === undefined) return; // finished, decided, or another worker holds it
  const lease: RunLease = { tenantId, runId, owner: workerId };
  const log = options.logger.child({ tenant: tenantId, run: runId, instance: run.instanceId });

  const prepared = await prepare(options, run);
  if (!prepared.ok) {
    await runs.fail(tenantId, runId, workerId, prepared.code, prepared.message);
    log.warn({ code: prepared.code }, `sync run failed before reading: ${prepared.message}`);
    return;
  }
  const { users, settings, secretValues, connectorId } = prepared;
  const startCursor =
    run.mode === 'incremental' ? await runs.lastCompletedCursor(tenantId, run.instanceId) : null;
  let cursor: JsonValue | null = run.batches > 0 ? run.cursor : startCursor;
  log.info(
    { mode: run.mode, dryRun: run.dryRun, resumed: run.batches > 0, connector: connectorId },
    'sync run started',
  );

  const heartbeat = setInterval(
    () => {
      runs
        .heartbeat(tenantId, runId, workerId)
        .catch((err: unknown) => log.warn({ err }, 'sync heartbeat failed'));
    },
    Math.max(250, Math.floor(options.leaseMs / 3)),
  );
  const directory = createDirectorySync(db);
  const ctx = {
    settings,
    logger: connectorLogger(log.child({ connector: connectorId }), secretValues),
    fetch: globalThis.fetch,
    signal: jobSignal,
    clock: { now: options.now },
  };
  let retries = 0;
  try {
    for (;;) {
      try {
        // Validated as it is read, so that work too overlaps with applying the batch before.
        const validated = (async function* () {
          for await (const batch of users.sync(ctx, { mode: run.mode, cursor })) yield validateBatch(batch);
        })();
        const batches = readAhead(validated, {
          limit: READ_AHEAD_BATCHES,
          merge: { mergeable: joinable, join: joinBatches },
        });
        for await (const batch of batches) {
          jobSignal.throwIfAborted();
          const applied = await directory.applyBatch(lease, batch);
          if (!applied.ok) {
            log.warn({}, 'sync run lease lost (taken over or ended elsewhere); stopping');
            return;
          }
          cursor = batch.cursor;
          retries = 0;
        }
        break;
      } catch (err) {
        if (jobSignal.aborted) throw err;
        if (!isConnectorError(err)) {
          const message = scrubMessage(err instanceof Error ? err.message : String(err), secretValues);
          await runs.fail(tenantId, runId, workerId, 'internal_error', message);
          log.error({ err: { message } }, 'sync run failed');
          return;
        }
        const message = scrubMessage(err.message, secretValues);
        if (!err.retryable || retries >= options.maxRetries) {
          const why = err.retryable ? `${message} (gave up after ${retries} retries)` : message;
          await runs.fail(tenantId, runId, workerId, err.code, why);
          log.warn({ code: err.code, retries }, `sync run failed: ${why}`);
          return;
        }
        retries++;
        const wait = Math.min(
          err.retryAfterMs ?? options.retryBaseMs * 2 ** (retries - 1),
          options.maxRetryWaitMs,
        );
        await runs.countError(tenantId, runId, workerId);
        log.info(
          { code: err.code, retry: retries, waitMs: wait },
          'connector asked to retry; resuming from the last applied batch',
        );
        await sleep(wait, jobSignal);
      }
    }
    const finished = await directory.finishRun(lease, startCursor);
    if (!finished.ok) log.warn({}, 'sync run lease lost before finishing');
    else if (finished.state === 'needs_approval') {
      log.warn(
        { deactivations: finished.deactivations },
        'sync run stopped for approval: it would deactivate more than the guard allows',
      );
    } else log.info({ deactivated: finished.deactivations }, 'sync run completed');
  } catch (err) {
    if (jobSignal.aborted) {
      // Shutdown: give the lease up so the returned job (or any worker) resumes at once.
      await runs.release(tenantId, runId, workerId).catch(() => false);
      log.info({}, 'sync run interrupted by shutdown; it resumes from its last applied batch');
    }
    throw err;
  } finally {
    clearInterval(heartbeat);
  }
}

type Prepared =
  | {
      ok: true;
      users: UsersCapability<unknown>;
      settings: unknown;
      secretValues: string[];
      connectorId: string;
    }
  | { ok: false; code: string; message: string };

async function prepare(options: RunExecutorOptions, run: SyncRun): Promise<Prepared> {
  const instance = await createConnectorInstanceRepository(options.db).findById(run.tenantId, run.instanceId);
  if (instance === undefined) return { ok: false, code: 'not_found', message: 'the connector was deleted' };
  const definition: ConnectorDefinition | undefined = options.registry.find(instance.connectorType);
  const users = definition?.capabilities.users as UsersCapability<unknown> | undefined;
  if (definition === undefined || users === undefined) {
    return {
      ok: false,
      code: 'unknown_connector',
      message: `this hub has no directory connector "${instance.connectorType}"`,
    };
  }
  if (run.mode === 'incremental' && !users.supportsIncremental) {
    return { ok: false, code: 'invalid_settings', message: 'this connector only runs full syncs' };
  }
  const opened = openSettings(definition, options.secrets, instance);
  if (!opened.ok) return { ok: false, code: 'invalid_settings', message: opened.message };
  return {
    ok: true,
    users,
    settings: opened.settings,
    secretValues: opened.secretValues,
    connectorId: definition.id,
  };
}
