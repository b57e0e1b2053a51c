import type { Kysely } from 'kysely';

/**
 * Calendar sync (issue 14, decision 0020 addendum): `calendar_item_links.fingerprint` is a hash of
 * the fields the hub maps from the upstream item, as last applied. A full re-read (a 410 restart,
 * a new delta round) then skips every item whose fingerprint is unchanged without touching the
 * meeting, so only real changes reach the event service.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('calendar_item_links').addColumn('fingerprint', 'text').execute();
}
