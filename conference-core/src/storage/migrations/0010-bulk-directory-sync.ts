import { sql, type Kysely } from 'kysely';

/**
 * Bulk directory sync (issue 18, decision 0028).
 *
 * - `user_identities.linked_by_run`: the sync run that made the identity (a user it created, or an
 *   existing account it linked). A full run counts an identity it made itself as seen, so it writes
 *   no `seen` mark for it: the first full sync of a directory writes no mark per user. No foreign
 *   key: runs are deleted with their connector, and the id only ever answers "was it this run?".
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table user_identities add column linked_by_run uuid`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table user_identities drop column linked_by_run`.execute(db);
}
