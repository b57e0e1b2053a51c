import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../logging/logger.js';
import { describeDatabaseContract } from './database.contract.js';
import { openDatabase } from './database.js';
import { DatabaseLockedError } from './errors.js';
import { migrateToLatest } from './migrate.js';
import { PGliteDialect } from './pglite-dialect.js';
import { describeSchedulingContract } from './scheduling.contract.js';
import type { DatabaseSchema } from './schema.js';
import { createTenantRepository } from './tenant-repository.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vc-pglite-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describeDatabaseContract('PGlite', () =>
  openDatabase({ dataDir: join(root, 'contract'), logger: silentLogger }),
);

describeSchedulingContract('PGlite', () =>
  openDatabase({ dataDir: join(root, 'scheduling'), logger: silentLogger }),
);

describe('PGlite database', () => {
  it('keeps its data across close and reopen', async () => {
    const dataDir = join(root, 'persist');
    const first = await openDatabase({ dataDir, logger: silentLogger });
    await migrateToLatest(first.db, silentLogger);
    const created = await createTenantRepository(first.db).create({ slug: 'persisted', name: 'Persisted' });
    await first.close();

    const second = await openDatabase({ dataDir, logger: silentLogger });
    try {
      expect(await migrateToLatest(second.db, silentLogger)).toEqual([]);
      if (!created.ok) throw new Error('expected the tenant to be created');
      expect(await createTenantRepository(second.db).findBySlug('persisted')).toEqual(created.tenant);
    } finally {
      await second.close();
    }
  });

  it('refuses a second open of a directory this process has open, and allows it after close', async () => {
    const dataDir = join(root, 'twice');
    const first = await openDatabase({ dataDir, logger: silentLogger });
    const error = await openDatabase({ dataDir, logger: silentLogger }).catch((caught: unknown) => caught);
    await first.close();

    expect(error).toBeInstanceOf(DatabaseLockedError);
    expect(error).toMatchObject({
      code: 'database_locked',
      pid: process.pid,
      directory: join(dataDir, 'pglite'),
    });
    expect((error as Error).message).toContain(`pid ${process.pid}`);
    expect((error as Error).message).toContain(join(dataDir, 'pglite'));
    const again = await openDatabase({ dataDir, logger: silentLogger });
    await again.close();
  });

  it('refuses a directory that another running process has open, naming its pid', async () => {
    const dataDir = join(root, 'other-process');
    const child = await holdOpenInChild(dataDir);
    try {
      const error = await openDatabase({ dataDir, logger: silentLogger }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DatabaseLockedError);
      expect((error as Error).message).toContain(`process ${child.pid}`);
      expect((error as Error).message).toContain(join(dataDir, 'pglite'));
    } finally {
      await child.stop();
    }
  });

  it('takes over a lock left behind by a process that no longer runs', async () => {
    const dataDir = join(root, 'stale');
    const deadPid = await pidOfFinishedProcess();
    const lockFile = join(dataDir, 'pglite.lock');
    await mkdir(dataDir, { recursive: true });
    await writeFile(lockFile, JSON.stringify({ pid: deadPid, hostname: hostname(), token: 'crashed' }));

    const handle = await openDatabase({ dataDir, logger: silentLogger });
    try {
      expect(JSON.parse(await readFile(lockFile, 'utf8'))).toMatchObject({ pid: process.pid });
    } finally {
      await handle.close();
    }
    await expect(readFile(lockFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('runs concurrent transactions one after the other on its single connection', async () => {
    const handle = await openDatabase({ dataDir: join(root, 'serial'), logger: silentLogger });
    const events: string[] = [];
    const transaction = (name: string) =>
      handle.db.transaction().execute(async (trx) => {
        events.push(`${name} begin`);
        await sql`select 1`.execute(trx);
        await new Promise((resolve) => setTimeout(resolve, 20));
        await sql`select 2`.execute(trx);
        events.push(`${name} end`);
      });
    try {
      await Promise.all([transaction('a'), transaction('b'), transaction('c')]);
      expect(events).toEqual(['a begin', 'a end', 'b begin', 'b end', 'c begin', 'c end']);
    } finally {
      await handle.close();
    }
  });

  describe('dialect', () => {
    let db: Kysely<DatabaseSchema>;
    beforeAll(() => {
      db = new Kysely<DatabaseSchema>({
        dialect: new PGliteDialect({ pglite: () => PGlite.create(), acquireTimeoutMs: 300 }),
      });
    });
    afterAll(async () => {
      await db.destroy();
    });

    it('fails a query that waits on the connection held by its own transaction, instead of hanging', async () => {
      const run = db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        await sql`select 2`.execute(db); // the mistake: the outer db inside a transaction
      });
      await expect(run).rejects.toThrow(/inside a transaction, run every query on its `trx`/);
      await expect(sql`select 3 as n`.execute(db)).resolves.toMatchObject({ rows: [{ n: 3 }] });
    });

    it('reports streaming as unsupported and releases the connection', async () => {
      const consume = async () => {
        for await (const row of db.selectNoFrom((eb) => eb.lit(1).as('n')).stream()) {
          void row;
        }
      };
      await expect(consume()).rejects.toThrow(/not supported on PGlite/);
      await expect(sql`select 4 as n`.execute(db)).resolves.toMatchObject({ rows: [{ n: 4 }] });
    });

    it('lets a running transaction finish before it closes PGlite', async () => {
      const other = new Kysely<DatabaseSchema>({
        dialect: new PGliteDialect({ pglite: () => PGlite.create() }),
      });
      await sql`create table slow_close (n int)`.execute(other);
      const transaction = other.transaction().execute(async (trx) => {
        await sql`insert into slow_close values (1)`.execute(trx);
        await new Promise((resolve) => setTimeout(resolve, 50));
        await sql`insert into slow_close values (2)`.execute(trx);
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
      await other.destroy();
      await expect(transaction).resolves.toBeUndefined();
      await expect(sql`select 1`.execute(other)).rejects.toThrow(/destroyed/);
    });
  });
});

/** Starts a separate Node process that opens the database and keeps it open until stopped. */
async function holdOpenInChild(dataDir: string): Promise<{ pid: number; stop(): Promise<void> }> {
  const databaseModule = fileURLToPath(new URL('./database.ts', import.meta.url));
  const script = `
    const { openDatabase } = await import(${JSON.stringify(databaseModule)});
    const quiet = { debug() {}, info() {}, warn() {}, error() {}, child() { return quiet; } };
    const handle = await openDatabase({ dataDir: ${JSON.stringify(dataDir)}, logger: quiet });
    process.stdout.write('open\\n');
    process.stdin.on('end', async () => { await handle.close(); process.exit(0); });
    process.stdin.resume();`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('open') && resolve());
    child.on('exit', (code) => reject(new Error(`the child process exited early with ${code}`)));
  });
  return {
    pid: child.pid!,
    async stop() {
      child.stdin.end();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

async function pidOfFinishedProcess(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid!;
}
