import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDirectorySync } from '../sync/directory-sync.js';
import {
  identitySource,
  type DirectoryBatch,
  type DirectoryUser,
  type RunLease,
} from '../sync/directory-types.js';
import { createConnectorAuditRepository } from './connector-audit-repository.js';
import { createConnectorInstanceRepository } from './connector-instance-repository.js';
import { newTenant, newUser, newRoom, token, type SchedulingContext } from './scheduling-fixtures.js';
import { createSyncRunRepository } from './sync-run-repository.js';
import { createUserRepository } from './user-repository.js';

export const directoryUser = (
  externalId: string,
  email: string | null,
  extra: Partial<DirectoryUser> = {},
): DirectoryUser => ({
  externalId,
  email,
  emailVerified: true,
  username: externalId,
  firstName: null,
  lastName: null,
  displayName: `Person ${externalId}`,
  language: null,
  phone: null,
  label: `uid=${externalId},cn=users,dc=example,dc=org`,
  ...extra,
});

const batch = (partial: Partial<DirectoryBatch>): DirectoryBatch => ({
  users: [],
  groups: [],
  deletes: [],
  skipped: [],
  cursor: null,
  ...partial,
});

/**
 * The sync tables and the directory service (migration 0004): one open run per instance, run
 * leases, batch + cursor in one transaction, linking by identity and verified email, the full-run
 * sweep, the deactivation guard, dry runs and retention.
 */
export function describeSyncStorageContract({ db }: SchedulingContext): void {
  describe('directory sync storage', () => {
    let tenantId: string;
    let instanceId: string;
    let source: string;
    let mail: (name: string) => string;

    beforeEach(async () => {
      tenantId = await newTenant(db());
      const tag = token();
      mail = (name) => `${name}.${tag}@example.org`;
      const created = await createConnectorInstanceRepository(db()).create(tenantId, {
        connectorType: 'fake',
        name: `Directory ${tag}`,
        settings: { url: 'ldap://x' },
        secrets: { password: 'v1:cipher' },
        guardShare: 0.5,
      });
      if (!created.ok) throw new Error('instance not created');
      instanceId = created.instance.id;
      source = identitySource('fake', instanceId);
    });

    async function startRun(mode: 'full' | 'incremental', dryRun = false): Promise<RunLease> {
      const runs = createSyncRunRepository(db());
      const created = await runs.create(tenantId, {
        instanceId,
        mode,
        dryRun,
        trigger: 'manual',
        requestedBy: null,
      });
      if (!created.ok) throw new Error(`run not created: ${created.reason}`);
      const owner = `worker-${token()}`;
      expect(await runs.claim(tenantId, created.run.id, owner, 30_000)).toMatchObject({ state: 'running' });
      return { tenantId, runId: created.run.id, owner };
    }

    async function runFull(users: DirectoryUser[], dryRun = false) {
      const lease = await startRun('full', dryRun);
      const sync = createDirectorySync(db());
      expect(await sync.applyBatch(lease, batch({ users, cursor: { page: 1 } }))).toMatchObject({ ok: true });
      return { lease, finished: await sync.finishRun(lease, null) };
    }

    const users = () => createUserRepository(db());
    const run = (id: string) => createSyncRunRepository(db()).findById(tenantId, id);

    it('keeps instances per tenant with unique names and lets settings change', async () => {
      const instances = createConnectorInstanceRepository(db());
      const again = await instances.create(tenantId, {
        connectorType: 'fake',
        name: (await instances.findById(tenantId, instanceId))!.name,
        settings: {},
        secrets: {},
      });
      expect(again).toEqual({ ok: false, reason: 'name_taken' });
      const updated = await instances.update(tenantId, instanceId, {
        settings: { url: 'ldaps://y' },
        guardShare: 0.2,
      });
      expect(updated).toMatchObject({
        ok: true,
        instance: { settings: { url: 'ldaps://y' }, guardShare: 0.2 },
      });
      expect(await instances.list(tenantId)).toHaveLength(1);
      expect((await instances.listEnabledAcrossTenants()).map((i) => i.id)).toContain(instanceId);
    });

    it('allows one open run per instance, enforced by the database', async () => {
      const runs = createSyncRunRepository(db());
      const request = {
        instanceId,
        mode: 'full' as const,
        dryRun: false,
        trigger: 'manual' as const,
        requestedBy: null,
      };
      const results = await Promise.all([runs.create(tenantId, request), runs.create(tenantId, request)]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const refused = results.find((r) => !r.ok);
      const first = results.find((r) => r.ok);
      expect(refused).toEqual({
        ok: false,
        reason: 'run_open',
        openRunId: first?.ok === true ? first.run.id : '',
      });
    });

    it('gives a run to one worker at a time and lets another take it over only once the lease is stale', async () => {
      const runs = createSyncRunRepository(db());
      const lease = await startRun('full');
      expect(await runs.claim(tenantId, lease.runId, 'other', 60_000)).toBeUndefined();
      await sql`update sync_runs set heartbeat_at = now() - interval '2 minutes' where id = ${lease.runId}`.execute(
        db(),
      );
      expect(await runs.listOpenAcrossTenants(60_000)).toContainEqual({
        tenantId,
        id: lease.runId,
        state: 'running',
        stale: true,
      });
      expect(await runs.claim(tenantId, lease.runId, 'other', 60_000)).toMatchObject({ leaseOwner: 'other' });
      // The old worker lost its lease: it can neither apply nor finish.
      const sync = createDirectorySync(db());
      expect(await sync.applyBatch(lease, batch({ users: [directoryUser('u1', mail('u1'))] }))).toEqual({
        ok: false,
        reason: 'lease_lost',
      });
      expect(await users().findByEmail(tenantId, mail('u1'))).toBeUndefined();
      expect(await runs.heartbeat(tenantId, lease.runId, lease.owner)).toBe(false);
    });

    it('applies a batch and its cursor together, creating, linking and skipping with reasons', async () => {
      const existing = await newUser(db(), tenantId, { email: mail('known') });
      const unverifiedTarget = await newUser(db(), tenantId, { email: mail('claimed') });
      const lease = await startRun('full');
      const sync = createDirectorySync(db());
      const result = await sync.applyBatch(
        lease,
        batch({
          users: [
            directoryUser('new', mail('new'), { firstName: 'Nia', lastName: 'New' }),
            directoryUser('known', mail('known').toUpperCase()),
            directoryUser('sneaky', mail('claimed'), { emailVerified: false }),
            directoryUser('nomail', null),
          ],
          skipped: [{ type: 'user', externalId: 'cn=broken', label: 'cn=broken', reason: 'no uid' }],
          cursor: { page: 1 },
        }),
      );
      expect(result).toEqual({
        ok: true,
        outcome: { created: 1, updated: 1, unchanged: 0, reactivated: 0, skipped: 3 },
      });
      expect(await users().findByIdentity(tenantId, source, 'new')).toMatchObject({ givenName: 'Nia' });
      expect(await users().findByIdentity(tenantId, source, 'known')).toMatchObject({ id: existing.id });
      expect(await users().findByIdentity(tenantId, source, 'sneaky')).toBeUndefined();
      expect(await users().listIdentities(tenantId, unverifiedTarget.id)).toEqual([]);
      const stored = await run(lease.runId);
      expect(stored).toMatchObject({
        cursor: { page: 1 },
        batches: 1,
        seen: 5,
        created: 1,
        updated: 1,
        skipped: 3,
      });
      const skipped = await createSyncRunRepository(db()).listSkipped(tenantId, lease.runId, 10);
      expect(skipped.map((s) => s.externalId).sort()).toEqual(['cn=broken', 'nomail', 'sneaky']);
      expect(skipped.find((s) => s.externalId === 'sneaky')?.reason).toMatch(/does not vouch/);
      // Every skip names the entry the way an admin finds it upstream, beside its external id.
      expect(skipped.find((s) => s.externalId === 'sneaky')?.label).toBe(
        'uid=sneaky,cn=users,dc=example,dc=org',
      );
      expect(skipped.find((s) => s.externalId === 'nomail')?.label).toBe(
        'uid=nomail,cn=users,dc=example,dc=org',
      );
    });

    it('replaces the memberships of groups of this source with the linked members', async () => {
      const lease = await startRun('full');
      const sync = createDirectorySync(db());
      await sync.applyBatch(
        lease,
        batch({ users: [directoryUser('a', mail('a')), directoryUser('b', mail('b'))] }),
      );
      await sync.applyBatch(
        lease,
        batch({
          groups: [{ externalId: 'g1', name: `Staff ${token()}`, memberExternalIds: ['a', 'b', 'ghost'] }],
        }),
      );
      const group = await db()
        .selectFrom('groups')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .executeTakeFirstOrThrow();
      const members = await db()
        .selectFrom('group_memberships')
        .select('user_id')
        .where('group_id', '=', group.id)
        .execute();
      expect(members).toHaveLength(2);
      expect(group.source).toBe(source);
    });

    it('deactivates, only when a full run completes, the linked users it did not see, and re-enables them when they return', async () => {
      await runFull([
        directoryUser('a', mail('a')),
        directoryUser('b', mail('b')),
        directoryUser('c', mail('c')),
      ]);
      const lease = await startRun('full');
      const sync = createDirectorySync(db());
      await sync.applyBatch(
        lease,
        batch({ users: [directoryUser('a', mail('a')), directoryUser('b', mail('b'))] }),
      );
      // Read but not finished: nobody is deactivated yet.
      expect((await users().findByIdentity(tenantId, source, 'c'))?.disabledAt).toBeNull();
      expect(await sync.finishRun(lease, null)).toEqual({ ok: true, state: 'completed', deactivations: 1 });
      expect((await users().findByIdentity(tenantId, source, 'c'))?.disabledAt).toBeInstanceOf(Date);
      expect(await run(lease.runId)).toMatchObject({ state: 'completed', deactivated: 1 });

      const back = await runFull([
        directoryUser('a', mail('a')),
        directoryUser('b', mail('b')),
        directoryUser('c', mail('c')),
      ]);
      expect(back.finished).toMatchObject({ state: 'completed', deactivations: 0 });
      expect((await users().findByIdentity(tenantId, source, 'c'))?.disabledAt).toBeNull();
      expect(await run(back.lease.runId)).toMatchObject({ reactivated: 1 });
    });

    it('leaves a user an admin disabled disabled when the directory still lists it', async () => {
      await runFull([directoryUser('a', mail('a'))]);
      const a = (await users().findByIdentity(tenantId, source, 'a'))!;
      await users().setDisabled(tenantId, a.id, new Date());
      await runFull([directoryUser('a', mail('a'))]);
      expect((await users().findById(tenantId, a.id))?.disabledAt).toBeInstanceOf(Date);
    });

    it('holds deactivations above the guard share until approved, and discards them when rejected', async () => {
      const everyone = ['a', 'b', 'c', 'd'].map((n) => directoryUser(n, mail(n)));
      await runFull(everyone);
      const guarded = await runFull(everyone.slice(0, 1));
      expect(guarded.finished).toEqual({ ok: true, state: 'needs_approval', deactivations: 3 });
      expect(await run(guarded.lease.runId)).toMatchObject({
        pendingDeactivations: 3,
        linkedUsers: 4,
        deactivated: 0,
      });
      expect((await users().findByIdentity(tenantId, source, 'b'))?.disabledAt).toBeNull();
      const sync = createDirectorySync(db());
      expect(await sync.rejectRun(tenantId, guarded.lease.runId, 'admin-1')).toEqual({
        ok: true,
        deactivated: 0,
      });
      expect(await run(guarded.lease.runId)).toMatchObject({ state: 'rejected', decidedBy: 'admin-1' });
      expect((await users().findByIdentity(tenantId, source, 'b'))?.disabledAt).toBeNull();

      const again = await runFull(everyone.slice(0, 1));
      expect(await sync.approveRun(tenantId, again.lease.runId, 'admin-2')).toEqual({
        ok: true,
        deactivated: 3,
      });
      expect(await sync.approveRun(tenantId, again.lease.runId, 'admin-2')).toEqual({
        ok: false,
        reason: 'not_awaiting_approval',
      });
      expect((await users().findByIdentity(tenantId, source, 'b'))?.disabledAt).toBeInstanceOf(Date);
    });

    it('defers explicit deletes of an incremental run to its end', async () => {
      await runFull(['a', 'b', 'c'].map((n) => directoryUser(n, mail(n))));
      const lease = await startRun('incremental');
      const sync = createDirectorySync(db());
      await sync.applyBatch(lease, batch({ deletes: [{ type: 'user', externalId: 'a' }] }));
      expect((await users().findByIdentity(tenantId, source, 'a'))?.disabledAt).toBeNull();
      expect(await sync.finishRun(lease, null)).toMatchObject({ state: 'completed', deactivations: 1 });
      expect((await users().findByIdentity(tenantId, source, 'a'))?.disabledAt).toBeInstanceOf(Date);
      expect((await users().findByIdentity(tenantId, source, 'b'))?.disabledAt).toBeNull();
    });

    it('writes nothing but the report in a dry run', async () => {
      await runFull(['a', 'b'].map((n) => directoryUser(n, mail(n))));
      const before = await db()
        .selectFrom('users')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('id')
        .execute();
      const dry = await runFull(
        [directoryUser('a', mail('a'), { displayName: 'Renamed' }), directoryUser('n', mail('n'))],
        true,
      );
      expect(dry.finished).toEqual({ ok: true, state: 'completed', deactivations: 1 });
      const after = await db()
        .selectFrom('users')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('id')
        .execute();
      expect(after).toEqual(before);
      expect(await run(dry.lease.runId)).toMatchObject({
        dryRun: true,
        created: 1,
        updated: 1,
        pendingDeactivations: 1,
        report: { create: [mail('n')], update: [mail('a')], deactivate: [mail('b')] },
      });
      // A dry run's cursor is no watermark for the next incremental run.
      expect(await createSyncRunRepository(db()).lastCompletedCursor(tenantId, instanceId)).toEqual({
        page: 1,
      });
    });

    it('fails a run without deactivating anyone', async () => {
      await runFull(['a', 'b'].map((n) => directoryUser(n, mail(n))));
      const lease = await startRun('full');
      await createDirectorySync(db()).applyBatch(lease, batch({ users: [directoryUser('a', mail('a'))] }));
      expect(
        await createSyncRunRepository(db()).fail(
          tenantId,
          lease.runId,
          lease.owner,
          'auth_failed',
          'bind refused',
        ),
      ).toBe(true);
      expect((await users().findByIdentity(tenantId, source, 'b'))?.disabledAt).toBeNull();
      expect(await run(lease.runId)).toMatchObject({ state: 'failed', errorCode: 'auth_failed' });
    });

    it('deletes deactivated users after the retention, keeping those who own rooms', async () => {
      await runFull(['a', 'b', 'c'].map((n) => directoryUser(n, mail(n))));
      const a = (await users().findByIdentity(tenantId, source, 'a'))!;
      const b = (await users().findByIdentity(tenantId, source, 'b'))!;
      await newRoom(db(), tenantId, b.id);
      const lease = await startRun('full');
      const sync = createDirectorySync(db());
      await sync.applyBatch(lease, batch({ users: [directoryUser('c', mail('c'))] }));
      expect(await sync.finishRun(lease, null)).toMatchObject({ state: 'needs_approval' });
      await sync.approveRun(tenantId, lease.runId, 'admin');
      const purged = await sync.purgeDeactivated(new Date(Date.now() + 60_000));
      expect(purged.deleted).toBeGreaterThanOrEqual(1);
      expect(await users().findById(tenantId, a.id)).toBeUndefined();
      expect(await users().findById(tenantId, b.id)).toMatchObject({ id: b.id });
    });

    it('keeps an audit log per tenant, newest first', async () => {
      const audit = createConnectorAuditRepository(db());
      await audit.append(tenantId, {
        instanceId,
        actor: 'u1',
        action: 'instance.created',
        details: { fields: ['url'] },
      });
      await audit.append(tenantId, { instanceId, actor: 'u1', action: 'run.started' });
      const entries = await audit.list(tenantId, { instanceId, limit: 10 });
      expect(entries.map((e) => e.action)).toEqual(['run.started', 'instance.created']);
    });
  });
}
