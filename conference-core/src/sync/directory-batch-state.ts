import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { DatabaseSchema } from '../storage/schema.js';
import type { DirectoryUser } from './directory-types.js';
import {
  emailsToLookUp,
  type AddressHolder,
  type BatchState,
  type LinkedUser,
  type StoredUser,
} from './directory-user-plan.js';

type Trx = Transaction<DatabaseSchema>;

/**
 * What the database holds for one batch of directory users, in two reads: the users linked to its
 * external ids, and the users holding the addresses it asks about (see `emailsToLookUp`).
 */
export async function readBatchState(
  trx: Trx,
  tenantId: string,
  source: string,
  records: readonly DirectoryUser[],
): Promise<BatchState> {
  const externalIds = [...new Set(records.map((record) => record.externalId))];
  const { rows: linkedRows } = await sql<StoredUserRow & { external_id: string; owns_user: boolean }>`
    select wanted.external_id, identity.owns_user, users.*
    from unnest(${externalIds}::text[]) as wanted(external_id)
    cross join lateral (${identityOf(tenantId, source, sql.ref('wanted.external_id'))}) as identity
    cross join lateral (
      select ${sql.join(storedUserColumns.map((c) => sql.ref(c)))} from users
      where users.tenant_id = ${tenantId} and users.id = identity.user_id limit 1
    ) as users`.execute(trx);
  const linked = new Map<string, LinkedUser>(
    linkedRows.map((row) => [row.external_id, { ...toStoredUser(row), owned: Boolean(row.owns_user) }]),
  );

  const emails = emailsToLookUp(records, linked);
  const byEmail = new Map<string, AddressHolder>();
  if (emails.length > 0) {
    // One index probe per address, like `identityOf`: with `lower(email) = any(...)` over a joined
    // batch of thousands of addresses the planner scanned every user of the tenant per batch,
    // which made a large full sync quadratic. The key is unique, so `limit 1` changes nothing.
    const { rows } = await sql<
      StoredUserRow & { email_key: string; has_source_identity: boolean; owned_by_source: boolean }
    >`
      select wanted.email_key, users.*
      from unnest(${emails}::text[]) as wanted(email_key)
      cross join lateral (
        select ${sql.join(storedUserColumns.map((c) => sql.ref(c)))},
          exists (
            select 1 from user_identities as identity
            where identity.tenant_id = users.tenant_id and identity.user_id = users.id
              and identity.source = ${source}
          ) as has_source_identity,
          exists (
            select 1 from user_identities as identity
            where identity.tenant_id = users.tenant_id and identity.user_id = users.id
              and identity.source = ${source} and identity.owns_user
          ) as owned_by_source
        from users
        where users.tenant_id = ${tenantId} and lower(users.email) = wanted.email_key
        limit 1
      ) as users`.execute(trx);
    for (const row of rows) {
      byEmail.set(row.email_key, {
        user: toStoredUser(row),
        hasSourceIdentity: Boolean(row.has_source_identity),
        ownedBySource: Boolean(row.owned_by_source),
      });
    }
  }
  return { linked, byEmail };
}

const storedUserColumns = [
  'users.id',
  'users.email',
  'users.display_name',
  'users.given_name',
  'users.family_name',
  'users.language',
  'users.phone',
  'users.disabled_at',
  'users.deactivated_by',
] as const;

interface StoredUserRow {
  id: string;
  email: string;
  display_name: string;
  given_name: string | null;
  family_name: string | null;
  language: string | null;
  phone: string | null;
  disabled_at: Date | null;
  deactivated_by: string | null;
}

/**
 * The identity of one external id, as a lateral subquery probed once per id of the batch. A plain
 * `external_id = any(...)` leaves the plan to the statistics: without fresh ones (a table that just
 * grew by a full sync, or autovacuum off) PostgreSQL scans every identity of the source for each
 * batch, which made a 100,000-user full sync quadratic. `limit 1` keeps the subquery from being
 * flattened into a join the planner could again get wrong; the key is unique anyway.
 */
export function identityOf(
  tenantId: string,
  source: string,
  externalId: RawBuilder<unknown>,
): RawBuilder<unknown> {
  return sql`select user_id, owns_user from user_identities
    where tenant_id = ${tenantId} and source = ${source} and external_id = ${externalId} limit 1`;
}

function toStoredUser(row: StoredUserRow): StoredUser {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    givenName: row.given_name,
    familyName: row.family_name,
    language: row.language,
    phone: row.phone,
    disabledAt: row.disabled_at,
    deactivatedBy: row.deactivated_by,
  };
}
