import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { freePort } from '../../scripts/free-port.js';
import { baseLdif } from './ucs-ldap/ucs-ldif.js';

const run = promisify(execFile);
const slapdBin = '/usr/sbin/slapd';
const schemaDir = '/etc/ldap/schema';
const ucsSchema = join(import.meta.dirname, 'ucs-ldap', 'ucs-approx.schema');

/**
 * A private OpenLDAP for tests: its own slapd.conf, back-mdb databases and schema under a temp
 * dir, listening on a free 127.0.0.1 port (a system slapd on 389 is never touched). The directory
 * approximates UCS (see ucs-ldap/ucs-approx.schema): UCS attribute names, locally defined classes.
 */
export interface SlapdOptions {
  /** One back-mdb database per suffix; the first holds the hub's bind account. */
  readonly suffixes?: readonly string[];
  /** Server size limit for non-paged searches (paged searches may read everything). */
  readonly sizeLimit?: number;
  /** Enables the memberOf overlay (UCR ldap/overlay/memberof) for posixGroup/uniqueMember. */
  readonly memberOf?: boolean;
  /** Generates a CA and server certificate and also listens on ldaps:// (StartTLS works on ldap://). */
  readonly tls?: boolean;
  /** LDIF loaded with slapadd before the first start: much faster than ldapadd for bulk data. */
  readonly bulkLdif?: string;
}

export interface Slapd {
  readonly url: string;
  readonly ldapsUrl: string | undefined;
  readonly caFile: string | undefined;
  readonly port: number;
  readonly base: string;
  readonly suffixes: readonly string[];
  readonly adminDn: string;
  readonly adminPassword: string;
  /** The account the connector binds as (like UCS's app host DN; reads everything, writes nothing). */
  readonly hubDn: string;
  readonly hubPassword: string;
  readonly dir: string;
  /** ldapadd of LDIF records (separated by blank lines). */
  add(ldif: string): Promise<void>;
  /** ldapmodify with `changetype` records. */
  modify(ldif: string): Promise<void>;
  remove(dn: string): Promise<void>;
  /** Stops the server (SIGTERM, waits for exit); data stays. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it and removes the temp dir. */
  dispose(): Promise<void>;
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline)
          reject(new Error(`slapd did not listen on ${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

async function makeCertificates(dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const ca = join(dir, 'ca.crt');
  const caKey = join(dir, 'ca.key');
  const key = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const cert = join(dir, 'server.crt');
  const ext = join(dir, 'server.ext');
  writeFileSync(ext, 'subjectAltName = IP:127.0.0.1, DNS:localhost\n');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    caKey,
    '-out',
    ca,
    '-days',
    '2',
    '-subj',
    '/CN=vc test CA',
  ]);
  await run('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    csr,
    '-subj',
    '/CN=127.0.0.1',
  ]);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    cert,
    '-days',
    '2',
    '-extfile',
    ext,
  ]);
  return { ca, cert, key };
}

export async function startSlapd(options: SlapdOptions = {}): Promise<Slapd> {
  const suffixes = options.suffixes ?? ['dc=ucs,dc=test'];
  const base = suffixes[0]!;
  const dir = mkdtempSync(join(tmpdir(), 'vc-slapd-'));
  const port = await freePort();
  const tlsPort = options.tls === true ? await freePort() : undefined;
  const certs = options.tls === true ? await makeCertificates(dir) : undefined;
  const adminPassword = 'admin-secret';
  const hubPassword = 'hub-bind-Secret-7';
  const conf = join(dir, 'slapd.conf');
  const limit = options.sizeLimit ?? 200;
  const lines = [
    ...['core', 'cosine', 'nis', 'inetorgperson'].map((s) => `include ${schemaDir}/${s}.schema`),
    `include ${ucsSchema}`,
    `pidfile ${join(dir, 'slapd.pid')}`,
    `argsfile ${join(dir, 'slapd.args')}`,
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    ...(options.memberOf === true ? ['moduleload memberof'] : []),
    ...(certs === undefined
      ? []
      : [
          `TLSCACertificateFile ${certs.ca}`,
          `TLSCertificateFile ${certs.cert}`,
          `TLSCertificateKeyFile ${certs.key}`,
        ]),
    `sizelimit size.soft=${limit} size.hard=${limit} size.prtotal=unlimited`,
  ];
  for (const [i, suffix] of suffixes.entries()) {
    const db = join(dir, `db${i}`);
    mkdirSync(db);
    lines.push(
      '',
      'database mdb',
      `suffix "${suffix}"`,
      `rootdn "cn=admin,${suffix}"`,
      `rootpw ${adminPassword}`,
      `directory ${db}`,
      'maxsize 4294967296',
      'index objectClass eq',
      'index univentionObjectType eq',
      'index entryUUID eq',
      'index uid eq',
      ...(options.memberOf === true
        ? [
            'overlay memberof',
            'memberof-group-oc posixGroup',
            'memberof-member-ad uniqueMember',
            'memberof-refint TRUE',
          ]
        : []),
      'access to attrs=userPassword by anonymous auth by * none',
      'access to * by users read by * none',
    );
  }
  writeFileSync(conf, lines.join('\n') + '\n');
  const adminDn = `cn=admin,${base}`;
  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = tlsPort === undefined ? undefined : `ldaps://127.0.0.1:${tlsPort}`;

  // The base entries go in offline too, so a fresh server answers as soon as it listens.
  const initial = [baseLdif(base, hubPassword), ...suffixes.slice(1).map((s) => baseLdif(s, hubPassword))];
  for (const [i, ldif] of initial.entries()) {
    const file = join(dir, `initial${i}.ldif`);
    writeFileSync(file, ldif + '\n');
    await run('/usr/sbin/slapadd', ['-f', conf, '-b', suffixes[i]!, '-q', '-l', file]);
  }
  if (options.bulkLdif !== undefined) {
    await run('/usr/sbin/slapadd', ['-f', conf, '-b', base, '-q', '-l', options.bulkLdif], {
      maxBuffer: 1 << 26,
    });
  }

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const start = async (): Promise<void> => {
    const urls = [url, ...(ldapsUrl === undefined ? [] : [ldapsUrl])].join(' ');
    const proc = spawn(slapdBin, ['-f', conf, '-h', urls, '-d', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child = proc;
    // A test process that dies must not leave a slapd behind on a shared machine.
    const killOnExit = (): void => {
      proc.kill('SIGKILL');
    };
    process.once('exit', killOnExit);
    exited = new Promise((resolve) =>
      proc.once('exit', () => {
        process.removeListener('exit', killOnExit);
        resolve();
      }),
    );
    try {
      await Promise.race([
        waitForPort(port, 15_000),
        exited.then(() => Promise.reject(new Error(`slapd exited at start: ${stderr}`))),
      ]);
    } catch (err) {
      proc.kill('SIGKILL');
      throw err;
    }
  };
  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (proc === undefined || proc.exitCode !== null) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  /** The rootdn of the database holding `dn` (each suffix has its own). */
  const adminFor = (dn: string | undefined): string => {
    const suffix = suffixes.find((s) => dn?.toLowerCase().endsWith(s.toLowerCase()) === true) ?? base;
    return `cn=admin,${suffix}`;
  };
  const tool = async (command: string, args: string[], input: string): Promise<void> => {
    const firstDn = /^dn: (.*)$/m.exec(input)?.[1] ?? input.split('\n')[0];
    await new Promise<void>((resolve, reject) => {
      const proc = spawn(command, ['-x', '-H', url, '-D', adminFor(firstDn), '-w', adminPassword, ...args], {
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      let stderr = '';
      proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      proc.once('error', reject);
      proc.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${stderr}`)),
      );
      proc.stdin.end(input);
    });
  };

  await start();
  return {
    url,
    ldapsUrl,
    caFile: certs?.ca,
    port,
    base,
    suffixes,
    adminDn,
    adminPassword,
    hubDn: `uid=sys-hub,cn=users,${base}`,
    hubPassword,
    dir,
    add: (ldif) => tool('ldapadd', [], ldif + '\n'),
    modify: (ldif) => tool('ldapmodify', [], ldif + '\n'),
    remove: (dn) => tool('ldapdelete', [], dn + '\n'),
    stop,
    start,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
