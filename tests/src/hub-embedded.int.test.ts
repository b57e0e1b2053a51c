import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { startHubProcess, waitForStatus, type HubProcess } from './support/hub-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'vc-hub-embedded-'));
const running: HubProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((hub) => hub.stop('SIGKILL')));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function start(env: Record<string, string | undefined> = {}): Promise<HubProcess> {
  const hub = await startHubProcess({ DATA_DIR: dataDir, ...env });
  running.push(hub);
  return hub;
}

describe('the hub on its embedded defaults', () => {
  // Start-up time is measured by fresh-clone-check (about 4 s); the wait here only has to survive a
  // loaded 2-core CI machine.
  it('answers /healthz, is ready, serves metrics and prints its URL', async () => {
    const hub = await start();
    await waitForStatus(`${hub.url}/healthz`, 200);

    const ready = await waitForStatus(`${hub.url}/readyz`, 200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      ready: true,
      checks: { database: { ok: true }, queue: { ok: true } },
    });
    await hub.waitForOutput(/hub listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(hub.output()).toContain('"database":"pglite');
    expect(hub.output()).toContain('"jobs":"in-process"');

    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(metrics).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    expect(metrics).toMatch(/^http_requests_total\{method="GET",route="\/readyz",status="200"\} \d/m);
  });

  it('answers unknown paths and malformed JSON with problem details, not a crash', async () => {
    const hub = await start();
    await waitForStatus(`${hub.url}/healthz`, 200);
    const missing = await fetch(`${hub.url}/v1/nothing-here`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await missing.json()).toMatchObject({ status: 404, code: 'not_found' });

    const malformed = await fetch(`${hub.url}/v1/nothing-here`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"title": ',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'invalid_json' });
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
  });

  it('exits 0 on SIGTERM after saying it stopped, and starts again on the same data', async () => {
    const first = await start();
    await waitForStatus(`${first.url}/readyz`, 200);
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.output()).toMatch(/"msg":"stopped"/);

    const second = await start();
    await waitForStatus(`${second.url}/readyz`, 200);
    // The schema is already there: nothing new was applied on the second start. (The log is
    // written asynchronously, so it may arrive just after /readyz turned 200.)
    await second.waitForOutput(/database schema already up to date/);
    expect(second.output()).not.toContain('migration applied');
    expect(await second.stop('SIGINT')).toBe(0);
  });

  it('refuses a second hub on the same data folder with a clear message', async () => {
    const first = await start();
    await waitForStatus(`${first.url}/readyz`, 200);
    const second = await start();
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/hub failed to start: the embedded database .* is in use: process \d+/);
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
  });

  it('exits 2 naming every bad setting when the configuration is invalid', async () => {
    const hub = await start({ PORT: 'http', DATABASE_URL: 'mysql://root:pw@db/x', ROLES: 'api,nope' });
    expect(await hub.exited).toBe(2);
    const output = hub.output();
    expect(output).toContain('Invalid configuration (3 problems)');
    expect(output).toMatch(/PORT: expected an integer/);
    expect(output).toMatch(/DATABASE_URL: expected a URL starting with postgres:\/\//);
    expect(output).toMatch(/ROLES: expected a comma-separated list/);
    expect(output).not.toContain('pw@');
  });
});
