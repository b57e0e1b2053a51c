import pg from 'pg';

import { startApiHub } from '../src/support/api-hub.js';
import { percentile, type Benchmark } from './benchmark.js';

/**
 * `GET /v1/events` for one user's week, through HTTP with a real token, in a tenant of 10,000 and
 * then 100,000 events (5% weekly series, three invitees each, spread over 800 days) on PostgreSQL.
 * The bar: p95 at 100k within 1.5x of p95 at 10k (cost follows the page, not the tenant).
 */
const adminUrl = process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const requests = Number(process.env['BENCH_REQUESTS'] ?? 300);

async function seed(client: pg.Client, tenantId: string, count: number): Promise<void> {
  await client.query(
    `with u as (select array_agg(id order by id) ids from users where tenant_id = $1),
     r as (
       insert into rooms (tenant_id, owner_id)
       select $1, u.ids[1 + (g % array_length(u.ids, 1))] from generate_series(1, $2) g, u
       returning id, owner_id)
     insert into events (tenant_id, room_id, created_by, title, starts_at, ends_at, time_zone, recurrence)
     select $1, r.id, r.owner_id, 'Bench meeting', s.start, s.start + interval '1 hour', 'Europe/Berlin',
            case when random() < 0.05 then array['RRULE:FREQ=WEEKLY'] else '{}'::text[] end
     from r cross join lateral (
       select date_trunc('minute', now() - interval '400 days' + random() * interval '800 days') as start) s`,
    [tenantId, count],
  );
  await client.query(
    `with u as (select array_agg(id order by id) ids from users where tenant_id = $1)
     insert into event_invites (tenant_id, event_id, invitee_user_id, role, created_by)
     select e.tenant_id, e.id, u.ids[1 + abs((hashtext(e.id::text)::bigint + k * 7919) % array_length(u.ids, 1))::int], 'user', e.created_by
     from events e, u, generate_series(1, 3) k
     where e.tenant_id = $1 and not exists (select 1 from event_invites i where i.event_id = e.id)
     on conflict do nothing`,
    [tenantId],
  );
  await client.query('analyze');
}

async function measure(url: string, token: string): Promise<number[]> {
  const monday = new Date();
  monday.setUTCHours(0, 0, 0, 0);
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
  const sunday = new Date(monday.getTime() + 7 * 86_400_000);
  const path = `/v1/events?time_min=${monday.toISOString()}&time_max=${sunday.toISOString()}&limit=100`;
  const times: number[] = [];
  for (let i = 0; i < requests + 20; i++) {
    const started = performance.now();
    const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    if (i >= 20) times.push(performance.now() - started); // the first 20 warm up
  }
  return times.sort((a, b) => a - b);
}

export const apiBenchmark: Benchmark = {
  name: 'api',
  description: "a user's week of meetings via GET /v1/events with 10k vs 100k events in the tenant",
  async run() {
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

      const report = (label: string, times: number[]) =>
        console.log(
          `${label.padEnd(14)} p50 ${percentile(times, 50).toFixed(2)} ms  p95 ${percentile(times, 95).toFixed(2)} ms`,
        );
      let started = performance.now();
      await seed(db, tenantId, 10_000);
      console.log(`seeded 10,000 events in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const small = await measure(api.url, token);
      report('10k events', small);
      started = performance.now();
      await seed(db, tenantId, 90_000);
      console.log(`seeded 90,000 more in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const large = await measure(api.url, token);
      report('100k events', large);
      console.log(
        `ratio p95 100k/10k: ${(percentile(large, 95) / percentile(small, 95)).toFixed(2)}x (bar < 1.5x); ` +
          `p50 ratio ${(percentile(large, 50) / percentile(small, 50)).toFixed(2)}x`,
      );
    } finally {
      await db.end().catch(() => undefined);
      await api.stop();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  },
};
