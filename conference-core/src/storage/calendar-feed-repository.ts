import { sql } from 'kysely';
import { allUuids, isUuid, type Db } from './repository-support.js';

/**
 * Secrets of the personal ICS feed URLs. Only the SHA-256 of a secret is stored, so a copy of
 * the database does not open anyone's calendar; a user has at most one, and a new one revokes
 * the old.
 */
export interface CalendarFeedRepository {
  /** Replaces the user's token hash. False when the tenant has no such user. */
  setTokenHash(tenantId: string, userId: string, tokenHash: string): Promise<boolean>;
  /** The user whose current token has this hash. */
  findUserByTokenHash(tenantId: string, tokenHash: string): Promise<string | undefined>;
  /** False when the user had no token. */
  revoke(tenantId: string, userId: string): Promise<boolean>;
}

/** Lowercase hex SHA-256, as `createHash('sha256').update(secret).digest('hex')` makes it. */
export const TOKEN_HASH_PATTERN = /^[0-9a-f]{64}$/;

export function createCalendarFeedRepository(db: Db): CalendarFeedRepository {
  return {
    async setTokenHash(tenantId, userId, tokenHash) {
      if (!TOKEN_HASH_PATTERN.test(tokenHash)) {
        throw new RangeError('a feed token hash must be the lowercase hex SHA-256 of the secret');
      }
      if (!allUuids(tenantId, userId)) return false;
      // Selecting the user in the insert makes a user of another tenant insert nothing; the
      // conflicting row is the same user's, so it is the same tenant's.
      const row = await db
        .insertInto('calendar_feed_tokens')
        .columns(['tenant_id', 'user_id', 'token_hash'])
        .expression((eb) =>
          eb
            .selectFrom('users')
            .select(['tenant_id', 'id', sql<string>`${tokenHash}::text`.as('token_hash')])
            .where('tenant_id', '=', tenantId)
            .where('id', '=', userId),
        )
        .onConflict((conflict) =>
          conflict.column('user_id').doUpdateSet({
            token_hash: (eb) => eb.ref('excluded.token_hash'),
            created_at: sql<Date>`now()`,
          }),
        )
        .returning('user_id')
        .executeTakeFirst();
      return row !== undefined;
    },

    async findUserByTokenHash(tenantId, tokenHash) {
      if (!isUuid(tenantId) || !TOKEN_HASH_PATTERN.test(tokenHash)) return undefined;
      const row = await db
        .selectFrom('calendar_feed_tokens')
        .select('user_id')
        .where('tenant_id', '=', tenantId)
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row?.user_id;
    },

    async revoke(tenantId, userId) {
      if (!allUuids(tenantId, userId)) return false;
      const result = await db
        .deleteFrom('calendar_feed_tokens')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
