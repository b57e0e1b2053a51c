import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sql } from 'kysely';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createUserRepository, silentLogger, type DatabaseHandle } from '@vc/conference-core';
import { identitySource } from '@vc/conference-core';
import type { ConnectorDefinition } from '@vc/connector-sdk';
import { ucsConnector } from '@vc/connector-ucs';

import { parseConfig, startHub, type RunningHub } from '@vc/hub/testing';
import { waitForStatus } from './support/hub-process.js';
import { startKeycloakIssuer, type KeycloakIssuer } from './support/keycloak-issuer.js';
import { startSlapd, type Slapd } from './support/slapd.js';
import {
  openTestDatabase,
  recordingLogger,
  syncHarness,
  type Backend,
  type Harness,
} from './support/sync-harness.js';
import { slapdSettings } from './support/ucs-harness.js';
import { groupLdif, userDn, userLdif, type LdifUser } from './support/ucs-ldap/ucs-ldif.js';

/**
 * End to end: the real UCS connector reads a private slapd (UCS-like schema), the real sync engine
 * writes the core's users and groups. Only the run's timing hook (stopping slapd after a batch) is
 * added by the test; nothing is faked.
 */
const backends = ['pglite', 'postgres'] as const;
/** Each backend's story has its own directories (suffixes), as it changes them as it goes. */
const suffixesOf = (backend: Backend) => {
  const p = backend === 'pglite' ? 'l' : 'p';
  return { main: `dc=${p}ucs,dc=test`, guard: `dc=${p}guard,dc=test`, other: `dc=${p}other,dc=test` };
};
const login = 'dc=login,dc=test';

const person = (uid: string, over: Partial<LdifUser> = {}): LdifUser => ({
  uid,
  mail: `${uid}@ucs.test`,
  givenName: uid[0]!.toUpperCase() + uid.slice(1),
  sn: 'Tester',
  activated: true,
  ...over,
});

let slapd: Slapd;
beforeAll(async () => {
  slapd = await startSlapd({
    suffixes: [...backends.flatMap((b) => Object.values(suffixesOf(b))), login],
  });
});
afterAll(async () => {
  await slapd.dispose();
});

/** The entryUUID slapd gave an entry: the connector's external id. */
async function entryUuid(base: string, uid: string): Promise<string> {
  const client = new Client({ url: slapd.url });
  try {
    await client.bind(`cn=admin,${base}`, slapd.adminPassword);
    const { searchEntries } = await client.search(userDn(base, uid), {
      scope: 'base',
      attributes: ['entryUUID'],
    });
    return String(searchEntries[0]!['entryUUID']);
  } finally {
    await client.unbind();
  }
}

const flag = (base: string, uid: string, value: boolean) =>
  slapd.modify(
    [
      `dn: ${userDn(base, uid)}`,
      'changetype: modify',
      'replace: vchubActivated',
      `vchubActivated: ${value ? 'TRUE' : 'FALSE'}`,
    ].join('\n'),
  );

/** Stops slapd after the first batch the connector yields, for the fault test. */
function stoppingAfterFirstBatch(onFirst: () => Promise<void>): ConnectorDefinition {
  const users = ucsConnector.capabilities.users!;
  const wrapped: typeof ucsConnector = {
    ...ucsConnector,
    capabilities: {
      users: {
        ...users,
        async *sync(ctx, request) {
          let n = 0;
          for await (const batch of users.sync(ctx, request)) {
            yield batch;
            if (n++ === 0) await onFirst();
          }
        },
      },
    },
  };
  return wrapped;
}

describe.each(backends)('UCS directory through the sync engine into the core (%s)', (backend) => {
  const { main, guard, other } = suffixesOf(backend);
  let database: DatabaseHandle & { remove(): Promise<void> };
  let h: Harness;
  const logs: string[] = [];
  let tenantId: string;
  let instanceId: string;
  let source: string;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    h = syncHarness(database.db, [ucsConnector], recordingLogger(logs));
    await slapd.add(
      [
        userLdif(main, person('anna', { displayName: 'Anna A.' })),
        userLdif(main, person('ben')),
        userLdif(main, person('carl', { activated: false })),
        userLdif(main, person('dora')),
        groupLdif(main, { cn: 'Staff', memberUids: ['anna', 'ben', 'carl'] }),
      ].join('\n\n'),
    );
    tenantId = await h.newTenant();
    instanceId = await h.newInstance(tenantId, slapdSettings(slapd, { baseDn: main, pageSize: 2 }));
    source = identitySource('ucs', instanceId);
  });
  afterAll(async () => {
    await h.close();
    await database.remove();
  });

  const users = () => createUserRepository(database.db);
  const byUid = async (base: string, uid: string, tenant = tenantId, src = source) =>
    users().findByIdentity(tenant, src, await entryUuid(base, uid));
  const linked = async (tenant: string, src: string) => {
    const { rows } = await sql<{ email: string; disabled: boolean }>`
      select u.email, u.disabled_at is not null as disabled from user_identities i
      join users u on u.tenant_id = i.tenant_id and u.id = i.user_id
      where i.tenant_id = ${tenant} and i.source = ${src} order by u.email`.execute(database.db);
    return rows;
  };
  const members = async () =>
    (
      await sql<{ name: string; email: string }>`
        select g.name, u.email from groups g
        join group_memberships m on m.group_id = g.id join users u on u.id = m.user_id
        where g.tenant_id = ${tenantId} and g.source = ${source} order by u.email`.execute(database.db)
    ).rows;
  const snapshot = async () =>
    (
      await sql<{ row: unknown }>`select to_jsonb(u) as row from users u where tenant_id = ${tenantId}
        order by id`.execute(database.db)
    ).rows;

  it('creates activated users linked by entryUUID and groups with their activated members on a full run', async () => {
    const run = await h.run(tenantId, instanceId, 'full');
    expect(run).toMatchObject({ state: 'completed', deactivated: 0, errors: 0 });
    expect(await linked(tenantId, source)).toEqual([
      { email: 'anna@ucs.test', disabled: false },
      { email: 'ben@ucs.test', disabled: false },
      { email: 'dora@ucs.test', disabled: false },
    ]);
    expect(await byUid(main, 'anna')).toMatchObject({ email: 'anna@ucs.test', displayName: 'Anna A.' });
    expect(await byUid(main, 'carl')).toBeUndefined();
    expect(await members()).toEqual([
      { name: 'Staff', email: 'anna@ucs.test' },
      { name: 'Staff', email: 'ben@ucs.test' },
    ]);
  });

  it('updates a changed user and deactivates one whose activation flag was removed, on an incremental run', async () => {
    await slapd.modify(
      [
        `dn: ${userDn(main, 'anna')}`,
        'changetype: modify',
        'replace: displayName',
        'displayName: Anna Berg',
      ].join('\n'),
    );
    await flag(main, 'ben', false);
    const run = await h.run(tenantId, instanceId, 'incremental');
    // The group Staff is read again because a member changed, and loses ben.
    expect(run).toMatchObject({ state: 'completed', mode: 'incremental', updated: 2, deactivated: 1 });
    expect(await members()).toEqual([{ name: 'Staff', email: 'anna@ucs.test' }]);
    expect((await byUid(main, 'anna'))?.displayName).toBe('Anna Berg');
    expect((await byUid(main, 'ben'))?.disabledAt).not.toBeNull();
    expect((await byUid(main, 'dora'))?.disabledAt).toBeNull();
  });

  it('deactivates a deleted entry on the next full run and keeps its user', async () => {
    const doraId = (await byUid(main, 'dora'))!.id;
    await slapd.remove(userDn(main, 'dora'));
    const run = await h.run(tenantId, instanceId, 'full');
    expect(run).toMatchObject({ state: 'completed', deactivated: 1 });
    expect((await users().findById(tenantId, doraId))?.disabledAt).not.toBeNull();
  });

  it('writes nothing on a dry run but reports the diff', async () => {
    await slapd.add(userLdif(main, person('emil')));
    await slapd.modify(
      [`dn: ${userDn(main, 'anna')}`, 'changetype: modify', 'replace: sn', 'sn: Dry'].join('\n'),
    );
    const before = await snapshot();
    const run = await h.run(tenantId, instanceId, 'full', true);
    expect(run).toMatchObject({ state: 'completed', dryRun: true, created: 1, updated: 1, deactivated: 0 });
    expect(run.report).toMatchObject({ create: ['emil@ucs.test'], update: ['anna@ucs.test'] });
    expect(await snapshot()).toEqual(before);
  });

  it('stops in needs_approval a run that would deactivate more than the guard share, until approved', async () => {
    const uids = Array.from({ length: 10 }, (_, i) => `g${i}`);
    await slapd.add(uids.map((uid) => userLdif(guard, person(uid))).join('\n\n'));
    const tenant = await h.newTenant();
    const instance = await h.newInstance(tenant, slapdSettings(slapd, { baseDn: guard }), 0.2);
    const src = identitySource('ucs', instance);
    expect(await h.run(tenant, instance, 'full')).toMatchObject({ state: 'completed', created: 10 });
    for (const uid of uids.slice(0, 4)) await slapd.remove(userDn(guard, uid));
    const guarded = await h.run(tenant, instance, 'full');
    expect(guarded).toMatchObject({ state: 'needs_approval', pendingDeactivations: 4, deactivated: 0 });
    expect((await linked(tenant, src)).filter((u) => u.disabled)).toEqual([]);
    expect(await h.engine.approve(tenant, guarded.id, 'admin')).toEqual({ ok: true, deactivated: 4 });
    expect((await linked(tenant, src)).filter((u) => u.disabled).map((u) => u.email)).toEqual(
      uids.slice(0, 4).map((uid) => `${uid}@ucs.test`),
    );
  });

  it('deactivates nobody when slapd stops in the middle of a full run, and completes a later run', async () => {
    const tenant = await h.newTenant();
    const settings = slapdSettings(slapd, { baseDn: guard, pageSize: 1, timeoutMs: 2000 });
    const instance = await h.newInstance(tenant, settings);
    const src = identitySource('ucs', instance);
    expect(await h.run(tenant, instance, 'full')).toMatchObject({ state: 'completed', created: 6 });
    // g4 left: a completed full run would deactivate it, a failed one must not.
    await slapd.remove(userDn(guard, 'g4'));
    const faulty = syncHarness(
      database.db,
      [stoppingAfterFirstBatch(() => slapd.stop())],
      recordingLogger(logs),
    );
    try {
      const run = await faulty.run(tenant, instance, 'full');
      expect(run).toMatchObject({ state: 'failed', deactivated: 0 });
      expect((await linked(tenant, src)).filter((u) => u.disabled)).toEqual([]);
    } finally {
      await faulty.close();
      await slapd.start();
    }
    const later = await h.run(tenant, instance, 'full');
    expect(later).toMatchObject({ state: 'completed', deactivated: 1 });
    expect((await linked(tenant, src)).filter((u) => u.disabled)).toEqual([
      { email: 'g4@ucs.test', disabled: true },
    ]);
  });

  it('keeps two tenants with two connectors on two base DNs apart', async () => {
    // The other directory has an anna with the same address: each tenant gets its own user.
    await slapd.add([userLdif(other, person('anna')), userLdif(other, person('olga'))].join('\n\n'));
    const tenant = await h.newTenant();
    const instance = await h.newInstance(tenant, slapdSettings(slapd, { baseDn: other }));
    const src = identitySource('ucs', instance);
    expect(await h.run(tenant, instance, 'full')).toMatchObject({ state: 'completed', created: 2 });
    expect(await linked(tenant, src)).toEqual([
      { email: 'anna@ucs.test', disabled: false },
      { email: 'olga@ucs.test', disabled: false },
    ]);
    const here = await byUid(main, 'anna');
    const there = await byUid(other, 'anna', tenant, src);
    expect(there?.id).not.toBe(here?.id);
    expect(await byUid(other, 'anna', tenantId, src)).toBeUndefined();
    expect(await linked(tenantId, src)).toEqual([]);
    expect(await linked(tenant, source)).toEqual([]);
    expect((await linked(tenantId, source)).map((u) => u.email)).not.toContain('olga@ucs.test');
  });
});

describe('a hub with OIDC_ISSUER=<UCS Keycloak>/realms/ucs and a UCS connector', () => {
  let keycloak: KeycloakIssuer;
  let hub: RunningHub;
  const dataDir = mkdtempSync(join(tmpdir(), 'vc-ucs-e2e-'));

  beforeAll(async () => {
    await slapd.add(
      [userLdif(login, person('erik', { sn: 'Lund' })), userLdif(login, person('fay'))].join('\n\n'),
    );
    keycloak = await startKeycloakIssuer({
      users: [
        {
          sub: 'b8f0d3c2-0000-4000-8000-0000000ad000',
          username: 'admin',
          email: 'admin@ucs.test',
          givenName: 'Ad',
          familyName: 'Min',
          realmRoles: ['tenant-admin'],
        },
        // Keycloak's own id, not the LDAP entryUUID (as with LDAP federation).
        {
          sub: 'b8f0d3c2-0000-4000-8000-00000000e41c',
          username: 'erik',
          email: 'erik@ucs.test',
          givenName: 'Erik',
          familyName: 'Lund',
        },
      ],
    });
    const parsed = parseConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      OIDC_ISSUER: keycloak.issuer,
    });
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    hub = await startHub(parsed.config, silentLogger, { connectors: [ucsConnector] });
    await waitForStatus(`${hub.url}/readyz`, 200, 60_000);
  }, 90_000);
  afterAll(async () => {
    await hub.stop();
    await keycloak.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (path: string, token: string, body?: unknown) =>
    fetch(`${hub.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  async function json<T>(res: Response, status: number): Promise<T> {
    expect(res.status, await res.clone().text()).toBe(status);
    return (await res.json()) as T;
  }

  it('syncs through the admin API, and a synced user signing in with the same verified email gets that user', async () => {
    const admin = await keycloak.userToken('admin');
    const connector = await json<{ id: string }>(
      await call('/v1/admin/connectors', admin, {
        type: 'ucs',
        name: 'UCS',
        settings: slapdSettings(slapd, { baseDn: login }),
        guard_share: 0.5,
        // Only the run this test starts (the default schedule would start one at once).
        incremental_every_ms: null,
        full_cron: null,
      }),
      201,
    );
    const started = await json<{ id: string }>(
      await call(`/v1/admin/connectors/${connector.id}/runs`, admin, { mode: 'full' }),
      202,
    );
    let run: { state: string; counters: Record<string, number> } | undefined;
    for (let i = 0; i < 600; i++) {
      run = await json(await call(`/v1/admin/connectors/${connector.id}/runs/${started.id}`, admin), 200);
      if (!['queued', 'running'].includes(run!.state)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(run).toMatchObject({ state: 'completed' });

    const found = await json<{ id: string; email: string }[]>(
      await call('/v1/users/find?q=erik', admin),
      200,
    );
    expect(found.map((u) => u.email)).toEqual(['erik@ucs.test']);
    const me = await json<{ id: string }>(await call('/v1/users/me', await keycloak.userToken('erik')), 200);
    expect(me.id).toBe(found[0]!.id);
    // No second account appeared for the login.
    expect(
      (await json<{ id: string }[]>(await call('/v1/users/find?q=erik', admin), 200)).map((u) => u.id),
    ).toEqual([found[0]!.id]);
  });
});
