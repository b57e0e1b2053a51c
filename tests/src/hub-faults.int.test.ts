import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { devTokenClient, readTokenCliSecret } from '@vc/hub/testing';
import { startHubProcess, waitForStatus, type HubProcess } from './support/hub-process.js';
import { startPrivatePostgres, type PrivatePostgres } from './support/private-postgres.js';
import { startPrivateRedis, type PrivateRedis } from './support/private-redis.js';
import { startSmtpCapture, type SmtpCapture } from './support/smtp-capture.js';

/**
 * Fault injection for the cluster mode: a hub process on a PostgreSQL, a Redis and an SMTP server
 * of this test's own, each taken away the hard way under a bounded load. The hub must not exit,
 * must answer 503 naming the dependency while it is away, must recover when it returns, and must
 * not lose anything it accepted (every event it answered 201 for is there, every invitation it
 * accepted is delivered).
 */

let postgres: PrivatePostgres;
let redis: PrivateRedis;
let smtp: SmtpCapture;
let hub: HubProcess;
let dataDir: string;
let token: string;
let bobToken: string;

beforeAll(async () => {
  [postgres, redis, smtp] = await Promise.all([
    startPrivatePostgres(),
    startPrivateRedis(),
    startSmtpCapture(),
  ]);
  dataDir = mkdtempSync(join(tmpdir(), 'vc-faults-'));
  hub = await startHubProcess({
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    SMTP_URL: smtp.url,
    MAIL_RETRY_DELAY_MS: '200',
    MAIL_MAX_ATTEMPTS: '50',
    // Redis here keeps no data across its restart: queued jobs are lost, the sweep must make up for them.
    MAIL_SWEEP_INTERVAL_MS: '1000',
    DEV_IDP: 'on',
    DATA_DIR: dataDir,
    SHUTDOWN_TIMEOUT_MS: '3000',
    LOG_LEVEL: 'info',
  });
  await waitForStatus(`${hub.url}/readyz`, 200, 45_000);
  const secret = readTokenCliSecret(dataDir);
  if (secret === undefined) throw new Error('the development issuer wrote no token client secret');
  const tokens = devTokenClient(`${hub.url}/idp/realms/vc`, secret);
  token = (await tokens.token('alice')).access_token;
  bobToken = (await tokens.token('bob')).access_token;
}, 90_000);

afterAll(async () => {
  await hub?.stop('SIGKILL');
  await Promise.all([redis?.destroy(), smtp?.close()]);
  postgres?.destroy();
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
});

function call(path: string, init: { method?: string; body?: unknown; as?: string } = {}): Promise<Response> {
  return fetch(`${hub.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${init.as ?? token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(15_000),
  });
}

interface Load {
  /** Events the hub answered 201 for. */
  readonly events: string[];
  /** Invitations the hub answered 201 for (their mail must be delivered). */
  readonly invited: string[];
  /** Every status seen, with the problem code for errors. */
  readonly answers: { status: number; code?: string; retryAfter: string | null }[];
  stop(): Promise<void>;
}

let sequence = 0;

function meeting(title: string, extra: Record<string, unknown> = {}): unknown {
  return {
    title,
    ...extra,
    starts_at: { datetime: '2031-05-05T08:00:00Z', timezone: 'Europe/Berlin' },
    ends_at: { datetime: '2031-05-05T09:00:00Z', timezone: 'Europe/Berlin' },
  };
}

/**
 * `workers` clients each creating an event, inviting an address and starting the event's room,
 * again and again, until stopped.
 */
function startLoad(workers: number): Load {
  const load = { events: [] as string[], invited: [] as string[], answers: [] as Load['answers'] };
  let running = true;
  const note = async (response: Response): Promise<void> => {
    const body = response.headers.get('content-type')?.includes('json')
      ? ((await response.json()) as { code?: string; id?: string })
      : {};
    load.answers.push({
      status: response.status,
      ...(body.code !== undefined && { code: body.code }),
      retryAfter: response.headers.get('retry-after'),
    });
  };
  const worker = async (): Promise<void> => {
    while (running) {
      try {
        const created = await call('/v1/events', { method: 'POST', body: meeting(`Load ${sequence++}`) });
        if (created.status !== 201) {
          await note(created);
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        const event = (await created.json()) as { id: string; room_id: string };
        load.events.push(event.id);
        load.answers.push({ status: 201, retryAfter: null });
        const email = `guest-${sequence++}@example.test`;
        const invited = await call(`/v1/events/${event.id}/invites`, { method: 'POST', body: { email } });
        if (invited.status === 201) load.invited.push(email);
        await note(invited);
        await note(await call(`/v1/rooms/${event.room_id}/start`, { method: 'POST' }));
      } catch (err) {
        // A request cut off by the fault: not accepted, so nothing to account for.
        load.answers.push({
          status: 0,
          code: err instanceof Error ? err.message : String(err),
          retryAfter: null,
        });
      }
    }
  };
  const running$ = Promise.all(Array.from({ length: workers }, worker));
  return Object.assign(load, {
    async stop() {
      running = false;
      await running$;
    },
  });
}

async function expectNothingLost(load: Load): Promise<void> {
  for (const id of load.events) expect((await call(`/v1/events/${id}`)).status).toBe(200);
  const delivered = (): Set<string> => new Set(smtp.messages.flatMap((m) => m.to));
  const deadline = Date.now() + 30_000;
  while (load.invited.some((email) => !delivered().has(email)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(load.invited.filter((email) => !delivered().has(email))).toEqual([]);
}

describe('the hub in cluster mode under faults', () => {
  it('survives PostgreSQL stopped with -m immediate while idle, and is ready again when it returns', async () => {
    postgres.stopImmediately();
    const down = await waitForStatus(`${hub.url}/readyz`, 503, 15_000);
    const checks = ((await down.json()) as { checks: Record<string, { ok: boolean }> }).checks;
    expect(checks['database']?.ok).toBe(false);
    expect(checks['queue']?.ok).toBe(true);
    postgres.start();
    await waitForStatus(`${hub.url}/readyz`, 200, 30_000);
    expect((await call('/v1/events', { method: 'POST', body: meeting('After an idle outage') })).status).toBe(
      201,
    );
    expect(hub.child.exitCode).toBeNull();
  });

  it('survives PostgreSQL stopped with -m immediate: 503 naming the database, unready, then recovers', async () => {
    const outagesBefore = outageLogLines('database');
    const load = startLoad(4);
    await waitUntil(
      () => load.events.length >= 5,
      () => `no events accepted; answers ${summary(load)}\n${hub.output().slice(-2000)}`,
    );
    postgres.stopImmediately();
    const down = await waitForStatus(`${hub.url}/readyz`, 503, 15_000);
    expect(((await down.json()) as { checks: Record<string, { ok: boolean }> }).checks['database']?.ok).toBe(
      false,
    );
    await waitUntil(
      () => load.answers.some((a) => a.status === 503),
      () =>
        `no 503 under load; exit ${String(hub.child.exitCode)}; answers ${summary(load)}\n${hub.output().slice(-3000)}`,
    );
    await expectUnavailable(
      await call('/v1/events', { method: 'POST', body: meeting('During the outage') }),
      'database_unavailable',
    );

    postgres.start();
    await waitForStatus(`${hub.url}/readyz`, 200, 30_000);
    const accepted = load.events.length;
    await waitUntil(() => load.events.length > accepted + 3);
    await load.stop();

    expect(hub.child.exitCode).toBeNull();
    expect(load.answers.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);
    expect(outageLogLines('database')).toBe(outagesBefore + 1);
    await expectNothingLost(load);
  });

  it('survives Redis killed and restarted: room starts and password checks answer 503, events go on', async () => {
    const outagesBefore = outageLogLines('redis');
    const guarded = await call('/v1/events', {
      method: 'POST',
      body: meeting('Guarded', { password: 'right' }),
    });
    const { room_id: guardedRoom } = (await guarded.json()) as { room_id: string };
    const load = startLoad(3);
    await waitUntil(() => load.events.length >= 3);
    // With SMTP refusing, deliveries wait in the queue's retries, in Redis, whose data the kill loses.
    smtp.goDown();
    const invitedBefore = load.invited.length;
    await waitUntil(() => load.invited.length >= invitedBefore + 3);
    await redis.kill();
    await waitUntil(
      () => load.answers.some((a) => a.status === 503 && a.code === 'redis_unavailable'),
      () => `no 503 while Redis is away; answers ${summary(load)}`,
    );
    await expectUnavailable(
      await call(`/v1/rooms/${guardedRoom}/start`, { method: 'POST' }),
      'redis_unavailable',
    );
    await expectUnavailable(
      await call(`/v1/rooms/${guardedRoom}/start`, {
        method: 'POST',
        body: { password: 'wrong' },
        as: bobToken,
      }),
      'redis_unavailable',
    );
    const duringOutage = load.events.length;
    await waitUntil(() => load.events.length > duringOutage + 2);

    await redis.start();
    smtp.refuseConnections = false;
    await waitForStatus(`${hub.url}/readyz`, 200, 30_000);
    await waitUntil(() => load.answers.at(-1)?.status === 200);
    await load.stop();

    const started = await call(`/v1/rooms/${guardedRoom}/start`, {
      method: 'POST',
      body: { password: 'right' },
      as: bobToken,
    });
    expect(started.status).toBe(200);
    expect(hub.child.exitCode).toBeNull();
    expect(load.answers.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);
    expect(outageLogLines('redis')).toBe(outagesBefore + 1);
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    // The errors the Redis clients emitted while it was away: counted, and logged without a flood.
    for (const component of ['ticket-store', 'attempt-limiter', 'node-registry']) {
      expect(metrics).toMatch(new RegExp(`redis_errors_total\\{component="${component}"\\} [1-9]`));
      const lines = logLines('Redis error').filter((line) => line.includes(`"component":"${component}"`));
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThanOrEqual(3);
    }
    await expectNothingLost(load);
  });

  it('delivers every accepted invitation after the SMTP server dropped its connections', async () => {
    const load = startLoad(2);
    await waitUntil(() => load.invited.length >= 2);
    smtp.goDown();
    const duringOutage = load.invited.length;
    await waitUntil(() => load.invited.length > duringOutage + 4);
    smtp.refuseConnections = false;
    await load.stop();
    expect(hub.child.exitCode).toBeNull();
    expect(load.answers.filter((a) => a.status >= 500)).toEqual([]);
    await expectNothingLost(load);
  });
});

async function expectUnavailable(response: Response, code: string): Promise<void> {
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(((await response.json()) as { code: string }).code).toBe(code);
}

function logLines(message: string): string[] {
  return hub
    .output()
    .split('\n')
    .filter((line) => line.includes(`"msg":"${message}"`));
}

function outageLogLines(dependency: string): number {
  return logLines('dependency unavailable').filter((line) => line.includes(`"dependency":"${dependency}"`))
    .length;
}
function summary(load: Load): string {
  const counts = new Map<string, number>();
  for (const a of load.answers) {
    const key = `${a.status} ${a.code ?? ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return JSON.stringify(Object.fromEntries(counts));
}

async function waitUntil(
  condition: () => boolean,
  explain: () => string = () => 'condition not met in time',
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(explain());
    await new Promise((r) => setTimeout(r, 50));
  }
}
