import { mkdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from '../logging/logger.js';
import { withTimeout } from '../timeout.js';
import { DatabaseUnavailableError } from './errors.js';
import { PGliteDialect } from './pglite-dialect.js';
import {
  holdsDatabase,
  pgliteTemplateFile,
  readPGliteTemplate,
  savePGliteTemplate,
} from './pglite-template.js';
import { lockDirectory } from './pglite-lock.js';
import type { DatabaseSchema } from './schema.js';
import { copyCapablePool } from './pg-copy.js';
import { pgliteParsers, pgTypes } from './type-parsers.js';

export interface OpenDatabaseOptions {
  /** PostgreSQL connection URL (cluster mode). Without it the embedded PGlite database is used. */
  databaseUrl?: string | undefined;
  /** The data directory; the embedded database lives in `<dataDir>/pglite`. */
  dataDir: string;
  logger: Logger;
  /** Most connections the PostgreSQL pool opens (default 10). PGlite always has exactly one. */
  poolSize?: number;
  /**
   * Where a freshly initialised PGlite database is kept as the template of the next new one
   * (`pglite-template.ts`); undefined: every new embedded database runs initdb.
   */
  pgliteTemplateDir?: string | undefined;
}

/** The database for the rest of the core; the same contract on both backends (`database.contract.ts`). */
export interface DatabaseHandle {
  readonly kind: 'postgres' | 'pglite';
  readonly db: Kysely<DatabaseSchema>;
  /** Resolves when the database answers a query; rejects with `DatabaseUnavailableError` otherwise. */
  ping(): Promise<void>;
  /** Waits for running queries, closes every connection and, for PGlite, frees the directory. */
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 2_000;
const PING_TIMEOUT_MS = 2_500;
const DEFAULT_POOL_SIZE = 10;

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  return options.databaseUrl === undefined || options.databaseUrl === ''
    ? openPGlite(options.dataDir, options.logger, options.pgliteTemplateDir)
    : openPostgres(options.databaseUrl, options.logger, options.poolSize ?? DEFAULT_POOL_SIZE);
}

/**
 * Opens no connection yet: the process starts (and can report itself unhealthy) while the
 * server is still down, and `ping()` or the first query finds out.
 */
function openPostgres(databaseUrl: string, logger: Logger, poolSize: number): DatabaseHandle {
  if (!Number.isInteger(poolSize) || poolSize < 1)
    throw new RangeError(`poolSize must be >= 1, got ${poolSize}`);
  const target = describeTarget(databaseUrl);
  const log = logger.child({ database: target });
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types: pgTypes,
  });
  // An idle client whose server restarts emits `error` on the pool; without a listener that is an
  // uncaught exception. The pool drops the client and opens a new one when next needed.
  pool.on('error', (error) => {
    log.warn({ error: describeError(error) }, 'an idle PostgreSQL connection failed and was discarded');
  });
  // A client that is checked out (a query or transaction in flight) has no pool listener: when
  // the server resets it, its `error` would be uncaught and end the process. The query in flight
  // rejects on its own and the broken client is not returned to the pool (it is not queryable),
  // so this listener only has to exist; the request that failed reports the outage.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool: copyCapablePool(pool) }) });
  log.info({ poolSize }, 'using PostgreSQL');

  return {
    kind: 'postgres',
    db,
    async ping() {
      try {
        await withTimeout(sql`select 1`.execute(db), PING_TIMEOUT_MS, 'no answer');
      } catch (error) {
        throw new DatabaseUnavailableError(
          `PostgreSQL at ${target} is unavailable: ${describeError(error)}`,
          {
            cause: error,
          },
        );
      }
    },
    close: once(async () => {
      await db.destroy();
      // Kysely ends the pool only if it was ever used.
      if (!pool.ending) await pool.end();
      log.info({}, 'PostgreSQL pool closed');
    }),
  };
}

/**
 * Takes the directory's lock now (a second process on the same folder fails at start) but opens
 * PGlite in the background: its first-time initialisation takes seconds, and the hub listens,
 * answers `/healthz` and reports itself unready meanwhile, as it does while PostgreSQL is down.
 * A failed open is retried by the next query (the migration step retries with backoff).
 */
async function openPGlite(
  dataDir: string,
  logger: Logger,
  templateDir: string | undefined,
): Promise<DatabaseHandle> {
  const directory = resolve(dataDir, 'pglite');
  const log = logger.child({ database: directory });
  await mkdir(dataDir, { recursive: true });
  const lock = await lockDirectory(directory, log);
  const create = async (): Promise<PGlite> => {
    const isNew = !holdsDatabase(directory);
    const templateFile = isNew && templateDir !== undefined ? pgliteTemplateFile(templateDir) : undefined;
    const template = templateFile === undefined ? undefined : readPGliteTemplate(templateFile, log);
    if (template !== undefined) {
      try {
        const pglite = await PGlite.create(directory, { parsers: pgliteParsers, loadDataDir: template });
        log.info({ template: templateFile }, 'new embedded database created from the initdb template');
        return pglite;
      } catch (err) {
        // A damaged template: start over from initdb in a clean folder, and replace the template.
        log.warn(
          { error: describeError(err) },
          'the embedded database template did not load; running initdb',
        );
        // (The lock is the sibling file `<directory>.lock`, kept.)
        await rm(directory, { recursive: true, force: true });
      }
    }
    const pglite = await PGlite.create(directory, { parsers: pgliteParsers });
    if (isNew) log.info({}, 'new embedded database initialised (initdb)');
    if (templateFile !== undefined) await savePGliteTemplate(pglite, templateFile, log);
    return pglite;
  };
  let opening: Promise<PGlite> | undefined;
  const open = (): Promise<PGlite> =>
    (opening ??= create().then(
      (pglite) => {
        log.info({}, 'using the embedded PGlite database');
        return pglite;
      },
      (error: unknown) => {
        opening = undefined;
        throw new DatabaseUnavailableError(
          `the embedded database ${directory} could not be opened: ${describeError(error)}`,
          { cause: error },
        );
      },
    ));
  // Start now; whoever queries first waits for it (and sees its error, if any).
  open().catch(() => undefined);
  const db = new Kysely<DatabaseSchema>({ dialect: new PGliteDialect({ pglite: open }) });

  return {
    kind: 'pglite',
    db,
    async ping() {
      try {
        await sql`select 1`.execute(db);
      } catch (error) {
        throw error instanceof DatabaseUnavailableError
          ? error
          : new DatabaseUnavailableError(
              `the embedded database ${directory} is unavailable: ${describeError(error)}`,
              { cause: error },
            );
      }
    },
    close: once(async () => {
      try {
        await db.destroy();
        // Kysely closes the driver (and with it PGlite) only if it was ever used.
        const pglite = await opening?.catch(() => undefined);
        if (pglite !== undefined && !pglite.closed) await pglite.close();
      } finally {
        await lock.release();
      }
      log.info({}, 'embedded database closed');
    }),
  };
}

/** host:port/database and the user, never the password: this string goes into logs and errors. */
export function describeTarget(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
    return `${user}${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname || '/'}`;
  } catch {
    return '(a database URL that is not a valid URL)';
  }
}

/** A message for any thrown value; Node reports a refused dual-stack connect as an AggregateError with none. */
function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') {
    return error.errors.map(describeError).join('; ');
  }
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
    return error.message || code || error.name;
  }
  return String(error);
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
