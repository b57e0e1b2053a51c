import { spawnSync } from 'node:child_process';

/**
 * The Debian packages the suites need. The list grows with later issues (slapd, janus, sipp,
 * chromium, radicale, ...); each entry says what needs it.
 */
export interface DebianPackage {
  readonly name: string;
  readonly neededFor: string;
}

export const alwaysNeeded: readonly DebianPackage[] = [
  { name: 'redis-server', neededFor: 'the Redis fault test (a private redis-server it kills and restarts)' },
  { name: 'slapd', neededFor: 'the UCS connector tests (a private OpenLDAP loaded with a UCS-like LDIF)' },
  { name: 'ldap-utils', neededFor: 'loading LDIF into the private slapd and the sync-ldap benchmark floor' },
  { name: 'radicale', neededFor: 'the CalDAV server that must accept every generated invitation' },
  {
    name: 'chromium',
    neededFor: 'browser end-to-end tests (admin dashboard, web client, media) through playwright-core',
  },
  { name: 'janus', neededFor: 'the media tests (a private Janus with AudioBridge and VideoRoom)' },
  {
    name: 'iproute2',
    neededFor: 'the WebRTC tests run hub, Janus and Chromium in their own network namespace',
  },
  { name: 'shellcheck', neededFor: 'checking the UCS App Center join and unjoin scripts' },
  {
    name: 'openssl',
    neededFor: 'the CA and server certificate of the private slapd (StartTLS and ldaps tests)',
  },
  {
    name: 'sip-tester',
    neededFor: 'the SIP call-in tests: sipp places calls with RFC 4733 DTMF and speech pcaps',
  },
  {
    name: 'baresip',
    neededFor: 'the SIP call-in test with a second real softphone (driven through its ctrl_tcp module)',
  },
  {
    name: 'kamailio',
    neededFor: 'the SIP registration test: a private kamailio on loopback as registrar and proxy',
  },
  { name: 'python3', neededFor: 'the UCS join script parses Keycloak admin API answers with it (as on UCS)' },
];

export const postgresPackage: DebianPackage = {
  name: 'postgresql',
  neededFor:
    'a private PostgreSQL when none answers on 127.0.0.1:5432, and the fault suite (initdb/pg_ctl of a server it stops with -m immediate)',
};

export function isInstalled(name: string): boolean {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

/**
 * Installs what is missing when running as root; otherwise names the exact command and fails,
 * so nobody has to guess which package a red test wanted.
 */
export function ensurePackages(packages: readonly DebianPackage[], log: (line: string) => void): void {
  const missing = packages.filter((p) => !isInstalled(p.name));
  if (missing.length === 0) return;
  const names = missing.map((p) => p.name);
  for (const p of missing) log(`missing Debian package ${p.name}: needed for ${p.neededFor}`);
  if (process.getuid?.() !== 0) {
    throw new Error(
      `not root, so cannot install: run  sudo apt-get install -y ${names.join(' ')}  and try again`,
    );
  }
  log(`installing ${names.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], env);
  run('apt-get', ['install', '-y', '--no-install-recommends', ...names], env);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status})`);
}
