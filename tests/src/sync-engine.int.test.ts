import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createConnectorInstanceRepository,
  createSyncRunRepository,
  createUserRepository,
  type DatabaseHandle,
} from '@vc/conference-core';
import { identitySource } from '@vc/conference-core';
import { ConnectorError } from '@vc/connector-sdk';

import { fakeConnector, fakeDirectory } from '@vc/hub/testing';
import {
  openTestDatabase,
  recordingLogger,
  syncHarness,
  type Backend,
  type Harness,
} from './support/sync-harness.js';

/**
 * The sync engine against real databases, with a fake directory the test controls: full and
 * incremental runs, deletions, a worker dying between batches, auth failures, rate limits, the
 * mass-deletion guard, dry runs, tenants kept apart, and secrets kept out of logs and errors.
 */
describe.each<Backend>(['pglite', 'postgres'])('sync engine (%s)', (backend) => {
  let database: DatabaseHandle & { remove(): Promise<void> };
  const directories = { main: fakeDirectory('s3cret-bind'), other: fakeDirectory('other-pass') };
  const logs: string[] = [];
  let h: Harness;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    h = syncHarness(database.db, [fakeConnector(directories)], recordingLogger(logs));
  });
  afterAll(async () => {
    await h.close();
    await database.remove();
  });

  const users = () => createUserRepository(database.db);
  const fresh = (name: string, password = 's3cret-bind') => {
    const dir = fakeDirectory(password);
    (directories as Record<string, ReturnType<typeof fakeDirectory>>)[name] = dir;
    return dir;
  };
  async function setup(name: string, count: number, guardShare = 1) {
    const dir = fresh(name);
    for (let i = 1; i <= count; i++) dir.put({ externalId: `${name}-u${i}`, email: `u${i}@${name}.test` });
    const tenantId = await h.newTenant();
    const instanceId = await h.newInstance(
      tenantId,
      { directory: name, password: 's3cret-bind' },
      guardShare,
    );
    return { dir, tenantId, instanceId, source: identitySource('fake', instanceId) };
  }
  const linked = async (tenantId: string, source: string) => {
    const { rows } = await sql<{ external_id: string; disabled: boolean }>`
      select i.external_id, u.disabled_at is not null as disabled from user_identities i
      join users u on u.tenant_id = i.tenant_id and u.id = i.user_id
      where i.tenant_id = ${tenantId} and i.source = ${source} order by i.external_id`.execute(database.db);
    return rows;
  };

  it('creates users and groups on a first full run, and changes nothing on an unchanged second one', async () => {
    const { dir, tenantId, instanceId, source } = await setup('first', 5);
    dir.putGroup('g1', 'Staff first', ['first-u1', 'first-u2']);
    const first = await h.run(tenantId, instanceId, 'full');
    expect(first).toMatchObject({ state: 'completed', created: 6, updated: 0, deactivated: 0, errors: 0 });
    expect(await linked(tenantId, source)).toHaveLength(5);
    const again = await h.run(tenantId, instanceId, 'full');
    expect(again).toMatchObject({ state: 'completed', created: 0, updated: 0, unchanged: 6 });
  });

  it('applies changes and deletions of an incremental run from the last completed run’s watermark', async () => {
    const { dir, tenantId, instanceId, source } = await setup('incr', 4);
    await h.run(tenantId, instanceId, 'full');
    dir.put({ externalId: 'incr-u1', displayName: 'Renamed One' });
    dir.put({ externalId: 'incr-u9', email: 'u9@incr.test' });
    dir.remove('incr-u2');
    const run = await h.run(tenantId, instanceId, 'incremental');
    expect(run).toMatchObject({ state: 'completed', created: 1, updated: 1, deactivated: 1 });
    // Only the three changes were read: the incremental run started at the full run's version.
    expect(dir.requests.at(-1)).toEqual({
      mode: 'incremental',
      cursor: { offset: 4, version: 4, phase: 'done' },
    });
    expect((await users().findByIdentity(tenantId, source, 'incr-u1'))?.displayName).toBe('Renamed One');
    expect(await linked(tenantId, source)).toContainEqual({ external_id: 'incr-u2', disabled: true });
  });

  it('deactivates users that left the directory at the end of a full run, and never deletes them', async () => {
    const { dir, tenantId, instanceId, source } = await setup('leave', 5);
    await h.run(tenantId, instanceId, 'full');
    dir.users.delete('leave-u3');
    const run = await h.run(tenantId, instanceId, 'full');
    expect(run).toMatchObject({ state: 'completed', deactivated: 1 });
    expect(await linked(tenantId, source)).toContainEqual({ external_id: 'leave-u3', disabled: true });
  });

  it('resumes a run whose worker died between batches from its last cursor, without duplicates or loss', async () => {
    const { dir, tenantId, instanceId, source } = await setup('crash', 7);
    let release: () => void = () => undefined;
    // The first worker never renews its lease in this test (long lease) and hangs before batch 3.
    const dying = h.engineWith({ leaseMs: 600_000, workerId: 'dying' });
    dir.fault = (index) => (index === 2 ? new Promise<void>((resolve) => (release = resolve)) : undefined);
    const requested = await dying.requestRun(tenantId, instanceId, {
      mode: 'full',
      dryRun: false,
      trigger: 'manual',
      actor: null,
    });
    if (!requested.ok) throw new Error('not requested');
    const zombie = dying.executeRun(tenantId, requested.run.id, new AbortController().signal);
    await waitFor(async () => (await h.getRun(tenantId, requested.run.id)).batches === 2);
    expect(await linked(tenantId, source)).toHaveLength(4);

    // Time passes without a heartbeat: the lease goes stale and the sweep of another worker resumes it.
    await sql`update sync_runs set heartbeat_at = now() - interval '20 minutes' where id = ${requested.run.id}`.execute(
      database.db,
    );
    dir.fault = undefined;
    const rescuer = h.engineWith({ leaseMs: 60_000, workerId: 'rescuer' });
    expect(await rescuer.sweep()).toBe(1);
    await rescuer.executeRun(tenantId, requested.run.id, new AbortController().signal);
    expect(dir.requests.at(-1)).toEqual({ mode: 'full', cursor: { offset: 4, version: 7 } });
    const done = await h.getRun(tenantId, requested.run.id);
    expect(done).toMatchObject({ state: 'completed', created: 7, deactivated: 0, leaseOwner: null });
    expect(await linked(tenantId, source)).toHaveLength(7);

    // The dead worker wakes up: its lease is gone, so it applies nothing more.
    release();
    await zombie;
    expect((await h.getRun(tenantId, requested.run.id)).batches).toBe(done.batches);
  });

  it('fails the run on auth_failed and changes nothing, not even deactivations', async () => {
    const { dir, tenantId, instanceId, source } = await setup('auth', 3);
    await h.run(tenantId, instanceId, 'full');
    const before = await linked(tenantId, source);
    (dir as { password: string }).password = 'rotated';
    dir.put({ externalId: 'auth-u1', displayName: 'Changed' });
    const run = await h.run(tenantId, instanceId, 'full');
    expect(run).toMatchObject({ state: 'failed', errorCode: 'auth_failed', batches: 0, deactivated: 0 });
    expect(await linked(tenantId, source)).toEqual(before);
    expect((await users().findByIdentity(tenantId, source, 'auth-u1'))?.displayName).toBe('Person auth-u1');
  });

  it('retries a rate-limited read after the upstream’s Retry-After, resuming from the last batch', async () => {
    const { dir, tenantId, instanceId, source } = await setup('rate', 6);
    let thrown = 0;
    let thrownAt = 0;
    let resumedAt = 0;
    dir.fault = (index, request) => {
      if (index === 1 && thrown === 0) {
        thrown++;
        thrownAt = Date.now();
        throw new ConnectorError('rate_limited', 'slow down', { retryAfterMs: 300 });
      }
      if (index === 0 && thrown === 1 && resumedAt === 0 && request.cursor !== null) resumedAt = Date.now();
    };
    const run = await h.run(tenantId, instanceId, 'full');
    expect(run).toMatchObject({ state: 'completed', created: 6, errors: 1 });
    expect(resumedAt - thrownAt).toBeGreaterThanOrEqual(290);
    expect(dir.requests.at(-1)?.cursor).toEqual({ offset: 2, version: 6 });
    expect(await linked(tenantId, source)).toHaveLength(6);
  });

  it('never deactivates anyone because of a read that failed part-way', async () => {
    const { dir, tenantId, instanceId, source } = await setup('partial', 6);
    await h.run(tenantId, instanceId, 'full');
    // The server goes away for good after the first page: every retry fails at the same place.
    dir.fault = (index, request) => {
      const offset = ((request.cursor as { offset?: number } | null)?.offset ?? 0) + index * 2;
      if (offset >= 2) throw new ConnectorError('upstream_unavailable', 'server went away');
    };
    const run = await h.run(tenantId, instanceId, 'full');
    expect(run).toMatchObject({
      state: 'failed',
      errorCode: 'upstream_unavailable',
      errors: 3,
      deactivated: 0,
    });
    expect(run.errorMessage).toMatch(/gave up after 3 retries/);
    expect((await linked(tenantId, source)).filter((u) => u.disabled)).toEqual([]);
    dir.fault = undefined;
  });

  it('stops a run that would deactivate more than the guard share until an admin approves or rejects it', async () => {
    const { dir, tenantId, instanceId, source } = await setup('guard', 10, 0.1);
    await h.run(tenantId, instanceId, 'full');
    for (let i = 1; i <= 5; i++) dir.users.delete(`guard-u${i}`);
    const guarded = await h.run(tenantId, instanceId, 'full');
    expect(guarded).toMatchObject({
      state: 'needs_approval',
      pendingDeactivations: 5,
      linkedUsers: 10,
      deactivated: 0,
    });
    expect((await linked(tenantId, source)).filter((u) => u.disabled)).toEqual([]);
    // While it waits, no other run of this connector starts.
    expect(
      await h.engine.requestRun(tenantId, instanceId, {
        mode: 'full',
        dryRun: false,
        trigger: 'manual',
        actor: null,
      }),
    ).toMatchObject({
      ok: false,
      reason: 'run_open',
    });
    expect(await h.engine.reject(tenantId, guarded.id, 'admin')).toEqual({ ok: true, deactivated: 0 });
    expect((await linked(tenantId, source)).filter((u) => u.disabled)).toEqual([]);

    const again = await h.run(tenantId, instanceId, 'full');
    expect(again.state).toBe('needs_approval');
    expect(await h.engine.approve(tenantId, again.id, 'admin')).toEqual({ ok: true, deactivated: 5 });
    expect((await linked(tenantId, source)).filter((u) => u.disabled)).toHaveLength(5);
    expect(await h.getRun(tenantId, again.id)).toMatchObject({
      state: 'completed',
      deactivated: 5,
      decidedBy: 'admin',
    });
  });

  it('computes the diff of a dry run without writing anything but the run', async () => {
    const { dir, tenantId, instanceId } = await setup('dry', 4);
    await h.run(tenantId, instanceId, 'full');
    const snapshot = () =>
      sql`select to_jsonb(u) as row from users u where tenant_id = ${tenantId} order by id`.execute(
        database.db,
      );
    const before = await snapshot();
    dir.put({ externalId: 'dry-u1', displayName: 'New name' });
    dir.put({ externalId: 'dry-u7', email: 'u7@dry.test' });
    dir.users.delete('dry-u2');
    const run = await h.run(tenantId, instanceId, 'full', true);
    expect(run).toMatchObject({
      state: 'completed',
      dryRun: true,
      created: 1,
      updated: 1,
      pendingDeactivations: 1,
      deactivated: 0,
    });
    expect(run.report).toMatchObject({
      create: ['u7@dry.test'],
      update: ['u1@dry.test'],
      deactivate: ['u2@dry.test'],
    });
    expect(await snapshot()).toEqual(before);
  });

  it('keeps two tenants with two connectors apart', async () => {
    const a = await setup('tenant-a', 3);
    const b = await setup('tenant-b', 2);
    // Same address in both directories: each tenant gets its own user.
    b.dir.put({ externalId: 'tenant-b-u9', email: 'u1@tenant-a.test' });
    await h.run(a.tenantId, a.instanceId, 'full');
    await h.run(b.tenantId, b.instanceId, 'full');
    a.dir.users.clear();
    await h.run(a.tenantId, a.instanceId, 'full');
    expect((await linked(a.tenantId, a.source)).every((u) => u.disabled)).toBe(true);
    expect(await linked(b.tenantId, b.source)).toEqual([
      { external_id: 'tenant-b-u1', disabled: false },
      { external_id: 'tenant-b-u2', disabled: false },
      { external_id: 'tenant-b-u9', disabled: false },
    ]);
    expect(await linked(b.tenantId, a.source)).toEqual([]);
  });

  it('skips invalid and unusable records with reasons instead of failing the run', async () => {
    const { dir, tenantId, instanceId } = await setup('bad', 1);
    dir.put({ externalId: 'bad-nomail', email: null });
    dir.put({ externalId: 'bad-long', displayName: 'x'.repeat(300) });
    dir.put({ externalId: 'bad-nfc', displayName: 'Jose\u0301' });
    dir.raw.push({ type: 'user', externalId: '' }, 'not even an object');
    dir.broken.push({ externalId: 'cn=odd,dc=x', reason: 'no entryUUID' });
    const run = await h.run(tenantId, instanceId, 'full');
    expect(run).toMatchObject({ state: 'completed', created: 2, skipped: 5 });
    const nfc = await users().findByIdentity(tenantId, identitySource('fake', instanceId), 'bad-nfc');
    expect(nfc?.displayName).toBe('Jos\u00e9');
  });

  it('keeps secrets out of logs and stored errors, even when the connector logs them', async () => {
    const dir = fresh('leaky', 'hunter2-very-secret');
    dir.put({ externalId: 'leaky-u1' });
    const tenantId = await h.newTenant();
    const instanceId = await h.newInstance(tenantId, {
      directory: 'leaky',
      password: 'hunter2-very-secret',
      logSettings: true,
    });
    expect(await h.run(tenantId, instanceId, 'full')).toMatchObject({ state: 'completed' });
    (dir as { password: string }).password = 'changed';
    const failed = await h.run(tenantId, instanceId, 'full');
    expect(failed.errorCode).toBe('auth_failed');
    expect(failed.errorMessage).toContain('[redacted]');
    expect(failed.errorMessage).not.toContain('hunter2');
    const logged = logs.join('\n');
    expect(logged).toContain('fake sync');
    expect(logged).not.toContain('hunter2');
    const { rows } = await sql<{
      secrets: unknown;
    }>`select secrets from connector_instances where id = ${instanceId}`.execute(database.db);
    expect(JSON.stringify(rows)).not.toContain('hunter2');
  });

  it('runs a connector on its repeat schedule and stops when the schedule is removed', async () => {
    const { tenantId, instanceId, source } = await setup('scheduled', 2);
    const h2 = syncHarness(database.db, [fakeConnector(directories)], recordingLogger([]));
    h2.engine.registerJobs();
    await h2.queue.start();
    try {
      const instance = await createConnectorInstanceRepository(database.db).update(tenantId, instanceId, {
        incrementalEveryMs: 60_000,
      });
      if (!instance.ok) throw new Error('not updated');
      // An interval schedule fires once right away, then on every multiple of the interval.
      await h2.engine.applySchedules(instance.instance);
      await waitFor(async () => (await linked(tenantId, source)).length === 2);
      const runs = await createSyncRunRepository(database.db).listForInstance(tenantId, instanceId, 10);
      expect(runs[0]).toMatchObject({ trigger: 'schedule', mode: 'incremental' });
      await h2.engine.removeSchedules(instanceId);
      expect(await h2.queue.unschedule(`sync-incremental-${instanceId}`)).toBe(false);
    } finally {
      await h2.close();
    }
  });

  it('runs requested runs through the job queue, one open run per connector', async () => {
    const { tenantId, instanceId, source } = await setup('queued', 3);
    const h2 = syncHarness(database.db, [fakeConnector(directories)], recordingLogger([]));
    h2.engine.registerJobs();
    await h2.queue.start();
    try {
      const first = await h2.engine.requestRun(tenantId, instanceId, {
        mode: 'full',
        dryRun: false,
        trigger: 'manual',
        actor: null,
      });
      if (!first.ok) throw new Error('not requested');
      await waitFor(async () => (await h2.getRun(tenantId, first.run.id)).state === 'completed');
      expect(await linked(tenantId, source)).toHaveLength(3);
    } finally {
      await h2.close();
    }
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
