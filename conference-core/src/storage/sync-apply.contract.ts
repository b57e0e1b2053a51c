import { beforeEach, describe, expect, it } from 'vitest';
import { createDirectorySync } from '../sync/directory-sync.js';
import { identitySource, type DirectoryBatch, type RunLease } from '../sync/directory-types.js';
import { createConnectorAuditRepository } from './connector-audit-repository.js';
import { createConnectorInstanceRepository } from './connector-instance-repository.js';
import { createGroupRepository } from './group-repository.js';
import { newTenant, newUser, token, type SchedulingContext } from './scheduling-fixtures.js';
import { createSyncRunRepository } from './sync-run-repository.js';
import { directoryUser } from './sync-storage.contract.js';
import { createUserRepository } from './user-repository.js';

const batch = (partial: Partial<DirectoryBatch>): DirectoryBatch => ({
  users: [],
  groups: [],
  deletes: [],
  skipped: [],
  cursor: null,
  ...partial,
});

const reasonOf = (skipped: readonly { externalId: string; reason: string }[], externalId: string) =>
  skipped.find((s) => s.externalId === externalId)?.reason;

/**
 * The set-based apply of one batch (`directory-apply.ts`, `directory-user-plan.ts`): records that
 * meet each other inside one batch (one address twice, one external id twice, a group and its
 * members) and batches mixing every kind of change, applied as the one-record-at-a-time rules say.
 */
export function describeSyncApplyContract({ db }: SchedulingContext): void {
  describe('directory sync: applying a batch', () => {
    let tenantId: string;
    let source: string;
    let mail: (name: string) => string;
    let instanceId: string;

    beforeEach(async () => {
      tenantId = await newTenant(db());
      const tag = token();
      mail = (name) => `${name}.${tag}@example.org`;
      const created = await createConnectorInstanceRepository(db()).create(tenantId, {
        connectorType: 'fake',
        name: `Directory ${tag}`,
        settings: {},
        secrets: {},
        guardShare: 1,
      });
      if (!created.ok) throw new Error('instance not created');
      instanceId = created.instance.id;
      source = identitySource('fake', instanceId);
    });

    async function startRun(mode: 'full' | 'incremental' = 'full'): Promise<RunLease> {
      const runs = createSyncRunRepository(db());
      const created = await runs.create(tenantId, {
        instanceId,
        mode,
        dryRun: false,
        trigger: 'manual',
        requestedBy: null,
      });
      if (!created.ok) throw new Error(`run not created: ${created.reason}`);
      const owner = `worker-${token()}`;
      await runs.claim(tenantId, created.run.id, owner, 30_000);
      return { tenantId, runId: created.run.id, owner };
    }

    /** Applies one batch in a run of its own and finishes the run (no deactivations: incremental). */
    async function applyOne(partial: Partial<DirectoryBatch>) {
      const lease = await startRun('incremental');
      const sync = createDirectorySync(db());
      const applied = await sync.applyBatch(lease, batch(partial));
      await sync.finishRun(lease, null);
      const skipped = await createSyncRunRepository(db()).listSkipped(tenantId, lease.runId, 100);
      return { applied, skipped: skipped.map((s) => ({ externalId: s.externalId, reason: s.reason })) };
    }

    const users = () => createUserRepository(db());

    it('creates the first of two new records sharing one address and skips the second with a reason', async () => {
      const { applied, skipped } = await applyOne({
        users: [
          directoryUser('first', mail('shared')),
          directoryUser('second', mail('shared').toUpperCase()),
          directoryUser('third', mail('shared'), { emailVerified: false }),
        ],
      });
      expect(applied).toEqual({
        ok: true,
        outcome: { created: 1, updated: 0, unchanged: 0, reactivated: 0, skipped: 2 },
      });
      expect(await users().findByIdentity(tenantId, source, 'first')).toMatchObject({
        email: mail('shared'),
      });
      expect(await users().findByIdentity(tenantId, source, 'second')).toBeUndefined();
      expect(skipped.map((s) => s.externalId).sort()).toEqual(['second', 'third']);
      expect(reasonOf(skipped, 'second')).toMatch(/already linked to another entry/);
      expect(reasonOf(skipped, 'third')).toMatch(/does not vouch/);
    });

    it('never links two entries of the directory to one existing user, even in one batch', async () => {
      const existing = await newUser(db(), tenantId, { email: mail('known') });
      const { applied, skipped } = await applyOne({
        users: [directoryUser('one', mail('known')), directoryUser('two', mail('known'))],
      });
      expect(applied).toMatchObject({ ok: true, outcome: { created: 0, updated: 1, skipped: 1 } });
      expect(await users().listIdentities(tenantId, existing.id)).toMatchObject([{ externalId: 'one' }]);
      expect(skipped.map((s) => s.externalId)).toEqual(['two']);
      expect(reasonOf(skipped, 'two')).toMatch(/already linked to another entry/);
    });

    it('leaves an existing user alone when the directory does not vouch for its address', async () => {
      const existing = await newUser(db(), tenantId, { email: mail('mine'), displayName: 'Mine' });
      const { applied, skipped } = await applyOne({
        users: [directoryUser('claim', mail('mine'), { emailVerified: false, displayName: 'Theirs' })],
      });
      expect(applied).toMatchObject({ ok: true, outcome: { created: 0, updated: 0, skipped: 1 } });
      expect(await users().findById(tenantId, existing.id)).toMatchObject({ displayName: 'Mine' });
      expect(await users().listIdentities(tenantId, existing.id)).toEqual([]);
      expect(skipped.map((s) => s.externalId)).toEqual(['claim']);
      expect(reasonOf(skipped, 'claim')).toMatch(/does not vouch/);
    });

    it('applies the last of two records with one external id', async () => {
      const { applied } = await applyOne({
        users: [
          directoryUser('twice', mail('old'), { displayName: 'Old' }),
          directoryUser('twice', mail('new'), { displayName: 'New' }),
        ],
      });
      expect(applied).toMatchObject({ ok: true, outcome: { created: 1, skipped: 0 } });
      expect(await users().findByIdentity(tenantId, source, 'twice')).toMatchObject({
        email: mail('new'),
        displayName: 'New',
      });
      expect(await users().findByEmail(tenantId, mail('old'))).toBeUndefined();
    });

    it('creates, updates, reactivates, links and leaves unchanged in one batch, and keeps an admin’s disable', async () => {
      await applyOne({
        users: ['same', 'changed', 'gone', 'held'].map((id) => directoryUser(id, mail(id))),
      });
      // 'gone' left the directory in a full run; an admin disabled 'held' by hand.
      const lease = await startRun('full');
      const sync = createDirectorySync(db());
      await sync.applyBatch(
        lease,
        batch({ users: ['same', 'changed', 'held'].map((id) => directoryUser(id, mail(id))) }),
      );
      await sync.finishRun(lease, null);
      const held = (await users().findByIdentity(tenantId, source, 'held'))!;
      await users().setDisabled(tenantId, held.id, new Date());
      const local = await newUser(db(), tenantId, { email: mail('local'), displayName: 'Local' });

      const { applied } = await applyOne({
        users: [
          directoryUser('same', mail('same')),
          directoryUser('changed', mail('changed'), { displayName: 'Changed', phone: '+49 1' }),
          directoryUser('gone', mail('gone')),
          directoryUser('held', mail('held')),
          directoryUser('fresh', mail('fresh'), { firstName: 'Fre', language: 'de' }),
          directoryUser('local', mail('local'), { displayName: 'From the directory' }),
        ],
      });
      expect(applied).toEqual({
        ok: true,
        outcome: { created: 1, updated: 2, unchanged: 2, reactivated: 1, skipped: 0 },
      });
      expect(await users().findByIdentity(tenantId, source, 'changed')).toMatchObject({
        displayName: 'Changed',
        phone: '+49 1',
      });
      expect((await users().findByIdentity(tenantId, source, 'gone'))?.disabledAt).toBeNull();
      expect((await users().findByIdentity(tenantId, source, 'held'))?.disabledAt).toBeInstanceOf(Date);
      expect(await users().findByIdentity(tenantId, source, 'fresh')).toMatchObject({
        givenName: 'Fre',
        language: 'de',
      });
      // Linked, never overwritten: the account existed before the directory (decision 0026).
      expect(await users().findByIdentity(tenantId, source, 'local')).toMatchObject({
        id: local.id,
        displayName: 'Local',
      });
    });

    it('moves an address between users in record order, and never takes one another user holds', async () => {
      await applyOne({ users: [directoryUser('a', mail('a')), directoryUser('b', mail('b'))] });
      const other = await newUser(db(), tenantId, { email: mail('other') });
      const { applied, skipped } = await applyOne({
        users: [
          // 'a' gives up its address, which the new 'c' after it may then take.
          directoryUser('a', mail('a2')),
          directoryUser('c', mail('a')),
          // 'b' asks for an address a user outside the directory holds: its profile stays.
          directoryUser('b', mail('other'), { displayName: 'Not applied' }),
        ],
      });
      expect(applied).toMatchObject({ ok: true, outcome: { created: 1, updated: 1, skipped: 1 } });
      expect(await users().findByIdentity(tenantId, source, 'a')).toMatchObject({ email: mail('a2') });
      expect(await users().findByIdentity(tenantId, source, 'c')).toMatchObject({ email: mail('a') });
      expect(await users().findByIdentity(tenantId, source, 'b')).toMatchObject({ email: mail('b') });
      expect(await users().listIdentities(tenantId, other.id)).toEqual([]);
      expect(skipped.map((s) => s.externalId)).toEqual(['b']);
      expect(reasonOf(skipped, 'b')).toMatch(/already belongs to another user/);
    });

    /** A full run listing exactly these records; it completes (guard share 1), deactivating who is missing. */
    async function fullRun(records: ReturnType<typeof directoryUser>[]) {
      const lease = await startRun('full');
      const sync = createDirectorySync(db());
      await sync.applyBatch(lease, batch({ users: records }));
      const finished = await sync.finishRun(lease, null);
      const run = await createSyncRunRepository(db()).findById(tenantId, lease.runId);
      return { finished, report: run?.report };
    }

    it('settles a swap of two addresses and a cycle of three in one batch', async () => {
      await applyOne({ users: ['a', 'b', 'c', 'd', 'e'].map((id) => directoryUser(id, mail(id))) });
      const { applied, skipped } = await applyOne({
        users: [
          directoryUser('a', mail('b')),
          directoryUser('b', mail('a')),
          directoryUser('c', mail('d')),
          directoryUser('d', mail('e')),
          directoryUser('e', mail('c')),
        ],
      });
      expect(skipped).toEqual([]);
      expect(applied).toMatchObject({ ok: true, outcome: { updated: 5, skipped: 0 } });
      for (const [id, now] of [
        ['a', 'b'],
        ['b', 'a'],
        ['c', 'd'],
        ['d', 'e'],
        ['e', 'c'],
      ] as const) {
        expect(await users().findByIdentity(tenantId, source, id)).toMatchObject({ email: mail(now) });
      }
    });

    it('never overwrites, and on leaving only unlinks, an account that existed before the directory', async () => {
      const admin = await newUser(db(), tenantId, {
        email: mail('admin'),
        displayName: 'Ada Admin',
        givenName: 'Ada',
        language: 'de',
        phone: '+49 30 1',
      });
      await applyOne({ users: [directoryUser('takeover', mail('admin'), { displayName: 'Mallory' })] });
      expect(await users().findById(tenantId, admin.id)).toMatchObject({
        displayName: 'Ada Admin',
        givenName: 'Ada',
        language: 'de',
        phone: '+49 30 1',
      });
      expect(await users().listIdentities(tenantId, admin.id)).toMatchObject([{ externalId: 'takeover' }]);

      const { finished, report } = await fullRun([]);
      expect(finished).toEqual({ ok: true, state: 'completed', deactivations: 0 });
      expect((await users().findById(tenantId, admin.id))?.disabledAt).toBeNull();
      expect(await users().listIdentities(tenantId, admin.id)).toEqual([]);
      expect(report).toMatchObject({ unlinked: { count: 1, sample: [mail('admin')] } });
      const audit = await createConnectorAuditRepository(db()).list(tenantId, { instanceId, limit: 10 });
      expect(audit.map((e) => e.action)).toContain('identity.unlinked');
    });

    it('never disables the last active tenant administrator, even one the directory created', async () => {
      await applyOne({ users: [directoryUser('boss', mail('boss')), directoryUser('staff', mail('staff'))] });
      const boss = (await users().findByIdentity(tenantId, source, 'boss'))!;
      await db()
        .insertInto('user_roles')
        .values({ tenant_id: tenantId, user_id: boss.id, role: 'tenant-admin', source: 'token' })
        .execute();
      const { finished, report } = await fullRun([]);
      expect(finished).toEqual({ ok: true, state: 'completed', deactivations: 1 });
      expect((await users().findById(tenantId, boss.id))?.disabledAt).toBeNull();
      expect((await users().findByIdentity(tenantId, source, 'staff'))?.disabledAt).toBeInstanceOf(Date);
      expect(report).toMatchObject({
        kept: { reason: 'last active tenant administrator', emails: [mail('boss')] },
      });

      // With another active administrator, the directory's own administrator goes like anyone.
      const other = await newUser(db(), tenantId, { email: mail('other-admin') });
      await db()
        .insertInto('user_roles')
        .values({ tenant_id: tenantId, user_id: other.id, role: 'tenant-admin', source: 'operator' })
        .execute();
      expect((await fullRun([])).finished).toEqual({ ok: true, state: 'completed', deactivations: 1 });
      expect((await users().findById(tenantId, boss.id))?.disabledAt).toBeInstanceOf(Date);
    });

    it('releases the address of a deactivated duplicate to the entry that carries it now', async () => {
      await applyOne({ users: [directoryUser('first', mail('dup')), directoryUser('second', mail('dup'))] });
      // The admin fixes the duplicate by deactivating 'first': the next run gives 'second' the address.
      await fullRun([directoryUser('second', mail('dup'))]);
      const first = await users().findByIdentity(tenantId, source, 'first');
      expect(first?.disabledAt).toBeInstanceOf(Date);
      const { applied, skipped } = await applyOne({ users: [directoryUser('second', mail('dup'))] });
      expect(skipped).toEqual([]);
      expect(applied).toMatchObject({ ok: true, outcome: { created: 1 } });
      expect(await users().findByIdentity(tenantId, source, 'second')).toMatchObject({ email: mail('dup') });
      expect((await users().findById(tenantId, first!.id))?.email).toBe(`${first!.id}@released.invalid`);
    });

    it('names a deactivated holder in the reason when an address stays refused', async () => {
      await applyOne({ users: [directoryUser('held', mail('held'))] });
      const held = (await users().findByIdentity(tenantId, source, 'held'))!;
      await users().setDisabled(tenantId, held.id, new Date());
      const local = await newUser(db(), tenantId, { email: mail('local') });
      await users().setDisabled(tenantId, local.id, new Date());
      const { skipped } = await applyOne({
        users: [
          directoryUser('other', mail('held')),
          directoryUser('local', mail('local'), { emailVerified: false }),
        ],
      });
      expect(reasonOf(skipped, 'other')).toMatch(
        /whose user is deactivated \(disabled by an administrator on/,
      );
      expect(reasonOf(skipped, 'local')).toMatch(
        /belongs to a deactivated user \(disabled by an administrator on/,
      );
    });

    it('gives a group the members created in the same batch', async () => {
      const name = `Team ${token()}`;
      const { applied } = await applyOne({
        users: [directoryUser('m1', mail('m1')), directoryUser('m2', mail('m2'))],
        groups: [{ externalId: 'team', name, memberExternalIds: ['m1', 'm2', 'm1', 'nobody'] }],
      });
      expect(applied).toMatchObject({ ok: true, outcome: { created: 3, skipped: 0 } });
      const group = await createGroupRepository(db()).upsert(tenantId, { name, source, externalId: 'team' });
      if (!group.ok) throw new Error('group missing');
      const members = await createGroupRepository(db()).listMembers(tenantId, group.group.id);
      const expected = await Promise.all(
        ['m1', 'm2'].map(async (id) => (await users().findByIdentity(tenantId, source, id))!.id),
      );
      expect(members).toEqual(expected.sort());
    });
  });
}
