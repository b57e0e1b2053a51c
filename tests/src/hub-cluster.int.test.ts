import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { testEnv } from '@vc/conference-core/testing';

import { freePort } from '../scripts/free-port.js';
import { startHubProcess, waitForStatus, type HubProcess } from './support/hub-process.js';
import { adminQuery, databaseUrl } from './support/postgres-admin.js';

const running: HubProcess[] = [];
const createdDatabases: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((hub) => hub.stop('SIGKILL')));
});
afterAll(async () => {
  for (const name of createdDatabases) await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

async function start(env: Record<string, string | undefined>): Promise<HubProcess> {
  // Cluster mode needs an OIDC issuer; none is contacted until a bearer token arrives.
  const hub = await startHubProcess({
    SHUTDOWN_TIMEOUT_MS: '3000',
    OIDC_ISSUER: 'https://idp.example.test/realms/ucs',
    ...env,
  });
  running.push(hub);
  return hub;
}

describe('the hub in cluster mode (PostgreSQL and Redis)', () => {
  it('is ready on PostgreSQL and BullMQ and stops cleanly on SIGTERM', async () => {
    const hub = await start({ DATABASE_URL: testEnv.databaseUrl, REDIS_URL: testEnv.redisUrl });
    const ready = await waitForStatus(`${hub.url}/readyz`, 200, 30_000);
    expect(await ready.json()).toMatchObject({ ready: true });
    expect(hub.output()).toContain('"database":"postgres"');
    expect(hub.output()).toContain('"jobs":"bullmq"');
    expect(hub.output()).not.toContain(testEnv.databaseUrl);
    expect(await hub.stop('SIGTERM')).toBe(0);
  });

  it('waits for a database that is not there yet, unready and alive, then becomes ready', async () => {
    const name = `vc_late_${Date.now().toString(36)}`;
    createdDatabases.push(name);
    const hub = await start({ DATABASE_URL: databaseUrl(name), REDIS_URL: testEnv.redisUrl });

    await waitForStatus(`${hub.url}/healthz`, 200, 20_000);
    // Until the first attempt has failed, /readyz can only say "connecting"; wait for that failure.
    await hub.waitForOutput(/database not ready .*retrying in/);
    const unready = await waitForStatus(`${hub.url}/readyz`, 503, 10_000);
    const body = (await unready.json()) as { checks: Record<string, { ok: boolean; error?: string }> };
    expect(body.checks['database']?.ok).toBe(false);
    expect(body.checks['database']?.error).toMatch(/does not exist/);
    expect(body.checks['queue']?.ok).toBe(true);

    await adminQuery(`CREATE DATABASE ${name}`);
    await waitForStatus(`${hub.url}/readyz`, 200, 30_000);
    expect(hub.child.exitCode).toBeNull();
    expect(await hub.stop('SIGTERM')).toBe(0);
  });

  it('reports the queue as the failing part when Redis cannot be reached', async () => {
    const closedPort = await freePort();
    const hub = await start({
      DATABASE_URL: testEnv.databaseUrl,
      REDIS_URL: `redis://127.0.0.1:${closedPort}`,
    });
    const unready = await waitForStatus(`${hub.url}/readyz`, 503, 20_000);
    const body = (await unready.json()) as { checks: Record<string, { ok: boolean }> };
    expect(body.checks['queue']?.ok).toBe(false);
    // The database check may still be coming up: it turns ok while the queue stays the broken part.
    const readyz = async () => (await (await fetch(`${hub.url}/readyz`)).json()) as typeof body;
    await expect.poll(async () => (await readyz()).checks['database']?.ok, { timeout: 20_000 }).toBe(true);
    expect((await readyz()).checks['queue']?.ok).toBe(false);
    expect(await hub.stop('SIGTERM')).toBe(0);
  });
});
