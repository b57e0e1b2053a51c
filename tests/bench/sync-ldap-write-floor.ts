import { sql } from 'kysely';

import { openTestDatabase, type Backend } from '../src/support/sync-harness.js';

/**
 * A second floor for the sync-ldap benchmark: the database work alone. On a fresh database of the
 * same schema, the server itself inserts `count` users (the same columns the sync fills) and one
 * identity each, in two statements with no client round trips, no reads and no sync logic. What
 * remains is what every sync must pay on this schema: the rows, their seven indexes and the
 * foreign-key checks. A full sync cannot be faster than this plus reading the directory.
 */
export async function writeFloorMs(backend: Backend, count: number): Promise<number> {
  const database = await openTestDatabase(backend);
  try {
    const db = database.db;
    const tenant = await db
      .insertInto('tenants')
      .values({ slug: 'write-floor', name: 'write floor' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const started = performance.now();
    await db.transaction().execute(async (trx) => {
      // Time-ordered ids, as the sync makes them (UUIDv7: milliseconds first, then a counter).
      await sql`insert into users (id, tenant_id, email, display_name, given_name, family_name, language, phone)
        select (lpad(to_hex(floor(extract(epoch from clock_timestamp()) * 1000)::bigint), 12, '0')
                || lpad(to_hex(g), 8, '0') || substr(md5(g::text), 1, 12))::uuid,
               ${tenant.id}::uuid, 'user' || lpad(g::text, 6, '0') || '@ucs.test', 'Given' || g || ' Family' || g,
               'Given' || g, 'Family' || g, 'de', '+49 30 ' || g
        from generate_series(0, ${count - 1}::int) g`.execute(trx);
      await sql`insert into user_identities (tenant_id, user_id, source, external_id)
        select tenant_id, id, 'ucs:floor', gen_random_uuid()::text from users where tenant_id = ${tenant.id}::uuid`.execute(
        trx,
      );
    });
    return performance.now() - started;
  } finally {
    await database.remove();
  }
}
