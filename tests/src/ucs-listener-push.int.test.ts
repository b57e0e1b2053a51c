import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sql } from 'kysely';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSyncRunRepository, silentLogger, type DatabaseHandle } from '@vc/conference-core';
import type { SyncBatch, UsersCapability } from '@vc/connector-sdk';
import { ucsConnector, ucsSettings } from '@vc/connector-ucs';

import { createConnectorRegistry, createPushPoller, type PushPoller } from '@vc/hub/testing';
import { startSlapd, type Slapd } from './support/slapd.js';
import {
  openTestDatabase,
  recordingLogger,
  secretBox,
  syncHarness,
  type Harness,
} from './support/sync-harness.js';
import { slapdSettings } from './support/ucs-harness.js';
import { userDn, userLdif } from './support/ucs-ldap/ucs-ldif.js';

/**
 * The push path end to end: the UCS App Center listener's change files in a real folder, the hub's
 * push poller noticing them, the real UCS connector turning them into upserts and deletes in an
 * incremental run of the real engine (against a private slapd for the run's LDAP part), and the
 * files removed only once the batch that held them was committed.
 */
describe('UCS listener files through the sync engine', () => {
  let slapd: Slapd;
  let database: DatabaseHandle & { remove(): Promise<void> };
  let h: Harness;
  let poller: PushPoller;
  let folder = '';
  let tenantId = '';
  let instanceId = '';
  const logs: string[] = [];
  const uuids = new Map<string, string>();
  let sequence = 0;

  const person = (uid: string, activated = true) =>
    userLdif(slapd.base, { uid, mail: `${uid}@ucs.test`, givenName: uid, sn: 'Push', activated });

  async function entryUuid(uid: string): Promise<string> {
    const client = new Client({ url: slapd.url });
    try {
      await client.bind(slapd.adminDn, slapd.adminPassword);
      const { searchEntries } = await client.search(userDn(slapd.base, uid), {
        scope: 'base',
        attributes: ['entryUUID'],
      });
      return String(searchEntries[0]!['entryUUID']);
    } finally {
      await client.unbind();
    }
  }

  /** A change file the way the App Center listener names and writes it (timestamped names). */
  function change(uid: string, object: Record<string, unknown> | null, type = 'users/user'): string {
    const name = `2026-11-26-10-00-00-${String(++sequence).padStart(6, '0')}.json`;
    writeFileSync(
      join(folder, name),
      JSON.stringify({ id: uuids.get(uid), dn: userDn(slapd.base, uid), udm_object_type: type, object }),
    );
    return name;
  }
  const props = (uid: string, activated: 'TRUE' | 'FALSE' = 'TRUE') => ({
    username: uid,
    mailPrimaryAddress: `${uid}@ucs.test`,
    firstname: uid,
    lastname: 'Push',
    vchubActivated: activated,
  });
  const files = () => readdirSync(folder).sort();
  const active = async () =>
    (
      await sql<{ email: string }>`select email from users where tenant_id = ${tenantId}
        and disabled_at is null order by email`.execute(database.db)
    ).rows.map((r) => r.email);

  async function pollAndRun(): Promise<Awaited<ReturnType<Harness['getRun']>>> {
    const [runId, ...more] = await poller.poll();
    expect(runId, 'the poller requested a run').toBeDefined();
    expect(more).toEqual([]);
    await h.engine.executeRun(tenantId, runId!, new AbortController().signal);
    return h.getRun(tenantId, runId!);
  }

  beforeAll(async () => {
    slapd = await startSlapd();
    database = await openTestDatabase('pglite');
    h = syncHarness(database.db, [ucsConnector], recordingLogger(logs));
    folder = mkdtempSync(join(tmpdir(), 'vc-listener-'));
    await slapd.add(['anna', 'ben', 'carl', 'dora'].map((u) => person(u)).join('\n\n'));
    for (const uid of ['anna', 'ben', 'carl', 'dora']) uuids.set(uid, await entryUuid(uid));
    tenantId = await h.newTenant();
    instanceId = await h.newInstance(tenantId, slapdSettings(slapd, { listenerFolder: folder, pageSize: 2 }));
    poller = createPushPoller({
      db: database.db,
      registry: createConnectorRegistry([ucsConnector]),
      secrets: secretBox,
      engine: h.engine,
      logger: silentLogger,
      pollMs: 0,
    });
  }, 60_000);
  afterAll(async () => {
    await poller?.stop();
    await h?.close();
    await database?.remove();
    await slapd?.dispose();
    rmSync(folder, { recursive: true, force: true });
  });

  it('starts no run while the folder holds nothing new', async () => {
    expect(await h.run(tenantId, instanceId, 'full')).toMatchObject({ state: 'completed', created: 4 });
    expect(await poller.poll()).toEqual([]);
  });

  it('applies new files as upserts and deletes in an incremental run the poller starts, skipping a broken one', async () => {
    // Ben's flag removed, Carl deleted in UCS, Eva created: what the listener reports.
    await slapd.modify(
      [
        `dn: ${userDn(slapd.base, 'ben')}`,
        'changetype: modify',
        'replace: vchubActivated',
        'vchubActivated: FALSE',
        '-',
      ].join('\n'),
    );
    await slapd.remove(userDn(slapd.base, 'carl'));
    await slapd.add(person('eva'));
    uuids.set('eva', await entryUuid('eva'));
    const written = [change('ben', props('ben', 'FALSE')), change('carl', null)];
    const broken = `2026-11-26-10-00-00-${String(++sequence).padStart(6, '0')}.json`;
    writeFileSync(join(folder, broken), '{broken');
    written.push(change('eva', props('eva')));

    const run = await pollAndRun();
    expect(run).toMatchObject({
      state: 'completed',
      mode: 'incremental',
      created: 1,
      deactivated: 2,
      skipped: 1,
    });
    expect(await active()).toEqual(['anna@ucs.test', 'dora@ucs.test', 'eva@ucs.test']);
    const skipped = await createSyncRunRepository(database.db).listSkipped(tenantId, run.id, 10);
    expect(skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/is not a JSON object/) as string]);
    // Applied, but removed only when a later run starts from the committed cursor.
    expect(files()).toEqual([...written.slice(0, 2), `${broken}.invalid`, written[2]].sort());
    expect((run.cursor as { listenerAfter: string }).listenerAfter).toBe(written[2]);
    expect(await poller.poll()).toEqual([]);
  });

  it('removes the applied files when the next run starts, and applies only what came after', async () => {
    const before = files().filter((f) => f.endsWith('.json'));
    // The admin ticks Ben's box again; the listener reports it (the run's LDAP read agrees).
    await slapd.modify(
      [
        `dn: ${userDn(slapd.base, 'ben')}`,
        'changetype: modify',
        'replace: vchubActivated',
        'vchubActivated: TRUE',
        '-',
      ].join('\n'),
    );
    const next = change('ben', props('ben'));
    const run = await pollAndRun();
    expect(run).toMatchObject({ state: 'completed', reactivated: 1 });
    for (const old of before) expect(existsSync(join(folder, old))).toBe(false);
    expect(files().filter((f) => f.endsWith('.json'))).toEqual([next]);
    expect(await active()).toContain('ben@ucs.test');
  });

  it('resumes after the last committed file when a run stops between batches, removing nothing unapplied', async () => {
    const users = ucsConnector.capabilities.users as UsersCapability<unknown>;
    const settings = ucsSettings.parse(slapdSettings(slapd, { listenerFolder: folder, pageSize: 2 }));
    const ctx = {
      settings,
      logger: silentLogger,
      fetch: globalThis.fetch,
      signal: new AbortController().signal,
      clock: { now: () => new Date() },
    };
    const start = await createSyncRunRepository(database.db).lastCompletedCursor(tenantId, instanceId);
    const names = [
      change('anna', props('anna')),
      change('dora', props('dora')),
      change('eva', props('eva', 'FALSE')),
    ];
    // The first batch (two files) is handed out, then the worker dies before the hub commits it.
    const first: SyncBatch[] = [];
    for await (const batch of users.sync(ctx, { mode: 'incremental', cursor: start })) {
      first.push(batch);
      break;
    }
    expect(first[0]!.upserts.map((u) => u.externalId)).toEqual([uuids.get('anna'), uuids.get('dora')]);
    for (const name of names) expect(existsSync(join(folder, name))).toBe(true);
    // Resumed from that batch's cursor (as if committed): the files up to it go, the rest is applied.
    const resumed: SyncBatch[] = [];
    for await (const batch of users.sync(ctx, { mode: 'incremental', cursor: first[0]!.cursor }))
      resumed.push(batch);
    expect(existsSync(join(folder, names[0]!))).toBe(false);
    expect(existsSync(join(folder, names[1]!))).toBe(false);
    expect(resumed[0]!.deletes).toEqual([{ type: 'user', externalId: uuids.get('eva') }]);
    expect(resumed.at(-1)!.cursor as { phase: string; listenerAfter: string }).toMatchObject({
      phase: 'done',
      listenerAfter: names[2],
    });
  });

  it('has a full run cover the files already written, so later runs neither re-apply nor keep them', async () => {
    const waiting = files().filter((f) => f.endsWith('.json'));
    expect(waiting.length).toBeGreaterThan(0);
    const run = await h.run(tenantId, instanceId, 'full');
    expect(run).toMatchObject({ state: 'completed' });
    expect((run.cursor as { listenerAfter: string }).listenerAfter).toBe(waiting.at(-1));
    expect(await poller.poll()).toEqual([]);
    const next = change('dora', props('dora'));
    const incremental = await pollAndRun();
    expect(incremental).toMatchObject({ state: 'completed' });
    expect(files().filter((f) => f.endsWith('.json'))).toEqual([next]);
  });
});
