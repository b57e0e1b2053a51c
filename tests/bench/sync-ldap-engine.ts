import type { SyncRun } from '@vc/conference-core';
import { silentLogger } from '@vc/conference-core';
import { ucsConnector } from '@vc/connector-ucs';

import type { Slapd } from '../src/support/slapd.js';
import { loadAverage } from './sync-ldap-load.js';
import { openTestDatabase, syncHarness, type Backend } from '../src/support/sync-harness.js';
import { slapdSettings } from '../src/support/ucs-harness.js';

/**
 * The whole sync of sync-ldap: the real UCS connector read through the hub's sync engine
 * (`executeRun`: validation, diff, writes, group memberships, reconcile) into the core's tables,
 * on a fresh database of `backend`. Runs in this process, so the peak RSS includes the engine
 * and, on PGlite, the database itself.
 */
export interface EngineMeasurement {
  readonly label: string;
  /** The bar this row is measured against, if any (the others are information). */
  readonly bar: 'full' | 'unchanged' | undefined;
  readonly ms: number;
  readonly run: SyncRun;
  readonly peakRss: number;
  /** The machine's load average when the row ended. */
  readonly load: string;
}

export interface EnginePhases {
  /** Changes 1% of the users in slapd; returns how many. */
  changeOnePercent(): Promise<number>;
  /** Times a paged ldapsearch dump right before a run, the floor for its ratio. */
  dump(): Promise<number>;
}

/**
 * The hub's sync engine on a fresh database of `backend`, with one UCS connector instance on
 * `slapd`; `sync(mode)` runs it to its end and throws unless it completed. Everything is removed
 * afterwards.
 */
async function withFreshEngine<T>(
  slapd: Slapd,
  backend: Backend,
  pageSize: number,
  use: (sync: (mode: 'full' | 'incremental', label: string) => Promise<SyncRun>) => Promise<T>,
): Promise<T> {
  const database = await openTestDatabase(backend);
  const h = syncHarness(database.db, [ucsConnector], silentLogger, { leaseMs: 600_000 });
  try {
    const tenantId = await h.newTenant();
    const instanceId = await h.newInstance(tenantId, slapdSettings(slapd, { pageSize, timeoutMs: 120_000 }));
    return await use(async (mode, label) => {
      const run = await h.run(tenantId, instanceId, mode);
      if (run.state !== 'completed') throw new Error(`engine ${label}: ${run.state} ${run.errorMessage}`);
      return run;
    });
  } finally {
    await h.close();
    await database.remove();
  }
}

export async function engineRuns(
  slapd: Slapd,
  backend: Backend,
  pageSize: number,
  phases: EnginePhases,
): Promise<{ rows: (EngineMeasurement & { dumpMs: number | undefined })[]; changed: number }> {
  return withFreshEngine(slapd, backend, pageSize, async (sync) => {
    const rows: (EngineMeasurement & { dumpMs: number | undefined })[] = [];
    const measure = async (
      label: string,
      mode: 'full' | 'incremental',
      againstDump: boolean,
      bar?: EngineMeasurement['bar'],
    ) => {
      const dumpMs = againstDump ? await phases.dump() : undefined;
      let peak = process.memoryUsage().rss;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
      const started = performance.now();
      try {
        const run = await sync(mode, label);
        const ms = performance.now() - started;
        rows.push({
          label,
          bar,
          ms,
          run,
          peakRss: Math.max(peak, process.memoryUsage().rss),
          dumpMs,
          load: loadAverage(),
        });
      } finally {
        clearInterval(sampler);
      }
    };
    await measure('full sync', 'full', true, 'full');
    // A full reconcile reads every entry again, so it is compared with its dump, not with the
    // full sync: the unchanged re-sync a UCS connector runs on schedule is the incremental one.
    await measure('unchanged full re-sync (reconcile)', 'full', true);
    await measure('unchanged incremental re-sync', 'incremental', false, 'unchanged');
    const changed = await phases.changeOnePercent();
    await measure(`incremental after 1% (${changed}) changed`, 'incremental', false);
    return { rows, changed };
  });
}

/**
 * One engine full sync of `slapd` on a fresh database, timed: the reference a large run's full
 * sync is compared with (bar 4: 1,000,000 users within 12x the time of 100,000).
 */
export async function referenceFullSyncMs(slapd: Slapd, backend: Backend, pageSize: number): Promise<number> {
  return withFreshEngine(slapd, backend, pageSize, async (sync) => {
    const started = performance.now();
    await sync('full', 'reference full sync');
    return performance.now() - started;
  });
}
