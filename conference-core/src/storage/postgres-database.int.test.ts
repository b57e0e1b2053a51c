import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Logger, LogFields } from '../logging/logger.js';
import { silentLogger } from '../logging/logger.js';
import { testEnv } from '../testing/test-env.js';
import { describeDatabaseContract } from './database.contract.js';
import { openDatabase } from './database.js';
import { DatabaseUnavailableError } from './errors.js';
import { migrateToLatest } from './migrate.js';
import { migrations, type NamedMigration } from './migrations/index.js';
import { describeSchedulingContract } from './scheduling.contract.js';

const created: string[] = [];
const unusedDataDir = join(tmpdir(), 'vc-unused-data-dir');

/**
 * A fresh database per call. It sorts text like glibc's en_US (hyphens ignored), as many
 * production servers do, so the contract catches ordering that only holds under the C collation.
 */
async function createDatabase(): Promise<string> {
  const name = `vc_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testEnv.postgresAdminUrl });
  await admin.connect();
  try {
    await admin
      .query(
        `create database ${name} template template0 locale_provider icu icu_locale 'en-US-u-ka-shifted' locale 'C.UTF-8'`,
      )
      // A server built without ICU still runs the suite, with its default collation.
      .catch(() => admin.query(`create database ${name}`));
  } finally {
    await admin.end();
  }
  created.push(name);
  const url = new URL(testEnv.postgresAdminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

afterAll(async () => {
  const admin = new pg.Client({ connectionString: testEnv.postgresAdminUrl });
  await admin.connect();
  try {
    for (const name of created) {
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
      await admin.query(`drop database if exists ${name}`);
    }
  } finally {
    await admin.end();
  }
});

describeDatabaseContract('PostgreSQL', async () =>
  openDatabase({ databaseUrl: await createDatabase(), dataDir: unusedDataDir, logger: silentLogger }),
);

describeSchedulingContract('PostgreSQL', async () =>
  openDatabase({ databaseUrl: await createDatabase(), dataDir: unusedDataDir, logger: silentLogger }),
);

describe('PostgreSQL database', () => {
  it('applies each migration once when two processes migrate one fresh database at the same time', async () => {
    const url = await createDatabase();
    // Two pools are two independent sessions, exactly what two processes look like to the server.
    const [first, second] = await Promise.all(
      [1, 2].map(() => openDatabase({ databaseUrl: url, dataDir: unusedDataDir, logger: silentLogger })),
    );
    const slow: NamedMigration = {
      name: '9999-slow',
      async up(trx) {
        await sql`select pg_sleep(0.3)`.execute(trx);
        await trx.schema.createTable('slow').addColumn('id', 'integer').execute();
      },
    };
    const registry = [...migrations, slow];
    try {
      const runs = await Promise.all(
        [first!, second!].map((handle) => migrateToLatest(handle.db, silentLogger, registry)),
      );
      expect(runs.flat().sort()).toEqual(registry.map((migration) => migration.name).sort());
      expect(runs.some((applied) => applied.length === 0)).toBe(true);
    } finally {
      await Promise.all([first!.close(), second!.close()]);
    }
  });

  it('migrates through a pool of a single connection, as the migrate command opens it', async () => {
    const handle = await openDatabase({
      databaseUrl: await createDatabase(),
      dataDir: unusedDataDir,
      logger: silentLogger,
      poolSize: 1,
    });
    try {
      expect(await migrateToLatest(handle.db, silentLogger)).toEqual(
        migrations.map((migration) => migration.name),
      );
    } finally {
      await handle.close();
    }
  });

  it('survives the server killing an idle pooled connection and reconnects for the next query', async () => {
    const warnings: string[] = [];
    const handle = await openDatabase({
      databaseUrl: await createDatabase(),
      dataDir: unusedDataDir,
      logger: recordingLogger(warnings),
    });
    try {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(handle.db);
      const admin = new pg.Client({ connectionString: testEnv.postgresAdminUrl });
      await admin.connect();
      await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
      await admin.end();
      await waitFor(() => warnings.length > 0);
      expect(warnings[0]).toMatch(/idle PostgreSQL connection failed/);
      await expect(handle.ping()).resolves.toBeUndefined();
    } finally {
      await handle.close();
    }
  });

  it('opens with an unreachable server without throwing, and ping rejects within 3 s naming the server but not the password', async () => {
    const port = await closedPort();
    const handle = await openDatabase({
      databaseUrl: `postgres://app:s3cret-pass@127.0.0.1:${port}/hub`,
      dataDir: unusedDataDir,
      logger: silentLogger,
    });
    try {
      const started = Date.now();
      const error = await handle.ping().catch((caught: unknown) => caught);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect((error as Error).message).toContain(`127.0.0.1:${port}/hub`);
      expect((error as Error).message).toMatch(/ECONNREFUSED/);
      expect((error as Error).message).not.toContain('s3cret-pass');
    } finally {
      await handle.close();
    }
  });

  it('gives up the ping within 3 s when the server accepts the connection but never answers', async () => {
    const silent = await silentServer();
    const handle = await openDatabase({
      databaseUrl: `postgres://app@127.0.0.1:${silent.port}/hub`,
      dataDir: unusedDataDir,
      logger: silentLogger,
    });
    try {
      const started = Date.now();
      await expect(handle.ping()).rejects.toThrow(DatabaseUnavailableError);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await handle.close();
      await silent.close();
    }
  });
});

function recordingLogger(warnings: string[]): Logger {
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (_fields: LogFields, message: string) => void warnings.push(message),
    error: () => undefined,
    child: () => logger,
  };
  return logger;
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A port nothing listens on: bound by us a moment ago, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Accepts TCP connections and never says a word, like a server that hangs. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
