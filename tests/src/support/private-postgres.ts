import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

import { freePort } from '../../scripts/free-port.js';

/**
 * A PostgreSQL server of the test's own (initdb + pg_ctl on a free port), so a test may stop it
 * the hard way (`-m immediate`: every connection reset, no shutdown packet) and start it again
 * without touching the machine's shared server.
 */
export interface PrivatePostgres {
  /** The `test` database on this server. */
  readonly url: string;
  /** `pg_ctl stop -m immediate`: the server dies like a crash, every client sees ECONNRESET. */
  stopImmediately(): void;
  /** Starts the stopped server again on the same port and data directory. */
  start(): void;
  /** Stops the server and removes its files. */
  destroy(): void;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'vc-fault-pg-'));
  const dataDir = join(dir, 'data');
  // PostgreSQL refuses to run as root; as root, the cluster belongs to the postgres user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    chownSync(dir, idOf('-u'), idOf('-g'));
    chmodSync(dir, 0o700);
  }
  const run = (tool: string, args: string[]): void => {
    const command = asRoot ? 'runuser' : join(bin, tool);
    const argv = asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
    const result = spawnSync(command, argv, { encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr || result.stdout}`);
  };
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off`;
  const start = (): void =>
    run('pg_ctl', ['-D', dataDir, '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o', options, 'start']);
  run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  start();
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query('CREATE DATABASE test');
  await admin.end();
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/test`,
    stopImmediately() {
      run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      running = false;
    },
    start() {
      start();
      running = true;
    },
    destroy() {
      try {
        if (running) run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'initdb')));
  if (found === undefined) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
  return found;
}

function idOf(flag: '-u' | '-g'): number {
  return Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
}
