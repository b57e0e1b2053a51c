import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createSyncRunRepository,
  createUserRepository,
  createUserRoleRepository,
  type DatabaseHandle,
} from '@vc/conference-core';
import { identitySource } from '@vc/conference-core';
import { ucsConnector } from '@vc/connector-ucs';

import { startSlapd, type Slapd } from './support/slapd.js';
import { openTestDatabase, recordingLogger, syncHarness, type Harness } from './support/sync-harness.js';
import { slapdSettings } from './support/ucs-harness.js';
import { userDn, userLdif, type LdifUser } from './support/ucs-ldap/ucs-ldif.js';

/**
 * The identity faults of issue 17 as regressions, with the real UCS connector reading a private
 * slapd and the real sync engine on both storage backends: a directory entry can neither take over
 * nor lock out a local administrator; addresses swapped (two, or three in a cycle) settle in one
 * run; a fixed duplicate gets its address; skips name the entry's DN; a dry run says how much of
 * its list it does not show.
 */
const backends = ['pglite', 'postgres'] as const;
const baseOf = (backend: string) => `dc=${backend === 'pglite' ? 'l' : 'p'}rules,dc=test`;

const person = (uid: string, over: Partial<LdifUser> = {}): LdifUser => ({
  uid,
  mail: `${uid}@rules.test`,
  givenName: uid,
  sn: 'Tester',
  activated: true,
  ...over,
});

let slapd: Slapd;
beforeAll(async () => {
  slapd = await startSlapd({ suffixes: backends.map(baseOf) });
});
afterAll(async () => {
  await slapd.dispose();
});

describe.each(backends)('UCS identity rules (%s)', (backend) => {
  const base = baseOf(backend);
  let database: DatabaseHandle & { remove(): Promise<void> };
  let h: Harness;
  let tenantId: string;
  let instanceId: string;
  let source: string;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    h = syncHarness(database.db, [ucsConnector], recordingLogger([]));
    tenantId = await h.newTenant();
    instanceId = await h.newInstance(tenantId, slapdSettings(slapd, { baseDn: base, pageSize: 4 }));
    source = identitySource('ucs', instanceId);
  });
  afterAll(async () => {
    await h.close();
    await database.remove();
  });

  const users = () => createUserRepository(database.db);
  const modify = (uid: string, attribute: string, value: string) =>
    slapd.modify(
      [
        `dn: ${userDn(base, uid)}`,
        'changetype: modify',
        `replace: ${attribute}`,
        `${attribute}: ${value}`,
      ].join('\n'),
    );
  const emailOf = async (uid: string) => {
    const { rows } = await sql<{ email: string }>`
      select u.email from users u join user_identities i on i.tenant_id = u.tenant_id and i.user_id = u.id
      where i.tenant_id = ${tenantId} and i.source = ${source}
        and exists (select 1 from users x where x.id = u.id and u.given_name = ${uid})`.execute(database.db);
    return rows[0]?.email;
  };
  const skipsOf = (runId: string) => createSyncRunRepository(database.db).listSkipped(tenantId, runId, 100);

  it('links the entry carrying a local administrator’s address without changing her, and only unlinks her when it leaves', async () => {
    const created = await users().create(tenantId, {
      email: 'boss@rules.test',
      displayName: 'Bea Boss',
      givenName: 'Bea',
      language: 'de',
      phone: '+49 30 1',
    });
    if (!created.ok) throw new Error('admin not created');
    const boss = created.user;
    await createUserRoleRepository(database.db).grant(tenantId, boss.id, 'tenant-admin', 'token');
    await slapd.add(userLdif(base, person('mallory', { mail: 'boss@rules.test', displayName: 'Mallory' })));

    expect(await h.run(tenantId, instanceId, 'full')).toMatchObject({ state: 'completed', updated: 1 });
    expect(await users().findById(tenantId, boss.id)).toMatchObject({
      displayName: 'Bea Boss',
      givenName: 'Bea',
      language: 'de',
      phone: '+49 30 1',
      disabledAt: null,
    });
    expect(await users().listIdentities(tenantId, boss.id)).toHaveLength(1);

    await modify('mallory', 'vchubActivated', 'FALSE');
    const run = await h.run(tenantId, instanceId, 'full');
    expect(run).toMatchObject({ state: 'completed', deactivated: 0, report: { unlinked: { count: 1 } } });
    expect((await users().findById(tenantId, boss.id))?.disabledAt).toBeNull();
    expect(await users().listIdentities(tenantId, boss.id)).toEqual([]);
  });

  it('settles two entries swapping addresses and three in a cycle in one run', async () => {
    await slapd.add(['s1', 's2', 'c1', 'c2', 'c3'].map((uid) => userLdif(base, person(uid))).join('\n\n'));
    await h.run(tenantId, instanceId, 'full');
    const swaps: [string, string][] = [
      ['s1', 's2'],
      ['s2', 's1'],
      ['c1', 'c2'],
      ['c2', 'c3'],
      ['c3', 'c1'],
    ];
    for (const [uid, to] of swaps) await modify(uid, 'mailPrimaryAddress', `${to}@rules.test`);
    const run = await h.run(tenantId, instanceId, 'incremental');
    expect(run).toMatchObject({ state: 'completed', skipped: 0, updated: 5 });
    for (const [uid, to] of swaps) expect(await emailOf(uid)).toBe(`${to}@rules.test`);
  });

  it('names the entry by its DN in every skip, and a deactivated holder in the reason', async () => {
    await slapd.add(
      [
        userLdif(base, person('dup1', { mail: 'dup@rules.test' })),
        userLdif(base, person('dup2', { mail: 'dup@rules.test' })),
        userLdif(base, person('nomail', { mail: null })),
      ].join('\n\n'),
    );
    const run = await h.run(tenantId, instanceId, 'full');
    const skipped = await skipsOf(run.id);
    const labels = skipped.map((s) => s.label).sort();
    expect(labels).toEqual([userDn(base, 'dup2'), userDn(base, 'nomail')]);
    // The connector itself refuses the second entry of one address in a run, naming the first by DN.
    expect(skipped.find((s) => s.label === userDn(base, 'dup2'))?.reason).toBe(
      `duplicate mailPrimaryAddress dup@rules.test, also used by ${userDn(base, 'dup1')}`,
    );
  });

  it('gives the address of a deactivated duplicate to the entry that carries it now', async () => {
    // The admin fixes the duplicate by taking the app away from dup1: dup1 is deactivated ...
    await modify('dup1', 'vchubActivated', 'FALSE');
    expect(await h.run(tenantId, instanceId, 'full')).toMatchObject({ deactivated: 1 });
    // ... and the next run gives dup2 the address, not a refusal for the whole retention period.
    const run = await h.run(tenantId, instanceId, 'incremental');
    // (The entry without mail, read again within the incremental overlap, is still skipped.)
    expect((await skipsOf(run.id)).map((s) => s.label)).toEqual([userDn(base, 'nomail')]);
    expect(await emailOf('dup2')).toBe('dup@rules.test');
  });

  it('says in a dry run how many changes its lists do not show', async () => {
    await slapd.add(
      Array.from({ length: 23 }, (_, i) => userLdif(base, person(`many${String(i).padStart(2, '0')}`))).join(
        '\n\n',
      ),
    );
    const run = await h.run(tenantId, instanceId, 'full', true);
    expect(run).toMatchObject({ state: 'completed', dryRun: true, created: 23 });
    expect(run.report).toMatchObject({ not_shown: { create: 3 } });
    expect((run.report as { create: unknown[] }).create).toHaveLength(20);
  });
});
