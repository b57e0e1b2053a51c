import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fakeConnector, fakeDirectory } from '@vc/hub/testing';
import { startApiHub, type ApiBackend, type ApiHub } from './support/api-hub.js';

/**
 * The connector admin API end to end on a hub (embedded): tenant admins only, settings validated
 * by the connector's schema (422 naming the field), secrets never returned, runs started and
 * polled, 409 while one is active, the guard approved and rejected, the audit log, and a person
 * the directory deactivated refused by the API. Both backends: embedded PGlite and PostgreSQL
 * (cluster mode, a database of its own), as the engine and isolation suites run.
 */
describe.each<ApiBackend>(['pglite', 'postgres'])('connector admin API (%s)', (backend) => {
  const directory = fakeDirectory('bind-pa55word');
  // A directory of its own for the connector that syncs on the default schedule by itself.
  const quiet = fakeDirectory('quiet-pa55word');
  let api: ApiHub;
  let alice: string;
  let bob: string;
  let connectorId: string;

  beforeAll(async () => {
    for (let i = 1; i <= 4; i++) directory.put({ externalId: `u${i}`, email: `u${i}@corp.test` });
    // Bob's address, vouched for by the directory: his existing account is linked, not duplicated.
    directory.put({ externalId: 'bob', email: 'bob@example.test', displayName: 'Bob Directory' });
    // An entry carrying the tenant administrator's address (issue 17): linked, but it must never
    // change her account or, when it leaves, disable her.
    directory.put({
      externalId: 'takeover',
      email: 'alice@example.test',
      displayName: 'Mallory',
      phone: null,
    });
    // Carol has not signed in yet: the directory creates (and owns) her account.
    directory.put({ externalId: 'carol', email: 'carol@example.test', displayName: 'Carol Directory' });
    api = await startApiHub({ backend, connectors: [fakeConnector({ corp: directory, quiet })] });
    [alice, bob] = await Promise.all([api.token('alice'), api.token('bob')]);
    expect((await api.call('/v1/users/me', { token: bob })).status).toBe(200);
    expect((await api.call('/v1/users/me', { token: alice })).status).toBe(200);
  });
  afterAll(async () => {
    await api.stop();
  });

  async function json<T>(res: Response, status: number): Promise<T> {
    expect(res.status, await res.clone().text()).toBe(status);
    return (await res.json()) as T;
  }

  type Run = { id: string; state: string; counters: Record<string, number>; pending_deactivations: number };
  async function runToEnd(body: unknown): Promise<Run> {
    const started = await json<Run>(
      await api.call(`/v1/admin/connectors/${connectorId}/runs`, { method: 'POST', token: alice, body }),
      202,
    );
    for (let i = 0; i < 200; i++) {
      const run = await json<Run>(
        await api.call(`/v1/admin/connectors/${connectorId}/runs/${started.id}`, { token: alice }),
        200,
      );
      if (!['queued', 'running'].includes(run.state)) return run;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the run did not finish');
  }

  it('refuses people who are not tenant administrators', async () => {
    for (const path of ['/v1/admin/connectors', '/v1/admin/connector-types', '/v1/admin/connector-audit']) {
      const res = await api.call(path, { token: bob });
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await api.call('/v1/admin/connectors')).status).toBe(401);
  });

  it('lists connector types with their settings as JSON Schema, secrets marked', async () => {
    const types = await json<
      { id: string; secret_fields: string[]; settings_schema: { properties: Record<string, unknown> } }[]
    >(await api.call('/v1/admin/connector-types', { token: alice }), 200);
    expect(types[0]).toMatchObject({ id: 'fake', secret_fields: ['password'] });
    expect(types[0]?.settings_schema.properties['password']).toMatchObject({
      writeOnly: true,
      'x-secret': true,
    });
  });

  it('answers 422 naming the field for bad settings and an unknown type', async () => {
    const bad = await api.call('/v1/admin/connectors', {
      method: 'POST',
      token: alice,
      body: { type: 'fake', name: 'Corp', settings: { directory: 'corp', pageSize: 'many' } },
    });
    const problem = await json<{ code: string; errors: { field: string }[] }>(bad, 422);
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors.map((e) => e.field).sort()).toEqual([
      'body.settings.pageSize',
      'body.settings.password',
    ]);
    const unknown = await api.call('/v1/admin/connectors', {
      method: 'POST',
      token: alice,
      body: { type: 'nope', name: 'Corp', settings: {} },
    });
    expect((await json<{ errors: { field: string }[] }>(unknown, 422)).errors[0]?.field).toBe('body.type');
  });

  it('creates a connector, never returns its secret, and keeps it when settings change without it', async () => {
    const created = await api.call('/v1/admin/connectors', {
      method: 'POST',
      token: alice,
      body: {
        type: 'fake',
        name: 'Corp',
        settings: { directory: 'corp', password: 'bind-pa55word' },
        guard_share: 0.3,
        // Runs only when the test starts them (the default schedule runs one at once).
        incremental_every_ms: null,
        full_cron: null,
      },
    });
    const text = await created.clone().text();
    expect(text).not.toContain('bind-pa55word');
    const instance = await json<{
      id: string;
      settings: Record<string, unknown>;
      health: { status: string };
    }>(created, 201);
    connectorId = instance.id;
    expect(instance.settings).toEqual({
      directory: 'corp',
      password: '<set>',
      pageSize: 2,
      logSettings: false,
    });
    expect(instance.health.status).toBe('never_run');

    const patched = await api.call(`/v1/admin/connectors/${connectorId}`, {
      method: 'PATCH',
      token: alice,
      body: { settings: { pageSize: 3, password: '<set>' } },
    });
    expect(await json<{ settings: Record<string, unknown> }>(patched, 200)).toMatchObject({
      settings: { pageSize: 3, password: '<set>' },
    });
    const check = await api.call(`/v1/admin/connectors/${connectorId}/check`, {
      method: 'POST',
      token: alice,
    });
    expect(await json(check, 200)).toEqual({ ok: true });
    const list = await api.call('/v1/admin/connectors', { token: alice });
    expect(await list.clone().text()).not.toContain('bind-pa55word');
    expect((await json<{ items: unknown[] }>(list, 200)).items).toHaveLength(1);
    const duplicate = await api.call('/v1/admin/connectors', {
      method: 'POST',
      token: alice,
      body: { type: 'fake', name: 'Corp', settings: { directory: 'corp', password: 'x' } },
    });
    expect(duplicate.status).toBe(409);
  });

  it('gives a connector created without a schedule the default one, shown, and it syncs by itself', async () => {
    quiet.put({ externalId: 'q1', email: 'q1@quiet.test' });
    const created = await json<{ id: string; incremental_every_ms: number | null; full_cron: string | null }>(
      await api.call('/v1/admin/connectors', {
        method: 'POST',
        token: alice,
        body: { type: 'fake', name: 'Quiet', settings: { directory: 'quiet', password: 'quiet-pa55word' } },
      }),
      201,
    );
    expect(created).toMatchObject({ incremental_every_ms: 300_000, full_cron: '30 2 * * *' });
    // An interval schedule runs once at once (as BullMQ's do), then every five minutes.
    let scheduled: Run & { trigger: string } = {
      id: '',
      state: 'queued',
      counters: {},
      pending_deactivations: 0,
      trigger: '',
    };
    for (let i = 0; i < 400 && scheduled.state !== 'completed'; i++) {
      const runs = await json<{ items: (Run & { trigger: string })[] }>(
        await api.call(`/v1/admin/connectors/${created.id}/runs`, { token: alice }),
        200,
      );
      scheduled = runs.items.find((run) => run.trigger === 'schedule') ?? scheduled;
      if (scheduled.state !== 'completed') await new Promise((r) => setTimeout(r, 50));
    }
    expect(scheduled).toMatchObject({ state: 'completed', counters: { created: 1 } });

    const off = await api.call(`/v1/admin/connectors/${created.id}`, {
      method: 'PATCH',
      token: alice,
      body: { incremental_every_ms: null, full_cron: null },
    });
    expect(await json(off, 200)).toMatchObject({ incremental_every_ms: null, full_cron: null });
    expect(
      (await api.call(`/v1/admin/connectors/${created.id}`, { method: 'DELETE', token: alice })).status,
    ).toBe(204);
  });

  it('reports a failing connection check with its code and no secret', async () => {
    directory.put({ externalId: 'u1' });
    const other = await json<{ id: string }>(
      await api.call('/v1/admin/connectors', {
        method: 'POST',
        token: alice,
        body: {
          type: 'fake',
          name: 'Wrong',
          settings: { directory: 'corp', password: 'wrong-secret-value' },
        },
      }),
      201,
    );
    const check = await api.call(`/v1/admin/connectors/${other.id}/check`, { method: 'POST', token: alice });
    const text = await check.clone().text();
    expect(await json(check, 200)).toMatchObject({ ok: false, code: 'auth_failed' });
    expect(text).not.toContain('wrong-secret-value');
    expect(
      (await api.call(`/v1/admin/connectors/${other.id}`, { method: 'DELETE', token: alice })).status,
    ).toBe(204);
    expect((await api.call(`/v1/admin/connectors/${other.id}`, { token: alice })).status).toBe(404);
  });

  it('runs a dry run that reports the diff and changes nobody', async () => {
    const run = await runToEnd({ mode: 'full', dry_run: true });
    expect(run).toMatchObject({ state: 'completed', counters: { created: 5, updated: 2 } });
    // The report's lists are samples: it says how many it does not show.
    expect(run).toMatchObject({ report: { not_shown: { create: 0, update: 0, deactivate: 0 } } });
    expect(
      (await api.call('/v1/users/find?q=u1%40corp', { token: alice }).then((r) => r.json())) as unknown[],
    ).toEqual([]);
  });

  it('syncs users with live counters, links an existing account by verified email, and refuses a second active run', async () => {
    const run = await runToEnd({ mode: 'full' });
    expect(run).toMatchObject({ state: 'completed', counters: { created: 5, updated: 2, skipped: 0 } });
    const found = await json<{ email: string }[]>(
      await api.call('/v1/users/find?q=Bob', { token: alice }),
      200,
    );
    expect(found.map((u) => u.email)).toEqual(['bob@example.test']);

    // The directory stalls the next run, so it is certainly still active when the second request comes.
    let release: () => void = () => undefined;
    directory.fault = () => new Promise<void>((resolve) => (release = resolve));
    const first = await api.call(`/v1/admin/connectors/${connectorId}/runs`, {
      method: 'POST',
      token: alice,
      body: { mode: 'full' },
    });
    const second = await api.call(`/v1/admin/connectors/${connectorId}/runs`, {
      method: 'POST',
      token: alice,
      body: { mode: 'full' },
    });
    expect([first.status, second.status]).toEqual([202, 409]);
    directory.fault = undefined;
    release();
    expect(await json(second, 409)).toMatchObject({ code: 'conflict' });
    const bad = await api.call(`/v1/admin/connectors/${connectorId}/runs`, {
      method: 'POST',
      token: alice,
      body: { mode: 'sideways' },
    });
    expect((await json<{ errors: { field: string }[] }>(bad, 422)).errors[0]?.field).toBe('body.mode');
  });

  it('holds a run above the guard for approval, and a deactivated person can no longer use the API', async () => {
    await waitIdle();
    const carol = await api.token('carol');
    expect((await api.call('/v1/users/me', { token: carol })).status).toBe(200);
    for (const id of ['bob', 'u1', 'carol', 'takeover']) directory.users.delete(id);
    const guarded = await runToEnd({ mode: 'full' });
    expect(guarded).toMatchObject({ state: 'needs_approval', pending_deactivations: 4 });
    expect((await api.call('/v1/users/me', { token: bob })).status).toBe(200);
    const reject = `/v1/admin/connectors/${connectorId}/runs/${guarded.id}/reject`;
    expect(await json(await api.call(reject, { method: 'POST', token: alice }), 200)).toMatchObject({
      state: 'rejected',
    });
    expect((await api.call(reject, { method: 'POST', token: alice })).status).toBe(409);

    const again = await runToEnd({ mode: 'full' });
    expect(again.state).toBe('needs_approval');
    expect(
      (
        await api.call(`/v1/admin/connectors/${connectorId}/runs/${again.id}/approve`, {
          method: 'POST',
          token: bob,
        })
      ).status,
    ).toBe(403);
    const approved = await api.call(`/v1/admin/connectors/${connectorId}/runs/${again.id}/approve`, {
      method: 'POST',
      token: alice,
    });
    // The accounts the directory created go; the ones it only linked (Bob, Alice) are unlinked.
    expect(await json(approved, 200)).toMatchObject({
      state: 'completed',
      counters: { deactivated: 2 },
      report: { unlinked: { count: 2 } },
    });
    const refused = await api.call('/v1/users/me', { token: carol });
    expect(await json(refused, 403)).toMatchObject({ code: 'forbidden', title: 'This account is disabled' });
    expect((await api.call('/v1/users/me', { token: bob })).status).toBe(200);
  });

  it('never lets a directory entry take over or lock out the tenant administrator', async () => {
    // The entry with her address was linked and has left (test above): her account is as she set it.
    const me = await json<{ display_name: string; phone: string | null; language: string | null }>(
      await api.call('/v1/users/me', { token: alice }),
      200,
    );
    expect(me).toMatchObject({ display_name: 'Alice Adler', phone: '+49 30 5550101', language: 'de' });
    const connectors = await api.call('/v1/admin/connectors', { token: alice });
    expect(connectors.status).toBe(200);
  });

  it('keeps an audit log of who changed which connector when', async () => {
    const log = await json<{ items: { action: string; actor: string; details: unknown }[] }>(
      await api.call(`/v1/admin/connector-audit?connector_id=${connectorId}`, { token: alice }),
      200,
    );
    const actions = log.items.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'connector.created',
        'connector.updated',
        'run.started',
        'run.rejected',
        'run.approved',
      ]),
    );
    expect(JSON.stringify(log)).not.toContain('bind-pa55word');
    const openapi = await json<{ paths: Record<string, unknown> }>(await api.call('/v1/openapi.json'), 200);
    expect(Object.keys(openapi.paths)).toContain('/v1/admin/connectors/{connectorId}/runs/{runId}/approve');
  });

  async function waitIdle(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const res = await json<{ health: { current_run: unknown } }>(
        await api.call(`/v1/admin/connectors/${connectorId}`, { token: alice }),
        200,
      );
      if (res.health.current_run === null) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
});
