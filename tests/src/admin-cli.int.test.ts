import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createConnectorAuditRepository,
  createTenantRepository,
  createUserRepository,
  createUserRoleRepository,
  migrateToLatest,
  openDatabase,
  silentLogger,
  type DatabaseHandle,
} from '@vc/conference-core';

import { runAdminCommand } from '@vc/hub/testing';
import { adminQuery, databaseUrl } from './support/postgres-admin.js';
import { openTestDatabase, type Backend } from './support/sync-harness.js';

const run = promisify(execFile);

/**
 * The operator's recovery commands (`npm run admin`, issue 17) on both backends: list tenants and
 * administrators, enable an account, grant and revoke tenant administration, unlink and hand over
 * an identity; refusals exit 1 and change nothing, wrong arguments print the usage (exit 2).
 */
describe.each<Backend>(['pglite', 'postgres'])('operator recovery commands (%s)', (backend) => {
  let database: DatabaseHandle & { remove(): Promise<void> };
  let tenantId: string;
  const slug = `acme-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    const created = await createTenantRepository(database.db).create({ slug, name: 'Acme' });
    if (!created.ok) throw new Error('tenant not created');
    tenantId = created.tenant.id;
    const users = createUserRepository(database.db);
    for (const name of ['ada', 'bob']) {
      const user = await users.create(tenantId, { email: `${name}@acme.test`, displayName: name });
      if (!user.ok) throw new Error('user not created');
    }
    const ada = (await users.findByEmail(tenantId, 'ada@acme.test'))!;
    // Ada was locked out by a sync, and she held the token role at her last login.
    await database.db
      .updateTable('users')
      .set({ disabled_at: new Date(), deactivated_by: 'ucs:x' })
      .where('id', '=', ada.id)
      .execute();
    await createUserRoleRepository(database.db).grant(tenantId, ada.id, 'tenant-admin', 'token');
    await users.linkIdentity(tenantId, ada.id, 'ucs:x', 'entry-ada');
  });
  afterAll(async () => {
    await database.remove();
  });

  const admin = (...args: string[]) => runAdminCommand(database.db, args);
  const user = (email: string) => createUserRepository(database.db).findByEmail(tenantId, email);

  it('lists tenants and administrators with where each role comes from', async () => {
    const tenants = await admin('tenants');
    expect(tenants.exitCode).toBe(0);
    // Ada is an administrator, but disabled: the tenant has no active one.
    expect(tenants.output).toContain(`${slug}\t2\t0\tAcme`);
    expect((await admin('admins', slug)).output).toContain('ada@acme.test\tdisabled\ttoken');
  });

  it('enables a locked-out account and shows its identities and roles', async () => {
    expect(await admin('enable', slug, 'ada@acme.test')).toEqual({
      exitCode: 0,
      output: 'ada@acme.test is enabled',
    });
    expect(await user('ada@acme.test')).toMatchObject({ disabledAt: null });
    const shown = await admin('user', slug, 'ada@acme.test');
    expect(shown.output).toMatch(/^ada@acme.test \(ada\): enabled/);
    expect(shown.output).toContain('identity ucs:x entry-ada');
    expect(shown.output).toContain('role tenant-admin from token');
  });

  it('grants and revokes tenant administration, refusing to revoke what it did not grant', async () => {
    expect((await admin('grant-admin', slug, 'bob@acme.test')).exitCode).toBe(0);
    expect((await admin('admins', slug)).output).toContain('bob@acme.test\tenabled\toperator');
    expect((await admin('revoke-admin', slug, 'bob@acme.test')).exitCode).toBe(0);
    expect(await admin('revoke-admin', slug, 'ada@acme.test')).toMatchObject({ exitCode: 1 });
    const roles = await createUserRoleRepository(database.db).listHolders(tenantId, 'tenant-admin');
    expect(roles.map((r) => r.source)).toEqual(['token']);
  });

  it('hands an account over to a source and unlinks it, and audits every change', async () => {
    expect((await admin('hand-over', slug, 'ada@acme.test', 'ucs:x')).output).toBe(
      'ucs:x now owns ada@acme.test',
    );
    expect((await admin('user', slug, 'ada@acme.test')).output).toContain('entry-ada (owns the account)');
    expect((await admin('unlink', slug, 'ada@acme.test', 'ucs:x')).exitCode).toBe(0);
    expect(await admin('unlink', slug, 'ada@acme.test', 'ucs:x')).toMatchObject({ exitCode: 1 });
    const ada = (await user('ada@acme.test'))!;
    expect(await createUserRepository(database.db).listIdentities(tenantId, ada.id)).toEqual([]);
    const log = await createConnectorAuditRepository(database.db).list(tenantId, { limit: 20 });
    expect(log.map((e) => e.action).sort()).toEqual([
      'identity.handed_over',
      'identity.unlinked',
      'role.granted',
      'role.revoked',
      'user.enabled',
    ]);
    expect(log.every((e) => e.actor === 'operator')).toBe(true);
  });

  it('refuses unknown tenants and accounts, and prints the usage for wrong arguments', async () => {
    expect(await admin('enable', 'nope', 'ada@acme.test')).toMatchObject({ exitCode: 1 });
    expect(await admin('enable', slug, 'nobody@acme.test')).toMatchObject({ exitCode: 1 });
    expect(await admin('enable', slug)).toMatchObject({ exitCode: 2 });
    expect(await admin('explode', slug, 'ada@acme.test')).toMatchObject({ exitCode: 2 });
    expect((await admin()).output).toMatch(/^usage: npm run admin/);
  });
});

describe('npm run admin', () => {
  it('runs as its own process on the configured database and exits with the command’s code', async () => {
    const name = `vc_admin_${randomBytes(6).toString('hex')}`;
    await adminQuery(`create database ${name}`);
    try {
      const handle = await openDatabase({
        databaseUrl: databaseUrl(name),
        dataDir: tmpdir(),
        logger: silentLogger,
      });
      await migrateToLatest(handle.db, silentLogger);
      await handle.close();
      // The hub's own configuration, as on the host (cluster mode needs an issuer; the dev one will do).
      // node needs PATH and HOME (as auth-hub.int.test.ts passes them); nothing else leaks in.
      // eslint-disable-next-line no-restricted-properties
      const { PATH, HOME } = process.env;
      const env = { PATH, HOME, DATABASE_URL: databaseUrl(name), DEV_IDP: 'on', LOG_LEVEL: 'error' };
      const cli = ['hub/run.mjs', 'admin-cli'];
      const listed = await run('node', [...cli, 'tenants'], { env });
      expect(listed.stdout).toMatch(/^slug\tusers/);
      const wrong = await run('node', [...cli, 'explode'], { env }).catch((err: unknown) => err);
      expect(wrong).toMatchObject({ code: 2, stderr: expect.stringMatching(/^usage:/) as string });
    } finally {
      await adminQuery(`drop database if exists ${name} with (force)`);
    }
  }, 60_000);
});
