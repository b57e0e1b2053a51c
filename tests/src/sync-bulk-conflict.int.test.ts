import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createDirectorySync,
  createSyncRunRepository,
  identitySource,
  type DatabaseHandle,
  silentLogger,
  type DirectoryUser,
} from '@vc/conference-core';

import { fakeConnector, fakeDirectory } from '@vc/hub/testing';
import { databaseUrl } from './support/postgres-admin.js';
import { openTestDatabase, syncHarness, type Harness } from './support/sync-harness.js';

/**
 * The bulk path of decision 0028 against a real concurrent writer (PostgreSQL only: PGlite has one
 * session). New users are copied in without conflict handling; when another transaction takes
 * one of their addresses after the batch was read, the copy fails, the batch is applied again on
 * the careful path, and that record is skipped with its reason while the others are created.
 */
describe('bulk directory apply (postgres)', () => {
  let database: DatabaseHandle & { remove(): Promise<void> };
  let h: Harness;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    h = syncHarness(database.db, [fakeConnector({ bulk: fakeDirectory('pw') })], silentLogger);
  });
  afterAll(async () => {
    await h?.close();
    await database?.remove();
  });

  const user = (i: number): DirectoryUser => ({
    externalId: `bulk-u${i}`,
    email: `u${i}@bulk.test`,
    emailVerified: false,
    username: `u${i}`,
    firstName: null,
    lastName: null,
    displayName: `User ${i}`,
    language: null,
    phone: null,
    label: null,
  });

  /** A full run of a new tenant's fake directory, requested and claimed by 'bulk-test'. */
  const claimedRun = async () => {
    const tenantId = await h.newTenant();
    const instanceId = await h.newInstance(tenantId, { directory: 'bulk', password: 'pw' });
    const requested = await h.engine.requestRun(tenantId, instanceId, {
      mode: 'full',
      dryRun: false,
      trigger: 'manual',
      actor: null,
    });
    if (!requested.ok) throw new Error('not requested');
    const runId = requested.run.id;
    const claimed = await createSyncRunRepository(database.db).claim(tenantId, runId, 'bulk-test', 60_000);
    expect(claimed).toBeDefined();
    return { tenantId, instanceId, runId };
  };

  it('turns an address a concurrent writer took after the read into a skip, and creates the rest', async () => {
    const { tenantId, instanceId, runId } = await claimedRun();

    // Another session inserts u2's address and holds its transaction open: the batch's read
    // cannot see the row, and its copy waits on the unique index until that transaction commits.
    const current = await sql<{ name: string }>`select current_database() as name`.execute(database.db);
    const writer = new pg.Client({ connectionString: databaseUrl(current.rows[0]!.name) });
    await writer.connect();
    try {
      await writer.query('begin');
      await writer.query(
        `insert into users (tenant_id, email, display_name) values ($1, 'u2@bulk.test', 'Someone else')`,
        [tenantId],
      );
      const applying = createDirectorySync(database.db).applyBatch(
        { tenantId, runId, owner: 'bulk-test' },
        { users: [user(1), user(2), user(3)], groups: [], deletes: [], skipped: [], cursor: { page: 1 } },
      );
      // The copy is now blocked on the other session's row (or about to be): let it go through.
      await waitForLockWait(writer);
      await writer.query('commit');
      const applied = await applying;
      expect(applied).toEqual({
        ok: true,
        outcome: { created: 2, updated: 0, unchanged: 0, reactivated: 0, skipped: 1 },
      });
    } finally {
      await writer.end();
    }
    const { rows } = await sql<{ external_id: string }>`
      select external_id from user_identities where tenant_id = ${tenantId}
        and source = ${identitySource('fake', instanceId)} order by external_id`.execute(database.db);
    expect(rows.map((r) => r.external_id)).toEqual(['bulk-u1', 'bulk-u3']);
    const skipped = await sql<{ external_id: string; reason: string }>`
      select external_id, reason from sync_run_skipped where run_id = ${runId}`.execute(database.db);
    expect(skipped.rows.map((r) => r.external_id)).toEqual(['bulk-u2']);
    expect(skipped.rows[0]?.reason).toContain('u2@bulk.test already belongs to another user');
  });

  it('skips the reads on an empty tenant, and a record handed out again falls back to them', async () => {
    const { tenantId, runId } = await claimedRun();
    const lease = { tenantId, runId, owner: 'bulk-test' };
    const directory = createDirectorySync(database.db);
    const batch = (users: DirectoryUser[], page: number) => ({
      users,
      groups: [],
      deletes: [],
      skipped: [],
      cursor: { page },
    });
    // The first batch finds the tenant empty and copies without reading.
    expect(await directory.applyBatch(lease, batch([user(10), user(11)], 1))).toEqual({
      ok: true,
      outcome: { created: 2, updated: 0, unchanged: 0, reactivated: 0, skipped: 0 },
    });
    // u11 again (an entry handed out twice): the copy meets its identity, the batch is read.
    expect(await directory.applyBatch(lease, batch([user(11), user(12)], 2))).toEqual({
      ok: true,
      outcome: { created: 1, updated: 0, unchanged: 1, reactivated: 0, skipped: 0 },
    });
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from users where tenant_id = ${tenantId}`.execute(database.db);
    expect(rows[0]!.n).toBe(3);
  });
});

/** Resolves once some other session waits for a lock this session holds (the blocked copy). */
async function waitForLockWait(holder: pg.Client): Promise<void> {
  const { rows } = await holder.query<{ pid: number }>('select pg_backend_pid() as pid');
  const pid = rows[0]!.pid;
  for (let i = 0; i < 400; i++) {
    const blocked = await holder.query(
      `select 1 from pg_stat_activity where $1 = any(pg_blocking_pids(pid)) limit 1`,
      [pid],
    );
    if (blocked.rowCount !== null && blocked.rowCount > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the batch never waited on the concurrent insert');
}
