import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseConfig, devTokenClient, readTokenCliSecret, startHub, type RunningHub } from '@vc/hub/testing';
import { startSlapd, type Slapd } from './support/slapd.js';
import { recordingLogger } from './support/sync-harness.js';
import { ldifLine, userLdif } from './support/ucs-ldap/ucs-ldif.js';
import { writeStandIns } from './support/ucs-standins.js';

/**
 * The UCS app's join script and the hub together: the script's real output (run by /bin/sh against
 * the recording stand-ins of support/ucs-standins.ts) is what a real hub reads at start and while
 * it runs. The hub creates the connector from it, leaves it alone when nothing changed, follows a
 * change with an audit entry by the join script, refuses broken files without touching the
 * connector, stops the schedules after unjoin, and a sync with those settings reads the private
 * slapd over StartTLS with the CA and the password file the script made.
 */
const run = promisify(execFile);
const appDir = join(import.meta.dirname, '..', '..', 'ucs', 'app');

interface Instance {
  id: string;
  name: string;
  enabled: boolean;
  settings: Record<string, unknown>;
  incremental_every_ms: number | null;
  full_cron: string | null;
  guard_share: number;
}
interface AuditEntry {
  connector_id: string | null;
  actor: string;
  action: string;
  details: Record<string, unknown>;
}

describe('the UCS join script feeding a hub', () => {
  let slapd: Slapd;
  let dir = '';
  let dataDir = '';
  let hubDir = '';
  let env: NodeJS.ProcessEnv = {};
  let hub: RunningHub | undefined;
  let token = '';
  const logs: string[] = [];

  const state = (): Record<string, unknown> =>
    JSON.parse(readFileSync(join(dir, 'state', 'state.json'), 'utf8')) as Record<string, unknown>;
  const setUcr = (values: Record<string, string>): void => {
    const s = state() as { ucr: Record<string, string> };
    writeFileSync(join(dir, 'state', 'state.json'), JSON.stringify({ ...s, ucr: { ...s.ucr, ...values } }));
  };
  const script = (name: 'inst' | 'uinst') =>
    run('/bin/sh', [join(appDir, name), '--binddn', 'cn=admin', '--bindpwdfile', '/etc/admin.secret'], {
      env,
    });

  async function startFileHub(): Promise<RunningHub> {
    const parsed = parseConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: hubDir,
      API_VALIDATE_RESPONSES: 'true',
      UCS_CONNECTOR_FILE: join(dataDir, 'ucs-connector.json'),
      UCS_CONNECTOR_FILE_POLL_MS: '200',
      SYNC_PUSH_POLL_MS: '200',
    });
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const started = await startHub(parsed.config, recordingLogger(logs));
    const secret = readTokenCliSecret(hubDir);
    if (started.devIdpIssuer === undefined || secret === undefined) throw new Error('no development issuer');
    token = (await devTokenClient(started.devIdpIssuer, secret).token('alice')).access_token;
    return started;
  }

  async function call<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    const res = await fetch(`${hub!.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }
  // Without `health`: runs come and go (the schedule starts one as soon as the connector exists).
  const connectors = async () =>
    (await call<{ items: (Instance & { health?: unknown })[] }>('/v1/admin/connectors')).items.map(
      ({ health: _health, ...instance }) => instance,
    );
  type Run = { id: string; state: string; trigger: string; counters: Record<string, number> };
  const health = async () =>
    (
      await call<{ items: { health: { current_run: Run | null; last_run: Run | null } }[] }>(
        '/v1/admin/connectors',
      )
    ).items[0]!.health;
  const audit = async () => (await call<{ items: AuditEntry[] }>('/v1/admin/connector-audit')).items;

  async function eventually<T>(
    probe: () => Promise<T | undefined>,
    what: string,
    timeoutMs = 20_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const value = await probe();
        if (value !== undefined) return value;
      } catch {
        // not there yet (the schema is still being migrated, the worker not started)
      }
      if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const logged = (pattern: RegExp, level?: string) =>
    eventually(
      () =>
        Promise.resolve(
          logs.find((l) => pattern.test(l) && (level === undefined || l.includes(`"level":"${level}"`))),
        ),
      `a log line matching ${String(pattern)}`,
    );

  beforeAll(async () => {
    slapd = await startSlapd({ tls: true });
    dir = mkdtempSync(join(tmpdir(), 'vc-ucs-file-'));
    dataDir = join(dir, 'data');
    hubDir = join(dir, 'hub');
    const standIns = writeStandIns(dir);
    mkdirSync(join(dir, 'state'), { recursive: true });
    writeFileSync(
      join(dir, 'state', 'state.json'),
      JSON.stringify({
        ucr: {
          'ldap/base': slapd.base,
          'ldap/server/name': '127.0.0.1',
          'ldap/server/port': String(slapd.port),
          hostname: 'primary',
          domainname: 'ucs.test',
          'vchub/ldap/sync-interval-minutes': '10',
          'vchub/ldap/deactivation-guard-percent': '10',
        },
        udm: {},
        keycloak: {
          baseUrl: 'https://ucs-sso-ng.ucs.test',
          adminPassword: 'kc-admin-pw',
          clients: {},
          roles: {},
          roleMappings: {},
        },
      }),
    );
    writeFileSync(join(dir, 'keycloak.secret'), 'kc-admin-pw');
    env = {
      // eslint-disable-next-line no-restricted-properties
      PATH: `${standIns.bin}:${process.env['PATH'] ?? ''}`,
      STANDIN_DIR: join(dir, 'state'),
      VCHUB_JOINSCRIPTHELPER_LIB: standIns.helperLib,
      VCHUB_DATA_DIR: dataDir,
      VCHUB_KEYCLOAK_SECRET_FILE: join(dir, 'keycloak.secret'),
      // The hub of this test sees the data folder where the script wrote it, and the slapd's CA.
      VCHUB_HUB_DATA_DIR: dataDir,
      VCHUB_HUB_CA_FILE: slapd.caFile!,
    };
    await script('inst');
    // What `udm users/ldap create` does on a real UCS: the account with the password the script made.
    const password = readFileSync(join(dataDir, 'secrets', 'ldap.secret'), 'utf8');
    await slapd.add(
      [
        `dn: uid=sys-vchub,cn=users,${slapd.base}`,
        'objectClass: account',
        'objectClass: simpleSecurityObject',
        'uid: sys-vchub',
        ldifLine('userPassword', password),
      ].join('\n'),
    );
    const people = Array.from({ length: 5 }, (_, i) =>
      userLdif(slapd.base, {
        uid: `person${i}`,
        mail: `person${i}@ucs.test`,
        givenName: 'Person',
        sn: String(i),
        activated: i < 4,
        attribute: 'vchubActivated',
      }),
    );
    await slapd.add(people.join('\n\n'));
  }, 60_000);

  afterAll(async () => {
    await hub?.stop();
    await slapd?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the connector from the join script output at start, the password only shown as set', async () => {
    hub = await startFileHub();
    const [instance] = await eventually(async () => {
      const list = await connectors();
      return list.length > 0 ? list : undefined;
    }, 'the connector');
    expect(instance).toMatchObject({
      name: 'UCS',
      enabled: true,
      incremental_every_ms: 600_000,
      full_cron: '30 2 * * *',
      guard_share: 0.1,
      settings: {
        url: `ldap://127.0.0.1:${slapd.port}`,
        startTls: true,
        caFile: slapd.caFile,
        bindDn: `uid=sys-vchub,cn=users,${slapd.base}`,
        bindPassword: '<set>',
        baseDn: slapd.base,
        activationAttribute: 'vchubActivated',
        listenerFolder: join(dataDir, 'listener'),
      },
    });
    expect(instance!.settings).not.toHaveProperty('bindPasswordFile');
    const entries = await audit();
    expect(entries).toEqual([
      expect.objectContaining({
        connector_id: instance!.id,
        actor: 'ucs-join-script',
        action: 'connector.created',
      }),
    ]);
    const password = readFileSync(join(dataDir, 'secrets', 'ldap.secret'), 'utf8');
    expect(logs.join('\n')).not.toContain(password);
  });

  it('brings the activated users in: the schedule starts a run at once, and a full run agrees', async () => {
    const first = await eventually(async () => {
      const h = await health();
      return h.current_run === null && h.last_run !== null ? h.last_run : undefined;
    }, 'the first scheduled run');
    expect(first).toMatchObject({ state: 'completed', trigger: 'schedule' });
    expect(first.counters).toMatchObject({ created: 4, skipped: 0 });
    const [instance] = await connectors();
    const started = await call<{ id: string }>(`/v1/admin/connectors/${instance!.id}/runs`, {
      method: 'POST',
      body: { mode: 'full' },
    });
    const finished = await eventually(async () => {
      const r = await call<Run>(`/v1/admin/connectors/${instance!.id}/runs/${started.id}`);
      return ['queued', 'running'].includes(r.state) ? undefined : r;
    }, 'the full run');
    expect(finished).toMatchObject({ state: 'completed' });
    expect(finished.counters).toMatchObject({ created: 0, unchanged: 4, deactivated: 0 });
  });

  it('starts an incremental run within moments of a listener file arriving in the folder the script named', async () => {
    await slapd.add(
      userLdif(slapd.base, {
        uid: 'newcomer',
        mail: 'newcomer@ucs.test',
        sn: 'New',
        activated: true,
        attribute: 'vchubActivated',
      }),
    );
    const client = new Client({ url: slapd.url });
    await client.bind(slapd.adminDn, slapd.adminPassword);
    const { searchEntries } = await client.search(`uid=newcomer,cn=users,${slapd.base}`, {
      scope: 'base',
      attributes: ['entryUUID'],
    });
    await client.unbind();
    const before = (await health()).last_run!.id;
    mkdirSync(join(dataDir, 'listener'), { recursive: true });
    writeFileSync(
      join(dataDir, 'listener', '2026-11-26-12-00-00-000001.json'),
      JSON.stringify({
        id: String(searchEntries[0]!['entryUUID']),
        dn: `uid=newcomer,cn=users,${slapd.base}`,
        udm_object_type: 'users/user',
        object: { username: 'newcomer', mailPrimaryAddress: 'newcomer@ucs.test', vchubActivated: 'TRUE' },
      }),
    );
    const pushed = await eventually(async () => {
      const h = await health();
      return h.current_run === null && h.last_run !== null && h.last_run.id !== before
        ? h.last_run
        : undefined;
    }, 'the pushed run');
    expect(pushed).toMatchObject({ state: 'completed', trigger: 'schedule' });
    expect(pushed.counters).toMatchObject({ created: 1 });
  });

  it('changes nothing and writes no audit entry when a hub starts again with the same file', async () => {
    const before = await audit();
    const [instanceBefore] = await connectors();
    await hub!.stop();
    logs.length = 0;
    hub = await startFileHub();
    await logged(/connector file matches its connector/);
    expect(await audit()).toEqual(before);
    const [instanceAfter] = await connectors();
    expect(instanceAfter).toMatchObject({ id: instanceBefore!.id, settings: instanceBefore!.settings });
  });

  it('follows a changed file while running, with an audit entry by the join script', async () => {
    setUcr({ 'vchub/ldap/sync-interval-minutes': '5' });
    await script('inst');
    const entry = await eventually(
      async () => (await audit()).find((e) => e.action === 'connector.updated'),
      'the update',
    );
    expect(entry).toMatchObject({ actor: 'ucs-join-script', details: { fields: ['incrementalEveryMs'] } });
    expect((await connectors())[0]).toMatchObject({ incremental_every_ms: 300_000, enabled: true });
  });

  it('logs a clear error for a broken file, refused settings or a missing secret file, and keeps the connector', async () => {
    const file = join(dataDir, 'ucs-connector.json');
    const good = readFileSync(file, 'utf8');
    const [before] = await connectors();
    const auditBefore = await audit();

    writeFileSync(file, '{"connector": "ucs", "settings": ');
    await logged(/ucs-connector\.json is not valid JSON.*left as it is/, 'error');

    const refused = JSON.parse(good) as { settings: Record<string, unknown> };
    refused.settings['url'] = 'http://not-ldap.example';
    writeFileSync(file, JSON.stringify(refused));
    await logged(/connector refuses these settings \(url: an ldap:\/\/ or ldaps:\/\/ URL/, 'error');

    const noSecret = JSON.parse(good) as Record<string, unknown>;
    noSecret['secretFiles'] = { bindPassword: 'secrets/missing.secret' };
    writeFileSync(file, JSON.stringify(noSecret));
    await logged(/cannot read the secret file of bindPassword/, 'error');

    writeFileSync(file, JSON.stringify({ ...(JSON.parse(good) as object), tenant: 'no-such-tenant' }));
    await logged(/names tenant \\?"no-such-tenant\\?", which does not exist/, 'error');

    expect((await connectors())[0]).toEqual(before);
    expect(await audit()).toEqual(auditBefore);
    // A hub that starts with a broken file starts all the same.
    writeFileSync(file, 'not json');
    await hub!.stop();
    logs.length = 0;
    hub = await startFileHub();
    await logged(/is not valid JSON/, 'error');
    expect((await fetch(`${hub.url}/readyz`)).status).toBe(200);
    expect((await connectors())[0]).toEqual(before);
    writeFileSync(file, good);
    await logged(/connector file matches its connector/);
  });

  it('keeps the connector but stops its schedules after unjoin, and the next join turns them on again', async () => {
    await script('uinst');
    await logged(/connector file is gone/, 'warn');
    const [disabled] = await connectors();
    expect(disabled).toMatchObject({ enabled: false, name: 'UCS' });
    expect((await audit())[0]).toMatchObject({
      actor: 'ucs-join-script',
      action: 'connector.updated',
      details: { fields: ['enabled'] },
    });
    // A reinstall: the script runs again (a new LDAP password: the old account was removed).
    await script('inst');
    const enabled = await eventually(async () => {
      const [i] = await connectors();
      return i?.enabled === true ? i : undefined;
    }, 're-enabling');
    expect(enabled.id).toBe(disabled!.id);
    expect((await audit())[0]).toMatchObject({
      actor: 'ucs-join-script',
      details: { fields: expect.arrayContaining(['enabled', 'settings.bindPassword']) as unknown },
    });
  });

  it('does not bring back a connector an admin deleted, until the app is installed again', async () => {
    const [instance] = await connectors();
    const res = await fetch(`${hub!.url}/v1/admin/connectors/${instance!.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(204);
    await hub!.stop();
    logs.length = 0;
    hub = await startFileHub();
    await logged(/was deleted; not creating it again/, 'warn');
    expect(await connectors()).toEqual([]);
    await script('uinst');
    await logged(/connector file is gone; its connector was already disabled or deleted/, 'info');
    await script('inst');
    const [created] = await eventually(async () => {
      const list = await connectors();
      return list.length > 0 ? list : undefined;
    }, 'the connector of the new installation');
    expect(created).toMatchObject({ name: 'UCS', enabled: true });
    expect(created!.id).not.toBe(instance!.id);
  });
});
