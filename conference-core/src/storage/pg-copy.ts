import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { CopyPayload } from './copy-rows.js';

/**
 * The pool as kysely's PostgresDialect sees it, with one addition: a query whose only parameter
 * is a `CopyPayload` (see `copyRows`) runs as `COPY ... FROM STDIN` through pg-copy-streams on the
 * same client, so it takes part in the caller's transaction like any other statement. Everything
 * else goes to the pg client unchanged.
 */
export function copyCapablePool(pool: pg.Pool): PostgresPool {
  // One wrapper per client: kysely keeps its connection objects in a WeakMap keyed by the client.
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (wrapper === undefined) {
        wrapper = wrapClient(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

function wrapClient(client: pg.PoolClient): PostgresPoolClient {
  const query = (sql: string, parameters: readonly unknown[]) => {
    const [payload] = parameters;
    if (parameters.length === 1 && payload instanceof CopyPayload) return copyIn(client, sql, payload.text);
    return client.query(sql, [...parameters]);
  };
  return {
    query: query as unknown as PostgresPoolClient['query'],
    release: (destroy?: boolean) => client.release(destroy),
  };
}

async function copyIn(client: pg.PoolClient, sql: string, text: string) {
  const stream = client.query(copyFrom(sql));
  await pipeline(Readable.from([Buffer.from(text, 'utf8')]), stream);
  return { command: 'COPY', rowCount: stream.rowCount, rows: [] };
}
