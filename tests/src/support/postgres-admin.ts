import pg from 'pg';

import { testEnv } from '@vc/conference-core/testing';

/** Runs one statement (CREATE or DROP DATABASE) on the test PostgreSQL server. */
export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testEnv.postgresAdminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The URL of database `name` on the test PostgreSQL server. */
export function databaseUrl(name: string): string {
  const url = new URL(testEnv.postgresAdminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
