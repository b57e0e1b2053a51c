import type { PGlite, Results } from '@electric-sql/pglite';
import {
  AbortedTransactionError,
  CompiledQuery,
  IdentifierNode,
  RawNode,
  createQueryId,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { CopyPayload } from './copy-rows.js';
import { Utf8TextArray } from './utf8-text-array.js';
import { Mutex } from './mutex.js';

export interface PGliteDriverConfig {
  /** The database, or a factory called once on first use. The driver owns it and closes it. */
  readonly pglite: PGlite | (() => Promise<PGlite>);
  /**
   * How long a query waits for the single connection before failing (default 30 s). Waiting that
   * long almost always means a deadlock: code inside a transaction using `db` instead of `trx`.
   */
  readonly acquireTimeoutMs?: number;
}

const DEFAULT_ACQUIRE_TIMEOUT_MS = 30_000;
const COUNTED_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/**
 * PGlite is one PostgreSQL backend in this process: one session, one transaction at a time. Kysely
 * acquires a connection per query and holds it for a whole transaction, so a mutex around
 * acquire/release is what keeps two concurrent kysely transactions from running their statements
 * inside each other's BEGIN ... COMMIT.
 */
export class PGliteDriver implements Driver {
  readonly #config: PGliteDriverConfig;
  readonly #mutex = new Mutex();
  #pglite: PGlite | undefined;
  #connection: PGliteConnection | undefined;
  #destroyed = false;

  constructor(config: PGliteDriverConfig) {
    this.#config = config;
  }

  async init(): Promise<void> {
    const source = this.#config.pglite;
    const pglite = typeof source === 'function' ? await source() : source;
    await pglite.waitReady;
    this.#pglite = pglite;
    this.#connection = new PGliteConnection(pglite);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    this.#openConnection();
    const timeoutMs = this.#config.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS;
    await this.#mutex.lock(
      timeoutMs,
      () =>
        new Error(
          `waited ${timeoutMs} ms for the PGlite connection, which another query or transaction still ` +
            'holds; inside a transaction, run every query on its `trx`, never on the outer `db`',
        ),
    );
    try {
      return this.#openConnection();
    } catch (error) {
      this.#mutex.unlock();
      throw error;
    }
  }

  releaseConnection(_connection: DatabaseConnection): Promise<void> {
    this.#mutex.unlock();
    return Promise.resolve();
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const options = [
      settings.isolationLevel ? `isolation level ${settings.isolationLevel}` : '',
      settings.accessMode ?? '',
    ].filter((part) => part !== '');
    await connection.executeQuery(CompiledQuery.raw(['start transaction', ...options].join(' ')));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const result = await connection.executeQuery<{ command?: string }>(CompiledQuery.raw('commit'));
    // COMMIT of a transaction an earlier error aborted completes as ROLLBACK: report it, as the
    // kysely PostgresDriver does, instead of pretending the writes were saved.
    if (result.rows[0]?.command === 'ROLLBACK') throw new AbortedTransactionError();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await connection.executeQuery(compile(savepointCommand('savepoint', name), createQueryId()));
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await connection.executeQuery(compile(savepointCommand('rollback to', name), createQueryId()));
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await connection.executeQuery(compile(savepointCommand('release', name), createQueryId()));
  }

  /** Waits for the query or transaction in flight, then closes PGlite (which flushes to disk). */
  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    const pglite = this.#pglite;
    if (!pglite) return;
    const timeoutMs = this.#config.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS;
    // A transaction still running after the timeout is cut off: closing must not hang forever.
    let holding = true;
    await this.#mutex
      .lock(timeoutMs, () => new Error('timed out'))
      .catch(() => {
        holding = false;
      });
    try {
      if (!pglite.closed) await pglite.close();
    } finally {
      this.#pglite = undefined;
      this.#connection = undefined;
      if (holding) this.#mutex.unlock();
    }
  }

  #openConnection(): PGliteConnection {
    if (this.#destroyed) throw new Error('the PGlite database has been closed');
    if (!this.#connection) throw new Error('the PGlite driver was used before init()');
    return this.#connection;
  }
}

function savepointCommand(command: string, name: string): RawNode {
  // The identifier node makes the compiler quote the name, so a savepoint name cannot inject SQL.
  return RawNode.createWithChildren([RawNode.createWithSql(`${command} `), IdentifierNode.create(name)]);
}

class PGliteConnection implements DatabaseConnection {
  readonly #pglite: PGlite;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    // PGlite takes arrays of strings; the binary form is for node-postgres (`utf8-text-array.ts`).
    const parameters = compiledQuery.parameters.map((p) => (p instanceof Utf8TextArray ? p.toStrings() : p));
    const [payload] = parameters;
    if (parameters.length === 1 && payload instanceof CopyPayload) {
      // PGlite reads COPY data from a blob it exposes as the file /dev/blob (see `copyRows`).
      const sql = compiledQuery.sql.replace(/ from stdin$/, " from '/dev/blob'");
      const copied = await this.#pglite.query(sql, [], { blob: new Blob([payload.text]) });
      return { rows: [], numAffectedRows: BigInt(copied.affectedRows ?? 0) };
    }
    // Like node-postgres: the simple protocol (which allows several statements) without
    // parameters, the extended protocol with them. Raw multi-statement SQL then behaves alike.
    const results: Results[] =
      parameters.length === 0
        ? await this.#pglite.exec(compiledQuery.sql)
        : [await this.#pglite.query(compiledQuery.sql, parameters)];
    if (results.length !== 1) {
      // node-postgres (and so kysely's PostgresDriver) return no rows for several statements.
      return { rows: [] };
    }
    const [result] = results as [Results];
    const command = result.command;
    if (command === 'COMMIT' || command === 'ROLLBACK') return { rows: [{ command } as R] };
    return {
      rows: result.rows as R[],
      ...(command !== undefined && COUNTED_COMMANDS.has(command)
        ? { numAffectedRows: BigInt(result.rowCount ?? result.affectedRows ?? 0) }
        : {}),
    };
  }

  streamQuery<R>(_compiledQuery: CompiledQuery, _chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    // PGlite has no cursor API, and reading everything to hand it out in chunks would defeat
    // the only reason to stream: bounded memory.
    throw new Error(
      'streaming (.stream()) is not supported on PGlite; page with limit/offset or a keyset instead',
    );
  }
}
