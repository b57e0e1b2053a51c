import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ucsSettings } from '@vc/connector-ucs';

import { writeStandIns } from './support/ucs-standins.js';

// The App Center package's join and unjoin scripts, run by the real /bin/sh against recording
// stand-ins for ucr, udm, univention-keycloak and Keycloak's admin REST API (support/ucs-standins.ts).
const run = promisify(execFile);
const appDir = join(import.meta.dirname, '..', '..', 'ucs', 'app');
const bindArgs = ['--binddn', 'cn=admin,dc=ucs,dc=test', '--bindpwdfile', '/etc/admin.secret'];

let dir = '';
let env: NodeJS.ProcessEnv = {};
const initialUcr = {
  'ldap/base': 'dc=ucs,dc=test',
  'ldap/server/name': 'primary.ucs.test',
  'ldap/server/port': '7389',
  hostname: 'primary',
  domainname: 'ucs.test',
};

function state(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, 'state', 'state.json'), 'utf8')) as Record<string, unknown>;
}

function calls(): string[][] {
  return readFileSync(join(dir, 'state', 'calls.log'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as string[]);
}

async function script(name: 'inst' | 'uinst'): Promise<{ stdout: string; stderr: string }> {
  return run('/bin/sh', [join(appDir, name), ...bindArgs], { env });
}

function dataFiles(): Record<string, string> {
  const files = ['ucs-connector.json', 'secrets/ldap.secret', 'secrets/call-in.secret'];
  return Object.fromEntries(
    files
      .filter((f) => existsSync(join(dir, 'data', f)))
      .map((f) => [f, readFileSync(join(dir, 'data', f), 'utf8')]),
  );
}

describe('UCS App Center package', () => {
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vc-ucs-package-'));
    const standIns = writeStandIns(dir);
    const stateDir = join(dir, 'state');
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(
      join(stateDir, 'state.json'),
      JSON.stringify({
        ucr: initialUcr,
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
      STANDIN_DIR: stateDir,
      VCHUB_JOINSCRIPTHELPER_LIB: standIns.helperLib,
      VCHUB_DATA_DIR: join(dir, 'data'),
      VCHUB_KEYCLOAK_SECRET_FILE: join(dir, 'keycloak.secret'),
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('passes shellcheck', async () => {
    await expect(
      run('shellcheck', ['-s', 'sh', join(appDir, 'inst'), join(appDir, 'uinst')]),
    ).resolves.toBeDefined();
  });

  it('registers the OIDC clients, the call-in role, the LDAP account and the hub settings, passing the bind arguments on', async () => {
    await script('inst');
    const s = state() as {
      ucr: Record<string, string>;
      udm: Record<string, Record<string, Record<string, string>>>;
      keycloak: {
        clients: Record<string, { options: Record<string, unknown[]>; serviceAccountsEnabled: boolean }>;
        roleMappings: Record<string, string[]>;
      };
    };
    expect(Object.keys(s.keycloak.clients).sort()).toEqual(['vc-call-in', 'vc-web']);
    expect(s.keycloak.clients['vc-web']!.options).toMatchObject({
      'public-client': [true],
      'add-audience-mapper': ['vc-api'],
    });
    const files = dataFiles();
    expect(s.keycloak.clients['vc-call-in']!.options['client-secret']).toEqual([
      files['secrets/call-in.secret'],
    ]);
    expect(s.keycloak.roleMappings['sa-uuid-vc-call-in']).toEqual(['call-in']);
    const account = s.udm['users/ldap']!['uid=sys-vchub,cn=users,dc=ucs,dc=test']!;
    expect(account['password']).toBe(files['secrets/ldap.secret']);
    expect(s.ucr['vchub/ldap/binddn']).toBe('uid=sys-vchub,cn=users,dc=ucs,dc=test');
    expect(s.ucr['vchub/oidc/issuer']).toBe('https://ucs-sso-ng.ucs.test/realms/ucs');
    // The file the hub reads is valid connector settings.
    const connector = JSON.parse(files['ucs-connector.json']!) as {
      settings: unknown;
      secretFiles: unknown;
    };
    expect(ucsSettings.parse(connector.settings)).toMatchObject({
      baseDn: 'dc=ucs,dc=test',
      url: 'ldap://primary.ucs.test:7389',
      caFile: '/etc/vchub/ucs-ca.pem',
      listenerFolder: '/var/lib/vchub/listener',
    });
    // The password stays in its file (relative to the description's folder); the hub seals it.
    expect(connector.secretFiles).toEqual({ bindPassword: 'secrets/ldap.secret' });
    expect(files['ucs-connector.json']).not.toContain(files['secrets/ldap.secret']);
    for (const call of calls().filter((c) => c[0] === 'udm' || c[0] === 'univention-keycloak')) {
      expect(call).toContain('--bindpwdfile');
    }
    expect(readFileSync(join(dir, 'state', 'joinstatus'), 'utf8')).toContain('vchub v1');
  });

  it('changes nothing when run a second time', async () => {
    await script('inst');
    const afterFirst = state();
    const filesAfterFirst = dataFiles();
    const second = await script('inst');
    expect(state()).toEqual(afterFirst);
    expect(dataFiles()).toEqual(filesAfterFirst);
    expect(second.stdout).toMatch(/already exists/);
  });

  it('unjoin removes what join made and can run again', async () => {
    const before = state();
    await script('inst');
    await script('uinst');
    const after = state() as { ucr: unknown; udm: Record<string, object>; keycloak: Record<string, unknown> };
    expect(after.ucr).toEqual(before['ucr']);
    expect(after.udm['users/ldap']).toEqual({});
    expect(after.keycloak['clients']).toEqual({});
    expect(after.keycloak['roles']).toEqual({});
    expect(dataFiles()).toEqual({});
    expect(existsSync(join(dir, 'state', 'joinstatus'))).toBe(false);
    await expect(script('uinst')).resolves.toBeDefined();
  });

  it('fails the join with a clear message when Keycloak is not reachable', async () => {
    const s = state();
    writeFileSync(join(dir, 'state', 'state.json'), JSON.stringify({ ...s, failKeycloak: true }));
    await expect(script('inst')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/cannot register the OIDC client vc-web/) as string,
    });
    expect(existsSync(join(dir, 'state', 'joinstatus'))).toBe(false);
  });
});
