import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { devTokenClient, readTokenCliSecret } from '@vc/hub/testing';
import { startHubProcess, waitForStatus, type HubProcess } from './support/hub-process.js';
import { adminQuery, databaseUrl } from './support/postgres-admin.js';
import { startSlapd, type Slapd } from './support/slapd.js';
import { userLdif } from './support/ucs-ldap/ucs-ldif.js';

/**
 * A hub process killed with SIGKILL in the middle of a full sync of a few thousand users from the
 * private slapd: the next hub on the same DATA_DIR and database takes the stale run over, resumes
 * it after its last committed batch (no batch is applied twice, no user read twice), completes
 * it, and the partial read deactivated nobody. The connector comes from a connector file, as on UCS.
 */
const users = 3000;
const pageSize = 50;

interface RunRow {
  id: string;
  state: string;
  batches: number;
  cursor: { after: string | null; phase: string; within: { count: number; digest: string } | null } | null;
  created: number;
  unchanged: number;
  seen: number;
  deactivated: number;
}

describe('a full UCS sync survives a killed hub process', () => {
  let slapd: Slapd;
  let dir = '';
  let dbName = '';
  let db: pg.Client;
  const hubs: HubProcess[] = [];

  const env = () => ({
    DATA_DIR: join(dir, 'hub'),
    DATABASE_URL: databaseUrl(dbName),
    DEV_IDP: 'on',
    UCS_CONNECTOR_FILE: join(dir, 'ucs-connector.json'),
    UCS_CONNECTOR_FILE_POLL_MS: '0',
    // Short, so the second hub takes the dead worker's run over within seconds.
    SYNC_LEASE_MS: '3000',
    SYNC_PUSH_POLL_MS: '0',
    LOG_LEVEL: 'info',
    SHUTDOWN_TIMEOUT_MS: '3000',
  });
  const start = async (): Promise<HubProcess> => {
    const hub = await startHubProcess(env());
    hubs.push(hub);
    await waitForStatus(`${hub.url}/readyz`, 200, 60_000);
    return hub;
  };
  const run = async (id: string): Promise<RunRow> =>
    (
      await db.query<RunRow>(
        `select id, state, batches, cursor, created, unchanged, seen, deactivated from sync_runs where id = $1`,
        [id],
      )
    ).rows[0]!;
  const count = async (query: string) => Number((await db.query<{ n: string }>(query)).rows[0]!.n);
  const disabledUsers = () => count(`select count(*) as n from users where disabled_at is not null`);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vc-ucs-crash-'));
    const stamp = '20260101000000Z';
    const entries: string[] = [];
    for (let i = 0; i < users; i++) {
      const uid = `crash${String(i).padStart(5, '0')}`;
      const entry = userLdif('dc=ucs,dc=test', {
        uid,
        mail: `${uid}@ucs.test`,
        sn: `S${i}`,
        activated: true,
      });
      entries.push(
        `${entry}\nentryUUID: ${randomUUID()}\ncreateTimestamp: ${stamp}\nmodifyTimestamp: ${stamp}`,
      );
    }
    const ldif = join(dir, 'users.ldif');
    writeFileSync(ldif, entries.join('\n\n') + '\n');
    slapd = await startSlapd({ bulkLdif: ldif, sizeLimit: pageSize });
    mkdirSync(join(dir, 'secrets'));
    writeFileSync(join(dir, 'secrets', 'ldap.secret'), slapd.hubPassword);
    writeFileSync(
      join(dir, 'ucs-connector.json'),
      JSON.stringify({
        connector: 'ucs',
        name: 'UCS',
        settings: {
          url: slapd.url,
          startTls: false,
          bindDn: slapd.hubDn,
          baseDn: slapd.base,
          activationAttribute: 'vchubActivated',
          pageSize,
        },
        secretFiles: { bindPassword: 'secrets/ldap.secret' },
        // No scheduled runs: the test starts the one full run it kills.
        incrementalEveryMinutes: null,
        fullCron: null,
      }),
    );
    dbName = `vc_crash_${randomBytes(6).toString('hex')}`;
    await adminQuery(`create database ${dbName}`);
    db = new pg.Client({ connectionString: databaseUrl(dbName) });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(hubs.map((h) => h.stop('SIGKILL')));
    await db?.end();
    if (dbName !== '') await adminQuery(`drop database if exists ${dbName} with (force)`);
    await slapd?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes from the committed cursor after SIGKILL, completes, and deactivates nobody', async () => {
    const first = await start();
    const connectorId = await (async () => {
      for (let i = 0; i < 200; i++) {
        const rows = (await db.query<{ id: string }>(`select id from connector_instances`)).rows;
        if (rows[0] !== undefined) return rows[0].id;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`the connector file was not applied:\n${first.output()}`);
    })();
    const secret = readTokenCliSecret(join(dir, 'hub'));
    const token = (await devTokenClient(`${first.url}/idp/realms/vc`, secret!).token('alice')).access_token;
    const response = await fetch(`${first.url}/v1/admin/connectors/${connectorId}/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'full' }),
    });
    expect(response.status, await response.clone().text()).toBe(202);
    const { id: runId } = (await response.json()) as { id: string };

    // Kill it once a few batches are committed, well before the end (60 user batches).
    for (let i = 0; ; i++) {
      const row = await run(runId);
      if (row.batches >= 5) break;
      if (row.state !== 'queued' && row.state !== 'running') throw new Error(`run ended early: ${row.state}`);
      if (i > 1200) throw new Error(`the run made no progress:\n${first.output()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(await first.stop('SIGKILL')).toBe('SIGKILL');
    const atKill = await run(runId);
    expect(atKill.state).toBe('running');
    expect(atKill.batches).toBeLessThan(users / pageSize);
    // One slice, streamed: the cursor counts what was handed out in it (and digests their ids).
    expect(atKill.cursor?.within?.count).toBe(atKill.created);
    expect(atKill.created).toBe(atKill.batches * pageSize);
    expect(await disabledUsers()).toBe(0);

    const second = await start();
    await second.waitForOutput(/"resumed":true/, 30_000);
    // The connector skips exactly the entries the committed batches held.
    await second.waitForOutput(new RegExp(`"resumeWithin":\\{[^}]*"count":${atKill.created},`), 30_000);
    let done: RunRow | undefined;
    for (let i = 0; i < 2400 && done === undefined; i++) {
      const row = await run(runId);
      if (!['queued', 'running'].includes(row.state)) done = row;
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(done, `the resumed run did not finish:\n${second.output()}`).toBeDefined();
    // Every user created exactly once and none re-read: a restart from scratch would count the
    // already applied ones again as unchanged and take more batches.
    expect(done).toMatchObject({
      state: 'completed',
      created: users,
      unchanged: 0,
      seen: users,
      deactivated: 0,
      batches: users / pageSize + 1,
    });
    expect(await count(`select count(*) as n from users`)).toBeGreaterThanOrEqual(users);
    expect(await disabledUsers()).toBe(0);
    expect(await second.stop('SIGTERM')).toBe(0);
  }, 240_000);
});
