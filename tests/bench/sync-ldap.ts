import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ConnectorContext, JsonValue, SyncBatch, SyncMode } from '@vc/connector-sdk';
import { ucsConnector, userAttributes } from '@vc/connector-ucs';

import { startSlapd, type Slapd } from '../src/support/slapd.js';
import { slapdSettings } from '../src/support/ucs-harness.js';
import { userDn } from '../src/support/ucs-ldap/ucs-ldif.js';
import { bar, isQuick, printResult, type BarCheck, type Benchmark } from './benchmark.js';
import { engineRuns, referenceFullSyncMs } from './sync-ldap-engine.js';
import { loadAverage } from './sync-ldap-load.js';
import { writeFloorMs } from './sync-ldap-write-floor.js';

/**
 * `npm run bench -- sync-ldap [--users N]`: N (default 100,000) UCS-like users in a private slapd (loaded offline with
 * slapadd). Baseline: a paged `ldapsearch` dump of the same entries and attributes. Then the UCS
 * connector's full read, an unchanged re-read (incremental from the full run's cursor), and an
 * incremental read after 1% of the users changed (connector only: `applyBatch` counts). Then the
 * same through the hub's sync engine into the core (sync-ldap-engine.ts): full sync, unchanged
 * full and incremental re-syncs, and an incremental after another 1% changed, on PostgreSQL
 * (BENCH_SYNC_DB=pglite for the embedded database). Bar 1 is measured against the write floor
 * (sync-ldap-write-floor.ts) timed right before the engine rows. Above 200,000 users the connector
 * rows with 4 and 16 slices are left out (minutes each, and they measure the connector only).
 * Above 200,000 users the run also syncs a 100,000-user directory of its own first (bar 4: linear
 * within 1.2x). Each row prints the machine's load average: on a shared machine the ratios are what count.
 */
const pageSize = 1000;

/** Where each batch of a connector-only read goes: a counting consumer (the engine rows use the hub's engine). */
export type ApplyBatch = (batch: SyncBatch) => Promise<void>;

interface Counted {
  upserts: number;
  deletes: number;
  skipped: number;
}

function countingApply(counts: Counted): ApplyBatch {
  return (batch) => {
    counts.upserts += batch.upserts.length;
    counts.deletes += batch.deletes.length;
    counts.skipped += batch.skipped.length;
    return Promise.resolve();
  };
}

interface Measurement {
  readonly label: string;
  readonly ms: number;
  /** A paged ldapsearch dump timed right before this run (the floor), when compared. */
  readonly dumpMs: number | undefined;
  readonly users: number;
  readonly deletes: number;
  readonly peakRss: number;
  readonly load: string;
}

const newCounts = (): Counted => ({ upserts: 0, deletes: 0, skipped: 0 });

/** `--users N` (or a bare N, as before; BENCH_LDAP_USERS), default 100,000 (5,000 with `--quick`). */
function userCount(args: readonly string[]): number {
  const flag = args.indexOf('--users');
  const raw =
    flag >= 0 ? args[flag + 1] : (args.find((a) => /^\d+$/.test(a)) ?? process.env['BENCH_LDAP_USERS']);
  const count = Number(raw ?? (isQuick(args) ? 5_000 : 100_000));
  if (!Number.isInteger(count) || count < 1 || count > 10_000_000) {
    throw new Error(`--users must be a whole number from 1 to 10,000,000, got ${String(raw)}`);
  }
  return count;
}

let peakRss = 0;
const sampleRss = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

/**
 * The LDIF is written by a child process (sync-ldap-ldif.ts), so its garbage does not count in
 * this process's RSS, which is the figure the benchmark reports for the connector.
 */
function writeLdif(file: string, base: string, count: number, stamp: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = join(import.meta.dirname, 'sync-ldap-ldif.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', script, file, base, String(count), stamp], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`LDIF writer exited ${code}`))));
  });
}

function timed<T>(action: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  return action().then((value) => ({ ms: performance.now() - started, value }));
}

/** The floor: OpenLDAP's own client paging through the same filter and attributes. */
function ldapsearchDump(slapd: Slapd): Promise<number> {
  return new Promise((resolve, reject) => {
    const args = [
      '-x',
      '-LLL',
      '-o',
      'ldif-wrap=no',
      '-E',
      `pr=${pageSize}/noprompt`,
      '-H',
      slapd.url,
      '-D',
      slapd.hubDn,
      '-w',
      slapd.hubPassword,
      '-b',
      slapd.base,
      '(&(univentionObjectType=users/user)(vchubActivated=TRUE))',
      // The same attributes the connector asks for, so the floor reads what the sync reads.
      ...userAttributes,
      'vchubActivated',
    ];
    const child = spawn('ldapsearch', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let entries = 0;
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('dn: ')) entries++;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(entries) : reject(new Error(`ldapsearch exited ${code}`)),
    );
  });
}

async function connectorRun(
  slapd: Slapd,
  mode: SyncMode,
  cursor: JsonValue | null,
  apply: ApplyBatch,
  partitions: 1 | 4 | 16 | 256 = 1,
): Promise<{ cursor: JsonValue | null; batches: number; peakRss: number }> {
  peakRss = process.memoryUsage().rss;
  const settings = ucsConnector.settings.parse(
    slapdSettings(slapd, { pageSize, timeoutMs: 120_000, partitions }),
  );
  // Not the sdk's testContext: @vc/connector-sdk/testing loads vitest, whose memory would count.
  const quiet = (): void => undefined;
  const ctx: ConnectorContext<typeof settings> = {
    settings,
    logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    fetch: globalThis.fetch,
    signal: new AbortController().signal,
    clock: { now: () => new Date() },
  };
  let last = cursor;
  let batches = 0;
  for await (const batch of ucsConnector.capabilities.users!.sync(ctx, { mode, cursor })) {
    await apply(batch);
    last = batch.cursor;
    batches++;
    sampleRss();
  }
  return { cursor: last, batches, peakRss };
}

async function changeOnePercent(slapd: Slapd, count: number, round: number): Promise<number> {
  const step = 100;
  const records: string[] = [];
  for (let i = 0; i < count; i += step) {
    const uid = `user${String(i).padStart(6, '0')}`;
    records.push(
      `dn: ${userDn(slapd.base, uid)}\nchangetype: modify\nreplace: sn\nsn: Changed${i}-${round}\n-`,
    );
  }
  await slapd.modify(records.join('\n\n'));
  return records.length;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const row = (label: string, ms: number, extra = ''): string =>
  `${label.padEnd(62)} ${(ms / 1000).toFixed(2).padStart(8)} s  ${extra}`;

type EngineRow = Awaited<ReturnType<typeof engineRuns>>['rows'][number];

/**
 * The three bars, each with the row it is measured against. The unchanged re-sync bar is
 * the incremental run (watermark): a full reconcile reads every entry again, so it cannot be 10%
 * of a full sync that is itself close to a dump; it is reported against its own dump instead.
 */
function printBars(
  rows: readonly EngineRow[],
  floorMs: number,
  peaks: { readonly process: number; readonly beforeEngine: number },
): BarCheck[] {
  const bars: BarCheck[] = [];
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  const full = rows.find((r) => r.bar === 'full');
  const unchanged = rows.find((r) => r.bar === 'unchanged');
  const reconcile = rows.find((r) => r.bar === undefined && r.dumpMs !== undefined);
  if (full !== undefined) {
    const ratio = full.ms / floorMs;
    console.log(
      `bar 1  engine ${full.label} <= 2x the write floor timed right before the engine rows: ${ratio.toFixed(2)}x -> ${verdict(ratio <= 2)}` +
        (full.dumpMs === undefined
          ? ''
          : `  (information: ${(full.ms / full.dumpMs).toFixed(2)}x the dump timed right before it)`),
    );
    bars.push(bar('full_sync_floor_ratio', ratio, '<= 2'));
  }
  if (full !== undefined && unchanged !== undefined) {
    const share = unchanged.ms / full.ms;
    console.log(
      `bar 2  engine ${unchanged.label} <= 10% of the engine full sync: ${(share * 100).toFixed(1)}% -> ${verdict(share <= 0.1)}`,
    );
    bars.push(bar('unchanged_share_of_full', share, '<= 0.1'));
  }
  if (reconcile?.dumpMs !== undefined) {
    console.log(
      `       (information: engine ${reconcile.label} reads every entry; ${(reconcile.ms / reconcile.dumpMs).toFixed(2)}x its dump)`,
    );
  }
  // The engine rows sample RSS every 50 ms; if the process peak rose during them, it is theirs.
  const sampled = Math.max(...rows.map((r) => r.peakRss));
  const engine = peaks.process > peaks.beforeEngine ? Math.max(sampled, peaks.process) : sampled;
  console.log(
    `bar 3  peak RSS of the engine runs < 512 MB: ${mb(engine)} -> ${verdict(engine < 512 * 1024 * 1024)}` +
      `  (process peak ${mb(peaks.process)}; ${mb(peaks.beforeEngine)} before the engine runs, in the connector-only reads)`,
  );
  bars.push(bar('engine_peak_rss_mb', engine / 1024 / 1024, '< 512'));
  return bars;
}

/** The size bar 4 compares a large run with. */
const referenceUsers = 100_000;

/** A 100,000-user directory of its own (LDIF, slapd), synced once by the engine on a fresh database. */
async function referenceRun(
  dir: string,
  base: string,
  stamp: string,
  backend: 'pglite' | 'postgres',
): Promise<{ ms: number; load: string }> {
  const ldif = join(dir, 'reference.ldif');
  await writeLdif(ldif, base, referenceUsers, stamp);
  const slapd = await startSlapd({ bulkLdif: ldif, sizeLimit: pageSize });
  try {
    const ms = await referenceFullSyncMs(slapd, backend, pageSize);
    return { ms, load: loadAverage() };
  } finally {
    await slapd.dispose();
    rmSync(ldif, { force: true });
  }
}

export const syncLdapBenchmark: Benchmark = {
  name: 'sync-ldap',
  description:
    'UCS directory sync of --users N (default 100,000) slapd users: connector reads vs a paged ldapsearch dump, the engine vs the write floor',
  async run(args) {
    const count = userCount(args);
    const large = count > 200_000;
    const dir = mkdtempSync(join(tmpdir(), 'vc-bench-ldap-'));
    const base = 'dc=ucs,dc=test';
    const backend = process.env['BENCH_SYNC_DB'] === 'pglite' ? 'pglite' : 'postgres';
    try {
      const ldif = join(dir, 'users.ldif');
      const stamp = new Date(Date.now() - 3_600_000)
        .toISOString()
        .replace(/[-:T]/g, '')
        .replace(/\.\d+Z$/, 'Z');
      const generated = await timed(() => writeLdif(ldif, base, count, stamp));
      const loaded = await timed(() => startSlapd({ bulkLdif: ldif, sizeLimit: pageSize }));
      const slapd = loaded.value;
      console.log(
        `sync-ldap: ${count} users; LDIF generated in ${(generated.ms / 1000).toFixed(1)} s, slapadd + start ${(loaded.ms / 1000).toFixed(1)} s; page size ${pageSize}`,
      );
      console.log(
        `connector rows: applyBatch = counting consumer; engine rows: hub sync engine into the core on ${backend}`,
      );
      try {
        // What the process holds before it reads anything (this bench's modules, compiled by
        // tsx): part of every peak below, though none of it is the sync's.
        const rssBeforeReads = process.memoryUsage().rss;
        await ldapsearchDump(slapd); // warm the server's caches for both sides alike
        // One warm-up run for the JIT: the native ldapsearch needs none.
        await connectorRun(slapd, 'incremental', null, countingApply(newCounts()));
        const rows: Measurement[] = [];
        /**
         * A connector run, with a fresh dump right before it when `againstDump`: on a shared
         * machine the load drifts, and the ratio should compare like with like.
         */
        const measure = async (
          label: string,
          againstDump: boolean,
          action: (apply: ApplyBatch) => Promise<{ cursor: JsonValue | null; peakRss: number }>,
        ): Promise<{ cursor: JsonValue | null }> => {
          const dumpMs = againstDump ? (await timed(() => ldapsearchDump(slapd))).ms : undefined;
          const counted = newCounts();
          const { ms, value } = await timed(() => action(countingApply(counted)));
          rows.push({
            label,
            ms,
            dumpMs,
            users: counted.upserts,
            deletes: counted.deletes,
            peakRss: value.peakRss,
            load: loadAverage(),
          });
          return value;
        };

        const full = await measure('full read (default: 1 slice)', true, (apply) =>
          connectorRun(slapd, 'full', null, apply),
        );
        if (rows[0]!.users !== count) throw new Error(`full read yielded ${rows[0]!.users} users`);
        const unchanged = await measure('unchanged re-read (incremental from the cursor)', false, (apply) =>
          connectorRun(slapd, 'incremental', full.cursor, apply),
        );
        if (!large) {
          await measure('full read, 4 slices (partitions=4)', true, (apply) =>
            connectorRun(slapd, 'full', null, apply, 4),
          );
          await measure('full read, 16 slices (partitions=16)', true, (apply) =>
            connectorRun(slapd, 'full', null, apply, 16),
          );
        }
        const changed = await changeOnePercent(slapd, count, 1);
        await measure(`incremental after 1% (${changed}) changed`, false, (apply) =>
          connectorRun(slapd, 'incremental', unchanged.cursor, apply),
        );
        if (rows.at(-1)!.users < changed) throw new Error('the incremental read missed changes');

        const fullMs = rows[0]!.ms;
        console.log(`process RSS before the reads (the bench's own imports): ${mb(rssBeforeReads)}`);
        for (const r of rows) {
          const ratio =
            r.dumpMs === undefined
              ? ''
              : `${(r.ms / r.dumpMs).toFixed(2)}x its dump (${(r.dumpMs / 1000).toFixed(2)} s)  `;
          console.log(
            row(
              `connector ${r.label}`,
              r.ms,
              `${String(r.users).padStart(6)} users  ${ratio}${((r.ms / fullMs) * 100).toFixed(1)}% of full  peak RSS ${mb(r.peakRss)}  ${r.load}`,
            ),
          );
        }
        // Bar 4 (large runs): a 100,000-user directory's engine full sync, timed in this run.
        const reference = large ? await referenceRun(dir, base, stamp, backend) : undefined;
        // The connector-only reads above (4 and 16 slices among them) may set the process peak
        // before the engine runs; kept apart so bar 3 says which phase it measures.
        const peakBeforeEngine = process.resourceUsage().maxRSS * 1024;
        // The floor right before the engine rows, so bar 1 compares runs made under the same load.
        const floorMs = await writeFloorMs(backend, count);
        const floorLoad = loadAverage();
        const dumpNow = (await timed(() => ldapsearchDump(slapd))).ms;
        console.log(
          row(
            'write floor: the server inserts the users + identities itself',
            floorMs,
            `${(floorMs / dumpNow).toFixed(2)}x a dump (${(dumpNow / 1000).toFixed(2)} s)  ${floorLoad}`,
          ),
        );
        const engine = await engineRuns(slapd, backend, pageSize, {
          changeOnePercent: () => changeOnePercent(slapd, count, 2),
          dump: async () => (await timed(() => ldapsearchDump(slapd))).ms,
        });
        const engineFull = engine.rows[0]!;
        if (engineFull.run.created < count)
          throw new Error(`the engine created ${engineFull.run.created} users`);
        for (const r of engine.rows) {
          const ratio =
            r.dumpMs === undefined
              ? ''
              : `${(r.ms / r.dumpMs).toFixed(2)}x its dump (${(r.dumpMs / 1000).toFixed(2)} s)  `;
          const { created, updated, unchanged, deactivated } = r.run;
          console.log(
            row(
              `engine ${r.label}`,
              r.ms,
              `c/u/=/d ${created}/${updated}/${unchanged}/${deactivated}  ${(r.ms / floorMs).toFixed(2)}x the floor  ${ratio}${((r.ms / engineFull.ms) * 100).toFixed(1)}% of full  ${(r.ms / fullMs).toFixed(2)}x connector full read  peak RSS ${mb(r.peakRss)}  ${r.load}`,
            ),
          );
        }
        const processPeak = process.resourceUsage().maxRSS * 1024;
        console.log(`process peak RSS: ${mb(processPeak)}`);
        const bars = printBars(engine.rows, floorMs, {
          process: processPeak,
          beforeEngine: peakBeforeEngine,
        });
        if (reference !== undefined) {
          const scale = count / referenceUsers;
          const ratio = engineFull.ms / reference.ms;
          const limit = 1.2 * scale;
          console.log(
            `bar 4  engine full sync of ${count} users <= ${limit.toFixed(1)}x the ${referenceUsers}-user full sync (${(reference.ms / 1000).toFixed(2)} s, ${reference.load}): ${ratio.toFixed(2)}x -> ${ratio <= limit ? 'met' : 'NOT met'}  (linear would be ${scale.toFixed(1)}x)`,
          );
          bars.push(bar('full_sync_vs_100k_ratio', ratio, `<= ${limit.toFixed(1)}`));
        }
        printResult({
          name: 'sync-ldap',
          ratio: engineFull.ms / floorMs,
          bars,
          figures: {
            users: count,
            connector_full_s: Number((fullMs / 1000).toFixed(2)),
            write_floor_s: Number((floorMs / 1000).toFixed(2)),
            engine_full_s: Number((engineFull.ms / 1000).toFixed(2)),
            ...(reference !== undefined && {
              reference_100k_full_s: Number((reference.ms / 1000).toFixed(2)),
            }),
            process_peak_rss_mb: Math.round(processPeak / 1024 / 1024),
          },
          ...(isQuick(args) && { quick: true }),
        });
      } finally {
        await slapd.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
