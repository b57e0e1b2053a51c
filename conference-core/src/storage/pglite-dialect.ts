import {
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
} from 'kysely';
import { PGliteDriver, type PGliteDriverConfig } from './pglite-driver.js';

export type PGliteDialectConfig = PGliteDriverConfig;

/**
 * Kysely on PGlite. PGlite is PostgreSQL compiled to WebAssembly, so everything except the driver
 * is kysely's own PostgreSQL support: the same SQL, the same introspection, and the same migration
 * lock (a session advisory lock, which on the single PGlite session is always granted at once).
 */
export class PGliteDialect implements Dialect {
  readonly #config: PGliteDialectConfig;

  constructor(config: PGliteDialectConfig) {
    this.#config = config;
  }

  createDriver(): Driver {
    return new PGliteDriver(this.#config);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}
