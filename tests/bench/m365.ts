import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import express from 'express';

import {
  createConnectorInstanceRepository,
  createEventService,
  createTenantRepository,
  createUserRepository,
  migrateToLatest,
  openDatabase,
  silentLogger,
  type EventService,
} from '@vc/conference-core';
import { microsoft365Connector } from '@vc/connector-microsoft365';
import { FakeGraph } from '@vc/connector-microsoft365/testing';

import {
  calendarNotificationsRouter,
  createCalendarSyncService,
  createConnectorRegistry,
  prepareSettings,
  createSecretBox,
} from '@vc/hub/testing';
import { adminQuery, databaseUrl } from '../src/support/postgres-admin.js';
import { bar, isQuick, percentile, printResult, type Benchmark } from './benchmark.js';

/**
 * Microsoft 365 calendar sync through the FAKE Graph (connectors/microsoft365/src/testing):
 * M mailboxes x N meetings linked to core meetings by their join link, on PostgreSQL.
 * 1. Full sync: the hub's calendar round over every mailbox (calendarView delta, paging, apply),
 *    against a raw baseline in the same run: the same delta pages fetched with plain fetch.
 * 2. Change-to-core latency: meetings moved in the fake, which pushes change notifications to the
 *    hub's endpoint; from the fake's own send time to the core meeting being updated. Bar: p95 < 5 s.
 */
/** Sizes: 50 mailboxes x 200 meetings, 200 changes; `--quick`: 5 x 40, 40 changes. */
function sizes(quick: boolean) {
  return {
    mailboxes: Number(process.env['BENCH_M365_MAILBOXES'] ?? (quick ? 5 : 50)),
    perMailbox: Number(process.env['BENCH_M365_MEETINGS'] ?? (quick ? 40 : 200)),
    changes: Number(process.env['BENCH_M365_CHANGES'] ?? (quick ? 40 : 200)),
  };
}
const hour = 3_600_000;
/** Figures on the shared machine swing with its load: each is printed with the load beside it. */
const load = () =>
  `load ${existsSync('/proc/loadavg') ? readFileSync('/proc/loadavg', 'utf8').trim().split(' ').slice(0, 3).join(' ') : 'n/a'}`;

async function rawDeltaPages(fake: FakeGraph, addresses: readonly string[]): Promise<number> {
  const tokenResponse = await fetch(`${fake.url}/${fake.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: fake.clientId,
      client_secret: fake.clientSecret,
      scope: `${fake.url}/.default`,
    }),
  });
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  const from = new Date(Date.now() - 7 * 24 * hour).toISOString();
  const to = new Date(Date.now() + 366 * 24 * hour).toISOString();
  const started = performance.now();
  const queue = [...addresses];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let m = queue.shift(); m !== undefined; m = queue.shift()) {
        let link: string | undefined =
          `${fake.url}/v1.0/users/${encodeURIComponent(m)}/calendarView/delta?startDateTime=${from}&endDateTime=${to}`;
        while (link !== undefined) {
          const res = await fetch(link, {
            headers: { authorization: `Bearer ${token}`, prefer: 'odata.maxpagesize=200' },
          });
          const page = (await res.json()) as { '@odata.nextLink'?: string };
          link = page['@odata.nextLink'];
        }
      }
    }),
  );
  return performance.now() - started;
}

async function run(quick: boolean): Promise<void> {
  const { mailboxes, perMailbox, changes } = sizes(quick);
  const database = `vc_bench_m365_${randomBytes(4).toString('hex')}`;
  await adminQuery(`create database ${database}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-m365-'));
  const handle = await openDatabase({
    databaseUrl: databaseUrl(database),
    dataDir,
    logger: silentLogger,
    poolSize: 10,
  });
  const fake = new FakeGraph();
  await fake.start();
  let server: ReturnType<express.Express['listen']> | undefined;
  try {
    const db = handle.db;
    await migrateToLatest(db, silentLogger);
    const tenant = await createTenantRepository(db).create({ slug: 'bench', name: 'Bench' });
    if (!tenant.ok) throw new Error('tenant');
    const tenantId = tenant.tenant.id;
    const base = 'https://meet.bench.test';
    const coreUpdatedAt = new Map<string, number>();
    const service: EventService = createEventService({ db, outboxWritten: () => undefined });
    const events: EventService = {
      ...service,
      update: async (...args: Parameters<EventService['update']>) => {
        const result = await service.update(...args);
        coreUpdatedAt.set(result.id, performance.now());
        return result;
      },
    };
    console.log(
      `m365: creating ${mailboxes} mailboxes x ${perMailbox} meetings in the core and the fake Graph`,
    );
    const addresses: string[] = [];
    const outlookOf = new Map<string, { mailbox: string; eventId: string; start: number }>();
    const start0 = Math.floor(Date.now() / hour) * hour + 24 * hour;
    for (let m = 0; m < mailboxes; m++) {
      const address = `owner${String(m).padStart(3, '0')}@bench.test`;
      addresses.push(address);
      fake.store.addUser({ mail: address });
      const user = await createUserRepository(db).create(tenantId, { email: address, displayName: address });
      if (!user.ok) throw new Error('user');
      const actor = { tenantId, userId: user.user.id };
      // Ten at a time: the pool has ten connections.
      const made: Awaited<ReturnType<EventService['create']>>[] = [];
      for (let from = 0; from < perMailbox; from += 10) {
        const chunk = Array.from({ length: Math.min(10, perMailbox - from) }, (_, k) => from + k);
        made.push(
          ...(await Promise.all(
            chunk.map((i) =>
              service.create(
                actor,
                {
                  title: `Meeting ${i}`,
                  startsAt: new Date(start0 + i * hour),
                  endsAt: new Date(start0 + i * hour + hour / 2),
                  timeZone: 'Europe/Berlin',
                },
                { suppressEmailNotification: true },
              ),
            ),
          )),
        );
      }
      for (const [i, core] of made.entries()) {
        const outlook = fake.addEvent(address, {
          subject: `Meeting ${i}`,
          start: new Date(start0 + i * hour),
          end: new Date(start0 + i * hour + hour / 2),
          location: `${base}/rooms/${core.roomId}`,
        });
        outlookOf.set(outlook.id, { mailbox: address, eventId: core.id, start: start0 + i * hour });
      }
    }
    const secrets = createSecretBox(randomBytes(32));
    const registry = createConnectorRegistry([microsoft365Connector]);
    const prepared = prepareSettings(microsoft365Connector, secrets, tenantId, {
      tenantId: fake.tenantId,
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      mailboxes: addresses,
      meetingBaseUrl: base,
      authorityHost: fake.url,
      graphUrl: fake.url,
    });
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.problems));
    const instance = await createConnectorInstanceRepository(db).create(tenantId, {
      connectorType: 'microsoft365',
      name: 'M365',
      ...prepared.stored,
    });
    if (!instance.ok) throw new Error('instance');
    let publicUrl = '';
    const sync = createCalendarSyncService({
      db,
      registry,
      secrets,
      events,
      logger: silentLogger,
      publicUrl: () => publicUrl,
      everyMs: 0,
    });
    const app = express();
    app.use(express.json({ limit: '1mb' }));
    app.use(calendarNotificationsRouter(sync));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server?.once('listening', resolve));
    publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const raw = await rawDeltaPages(fake, addresses);
    await sync.maintain(tenantId, instance.instance.id);
    const started = performance.now();
    await sync.request(tenantId, instance.instance.id);
    const full = performance.now() - started;
    console.log(
      `m365 full sync: ${mailboxes * perMailbox} meetings in ${(full / 1000).toFixed(2)} s; raw delta paging ${(raw / 1000).toFixed(2)} s; ratio ${(full / raw).toFixed(2)}x (${load()})`,
    );

    // Change-to-core latency: one Outlook move every 25 ms, each pushed by the fake.
    coreUpdatedAt.clear();
    const moved: { outlookId: string; eventId: string }[] = [];
    const ids = [...outlookOf.keys()];
    for (let c = 0; c < changes; c++) {
      const outlookId = ids[(c * 7919) % ids.length]!;
      const target = outlookOf.get(outlookId)!;
      fake.store.updateEvent(target.mailbox, outlookId, {
        start: new Date(target.start + hour),
        end: new Date(target.start + hour + hour / 2),
      });
      moved.push({ outlookId, eventId: target.eventId });
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await fake.push.settled();
    await sync.idle();
    const latencies: number[] = [];
    let missing = 0;
    for (const { outlookId, eventId } of moved) {
      const sent = fake.push.deliveries.find((d) => d.resourceId === outlookId && d.what === 'updated');
      const applied = coreUpdatedAt.get(eventId);
      if (sent === undefined || applied === undefined) missing++;
      else latencies.push(applied - sent.sentAt);
    }
    latencies.sort((a, b) => a - b);
    const p50 = percentile(latencies, 50);
    const p95 = percentile(latencies, 95);
    console.log(
      `m365 change-to-core latency over ${latencies.length} pushed changes (${missing} not applied): p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms (bar: p95 < 5000 ms) ${p95 < 5000 && missing === 0 ? 'PASS' : 'FAIL'} (${load()})`,
    );
    await sync.stop();
    printResult({
      name: 'm365',
      ratio: full / raw,
      bars: [bar('change_p95_ms', p95, '< 5000'), bar('changes_not_applied', missing, '<= 0')],
      figures: {
        meetings: mailboxes * perMailbox,
        full_sync_s: Number((full / 1000).toFixed(2)),
        raw_delta_s: Number((raw / 1000).toFixed(2)),
        change_p50_ms: Math.round(p50),
        change_p95_ms: Math.round(p95),
      },
      ...(quick && { quick }),
    });
  } finally {
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
    await fake.stop();
    await handle.close();
    rmSync(dataDir, { recursive: true, force: true });
    await adminQuery(`drop database ${database}`);
  }
}

export const m365Benchmark: Benchmark = {
  name: 'm365',
  description:
    'Microsoft 365 calendar sync through the fake Graph: full sync time and pushed change-to-core latency',
  run: (args) => run(isQuick(args)),
};
