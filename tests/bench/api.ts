import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';

import { windowPageQuery } from '@vc/conference-core/testing';
import { startApiHub } from '../src/support/api-hub.js';
import { bar, isQuick, percentile, printResult, type Benchmark } from './benchmark.js';

/**
 * `GET /v1/events` for one user's week, through HTTP with a real token, in a tenant that grows
 * from 10,000 events by tenfold steps up to `--events` (default 100,000; 5% weekly series, three
 * invitees each, spread over 800 days, 500 users) on PostgreSQL. The floor is the same request
 * against the tenant before it has any event (HTTP, token check, principal, serialization).
 * Each size is measured `--runs` times (default 3) and the median of the runs is reported; the
 * bar is p95 < 20 ms at the largest size. `--quick`: 1,000 and 10,000 events, one run. The
 * first request of each size is shown apart: the listing remembers series answers (decision 0032),
 * so it is the cold one.
 * After each size the listing statement is EXPLAINed (ANALYZE, BUFFERS) for the same week.
 */
const adminUrl = process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Options {
  readonly sizes: readonly number[];
  readonly runs: number;
  readonly requests: number;
}

function optionsOf(args: readonly string[]): Options {
  const number = (flag: string, fallback: number): number => {
    const at = args.indexOf(flag);
    if (at < 0) return fallback;
    const value = Number(args[at + 1]);
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${flag} needs a positive integer`);
    return value;
  };
  const requests = Number(process.env['BENCH_REQUESTS'] ?? (isQuick(args) ? 100 : 300));
  if (isQuick(args)) return { sizes: [1_000, 10_000], runs: number('--runs', 1), requests };
  const largest = number('--events', 100_000);
  const sizes: number[] = [];
  for (let size = 10_000; size < largest; size *= 10) sizes.push(size);
  sizes.push(largest);
  return { sizes, runs: number('--runs', 3), requests };
}

/**
 * Adds `count` events with their rooms and three invitations each, set-based. Each event draws
 * its own start (a lateral subquery that does not name the outer row runs once, which gave every
 * event the same start in an earlier version of this bench). Foreign keys and triggers are off
 * for the seed (`session_replication_role`, as pg_restore does): the rows are consistent by
 * construction, and the invitations get their event's times the way migration 0012's trigger
 * would give them. Then the same check as the trigger, so a seed never measures stale copies.
 */
async function seed(client: pg.Client, tenantId: string, count: number): Promise<void> {
  await client.query('set session_replication_role = replica');
  try {
    await client.query(
      `with u as (select array_agg(id order by id) ids from users where tenant_id = $1),
       s as materialized (
         select gen_random_uuid() as room_id, u.ids[1 + (g % array_length(u.ids, 1))] as owner_id,
                date_trunc('minute', now() - interval '400 days' + random() * interval '800 days') as start,
                random() < 0.05 as weekly
         from generate_series(1, $2) g, u),
       r as (insert into rooms (id, tenant_id, owner_id) select room_id, $1, owner_id from s)
       insert into events (tenant_id, room_id, created_by, title, starts_at, ends_at, time_zone, recurrence)
       select $1, room_id, owner_id, 'Bench meeting', start, start + interval '1 hour', 'Europe/Berlin',
              case when weekly then array['RRULE:FREQ=WEEKLY'] else '{}'::text[] end
       from s`,
      [tenantId, count],
    );
    await client.query(
      `with u as (select array_agg(id order by id) ids from users where tenant_id = $1)
       insert into event_invites (tenant_id, event_id, invitee_user_id, role, created_by, event_starts_at, event_window_end)
       select e.tenant_id, e.id, u.ids[1 + abs((hashtext(e.id::text)::bigint + k * 7919) % array_length(u.ids, 1))::int],
              'user', e.created_by, e.starts_at, e.window_end
       from events e, u, generate_series(1, 3) k
       where e.tenant_id = $1 and not exists (select 1 from event_invites i where i.event_id = e.id)
       on conflict do nothing`,
      [tenantId],
    );
  } finally {
    await client.query('set session_replication_role = default');
  }
  const stale = await client.query(
    `select 1 from event_invites i join events e on e.id = i.event_id
     where i.event_starts_at is distinct from e.starts_at or i.event_window_end is distinct from e.window_end
     limit 1`,
  );
  if (stale.rowCount !== 0) throw new Error('seeded invitations do not carry their event times');
  await client.query('vacuum analyze');
}

function thisWeek(): { from: Date; to: Date } {
  const from = new Date();
  from.setUTCHours(0, 0, 0, 0);
  from.setUTCDate(from.getUTCDate() - ((from.getUTCDay() + 6) % 7));
  return { from, to: new Date(from.getTime() + 7 * 86_400_000) };
}

interface Run {
  readonly p50: number;
  readonly p95: number;
  /** CPU of this process (hub and client) per request, in ms. */
  readonly cpu: number;
  /** CPU of the PostgreSQL backends per request, in ms. */
  readonly dbCpu: number;
  readonly items: number;
  /** The run's first request: after a seed, its series answers are not remembered yet. */
  readonly first: number;
}

async function measure(
  url: string,
  token: string,
  requests: number,
  serverCpu: () => Promise<Map<number, number>>,
): Promise<Run> {
  const { from, to } = thisWeek();
  const path = `/v1/events?time_min=${from.toISOString()}&time_max=${to.toISOString()}&limit=100`;
  const times: number[] = [];
  let cpu = process.cpuUsage();
  let serverBefore = new Map<number, number>();
  let items = 0;
  let first = Number.NaN;
  for (let i = 0; i < requests + 20; i++) {
    if (i === 20) {
      // The first 20 warm up.
      serverBefore = await serverCpu();
      cpu = process.cpuUsage();
    }
    const started = performance.now();
    const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { items: unknown[] };
    if (i === 0) first = performance.now() - started;
    if (i >= 20) times.push(performance.now() - started);
    items = body.items.length;
  }
  const used = process.cpuUsage(cpu);
  let serverUsed = 0;
  for (const [pid, ms] of await serverCpu()) serverUsed += ms - (serverBefore.get(pid) ?? 0);
  times.sort((a, b) => a - b);
  return {
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    cpu: (used.user + used.system) / 1000 / requests,
    dbCpu: serverUsed / requests,
    items,
    first,
  };
}

/**
 * CPU the database's server processes have used so far, in ms (PostgreSQL on this machine; the
 * hub's pool connections are the only clients during a run). Ticks of 10 ms, so per run, not per
 * request; undefined where /proc is not readable.
 */
async function serverCpuMs(client: pg.Client, database: string): Promise<Map<number, number>> {
  const { rows } = await client.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
    [database],
  );
  const used = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      // Fields 14 and 15 (utime, stime) after the parenthesised command name, in 1/100 s.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      used.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // A backend that ended, or no /proc: left out.
    }
  }
  return used;
}

const median = (values: readonly number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

/** The plan's scans with their rows and buffers, and the execution time: what a reader needs. */
async function planSummary(
  db: Kysely<unknown>,
  tenantId: string,
  userId: string,
): Promise<{ lines: string[]; ms: number }> {
  const statement = windowPageQuery(tenantId, {
    ...thisWeek(),
    userId,
    includeTimeIndependent: true,
    limit: 100,
  });
  if (statement === undefined) throw new Error('the listing statement needs uuids');
  const { rows } = await sql<{
    'QUERY PLAN': string;
  }>`explain (analyze, buffers, costs off, timing on) ${statement}`.execute(db);
  const plan = rows.map((r) => r['QUERY PLAN']);
  const lines: string[] = [];
  let ms = Number.NaN;
  plan.forEach((line, i) => {
    const execution = /Execution Time: ([\d.]+) ms/.exec(line);
    if (execution !== null) ms = Number(execution[1]);
    if (!/Scan|Execution Time|Planning Time/.test(line)) return;
    const buffers = plan
      .slice(i + 1, i + 4)
      .find((next) => next.trim().startsWith('Buffers:'))
      ?.trim();
    const node = line
      .trim()
      .replace(/^->\s*/, '')
      .replace(/\(actual time=[\d.]+\.\.([\d.]+) /, '(ms=$1 ');
    lines.push(`  ${node}${buffers === undefined ? '' : `  [${buffers}]`}`);
  });
  return { lines, ms };
}

export const apiBenchmark: Benchmark = {
  name: 'api',
  description: "a user's week of meetings via GET /v1/events as the tenant grows to --events (default 100k)",
  async run(args) {
    const options = optionsOf(args);
    const load = (): string =>
      loadavg()
        .map((l) => l.toFixed(2))
        .join(' ');
    const name = `vc_bench_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
    // Response checking off: this measures what production does.
    const api = await startApiHub({
      DATABASE_URL: databaseUrl,
      DEV_IDP: 'on',
      ROLES: 'api',
      API_VALIDATE_RESPONSES: 'false',
    });
    const db = new pg.Client({ connectionString: databaseUrl });
    const explainer = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 1 }) }),
    });
    try {
      const token = await api.token('alice');
      const me = (await (await api.call('/v1/users/me', { token })).json()) as { id: string };
      await db.connect();
      const tenantId = (
        await db.query<{ tenant_id: string }>('select tenant_id from users where id = $1', [me.id])
      ).rows[0]?.tenant_id;
      if (tenantId === undefined) throw new Error('no tenant for alice');
      await db.query(
        `insert into users (tenant_id, email, display_name)
         select $1, 'bench' || g || '@example.test', 'Bench ' || g from generate_series(1, 499) g`,
        [tenantId],
      );
      console.log(
        `sizes ${options.sizes.join(', ')}; ${options.runs} run(s) of ${options.requests} requests each; load ${load()}`,
      );

      const measureSize = async (label: string): Promise<Run> => {
        const runs: Run[] = [];
        for (let i = 0; i < options.runs; i++) {
          const run = await measure(api.url, token, options.requests, () => serverCpuMs(db, name));
          runs.push(run);
          console.log(
            `${label.padEnd(12)} run ${i + 1}: p50 ${run.p50.toFixed(2)} ms  p95 ${run.p95.toFixed(2)} ms  ` +
              `cpu ${run.cpu.toFixed(2)} + db ${run.dbCpu.toFixed(2)} ms/request  ${run.items} items  load ${load()}`,
          );
        }
        return {
          p50: median(runs.map((r) => r.p50)),
          p95: median(runs.map((r) => r.p95)),
          cpu: median(runs.map((r) => r.cpu)),
          dbCpu: median(runs.map((r) => r.dbCpu)),
          items: runs[0]?.items ?? 0,
          // Only the first run starts with nothing remembered about this size's series.
          first: runs[0]?.first ?? Number.NaN,
        };
      };

      const floor = await measureSize('empty');
      const results: { size: number; run: Run; seedS: number; planMs: number }[] = [];
      let seeded = 0;
      for (const size of options.sizes) {
        const started = performance.now();
        await seed(db, tenantId, size - seeded);
        const seedS = (performance.now() - started) / 1000;
        console.log(
          `seeded ${(size - seeded).toLocaleString('en')} events (to ${size.toLocaleString('en')}) in ${seedS.toFixed(1)} s`,
        );
        seeded = size;
        const label = `${size.toLocaleString('en')}`;
        const run = await measureSize(label);
        const plan = await planSummary(explainer, tenantId, me.id);
        console.log(`plan of the listing at ${label} events:\n${plan.lines.join('\n')}`);
        results.push({ size, run, seedS, planMs: plan.ms });
      }

      const first = results[0];
      const last = results[results.length - 1];
      if (first === undefined || last === undefined) throw new Error('no size measured');
      console.log(`median of ${options.runs} run(s):`);
      console.log(
        `  empty tenant  p50 ${floor.p50.toFixed(2)} ms  p95 ${floor.p95.toFixed(2)} ms  cpu ${floor.cpu.toFixed(2)} + db ${floor.dbCpu.toFixed(2)} ms/request`,
      );
      for (const { size, run, planMs } of results) {
        console.log(
          `  ${size.toLocaleString('en').padEnd(12)}  p50 ${run.p50.toFixed(2)} ms  p95 ${run.p95.toFixed(2)} ms  ` +
            `cpu ${run.cpu.toFixed(2)} + db ${run.dbCpu.toFixed(2)} ms/request  listing SQL ${planMs.toFixed(2)} ms  ${run.items} items  ` +
            `first request ${run.first.toFixed(1)} ms`,
        );
      }
      const ratio = last.run.p95 / first.run.p95;
      console.log(
        `ratio p95 ${last.size.toLocaleString('en')}/${first.size.toLocaleString('en')}: ${ratio.toFixed(2)}x; ` +
          `p95 at ${last.size.toLocaleString('en')}: ${last.run.p95.toFixed(2)} ms (bar < 20 ms); load ${load()}`,
      );
      const figures: Record<string, number> = {
        empty_p50_ms: floor.p50,
        empty_p95_ms: floor.p95,
        empty_cpu_ms: floor.cpu,
        empty_db_cpu_ms: floor.dbCpu,
      };
      for (const { size, run, seedS, planMs } of results) {
        const key = size >= 1_000_000 ? `${size / 1_000_000}m` : `${size / 1_000}k`;
        Object.assign(figures, {
          [`p50_${key}_ms`]: run.p50,
          [`p95_${key}_ms`]: run.p95,
          [`cpu_${key}_ms`]: run.cpu,
          [`db_cpu_${key}_ms`]: run.dbCpu,
          [`sql_${key}_ms`]: planMs,
          [`first_${key}_ms`]: run.first,
          [`seed_${key}_s`]: seedS,
        });
      }
      printResult({
        name: 'api',
        ratio,
        bars: [bar('p95_ms', last.run.p95, '< 20')],
        figures: Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Number(v.toFixed(3))])),
        ...(isQuick(args) && { quick: true }),
      });
    } finally {
      await explainer.destroy().catch(() => undefined);
      await db.end().catch(() => undefined);
      await api.stop();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  },
};
