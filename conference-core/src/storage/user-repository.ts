import { sql, type Selectable } from 'kysely';
import { allUuids, assertPageSize, isUuid, prefixPattern, type Db } from './repository-support.js';
import type { UserIdentitiesTable, UsersTable } from './schema.js';

export interface User {
  readonly id: string;
  readonly tenantId: string;
  readonly email: string;
  readonly displayName: string;
  readonly givenName: string | null;
  readonly familyName: string | null;
  /** BCP 47, like `de` or `en`. */
  readonly language: string | null;
  /** IANA name, like `Europe/Berlin`. */
  readonly timeZone: string | null;
  readonly phone: string | null;
  readonly disabledAt: Date | null;
  readonly lastLoginAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewUser {
  readonly email: string;
  readonly displayName: string;
  readonly givenName?: string | null;
  readonly familyName?: string | null;
  readonly language?: string | null;
  readonly timeZone?: string | null;
  readonly phone?: string | null;
}

/** Only the fields present change; `null` clears an optional one. */
export type UserPatch = Partial<NewUser>;

export interface UserIdentity {
  readonly userId: string;
  readonly source: string;
  readonly externalId: string;
  readonly createdAt: Date;
}

export type CreateUserResult =
  { readonly ok: true; readonly user: User } | { readonly ok: false; readonly reason: 'email_taken' };

export type UpdateUserResult =
  | { readonly ok: true; readonly user: User }
  | { readonly ok: false; readonly reason: 'not_found' | 'email_taken' };

export type LinkIdentityResult =
  | { readonly ok: true; readonly created: boolean }
  | { readonly ok: false; readonly reason: 'identity_taken' | 'user_not_found' };

/**
 * Every method takes the tenant first and sees only that tenant's rows: another tenant's user is
 * "not found", exactly like a user that does not exist.
 */
export interface UserRepository {
  /** An email already used in the tenant, in any letter case, is an expected outcome. */
  create(tenantId: string, user: NewUser): Promise<CreateUserResult>;
  findById(tenantId: string, id: string): Promise<User | undefined>;
  /** Many users in one round trip; ids not found (or not uuids) are left out. */
  findManyByIds(tenantId: string, ids: readonly string[]): Promise<User[]>;
  /** Compares case-insensitively. */
  findByEmail(tenantId: string, email: string): Promise<User | undefined>;
  findByIdentity(tenantId: string, source: string, externalId: string): Promise<User | undefined>;
  /**
   * Enabled users whose phone number, ignoring spaces and punctuation, is `digits` (a leading
   * `+` kept); at most `limit`. The SIP gateway names a caller only when exactly one matches.
   */
  findByPhone(tenantId: string, digits: string, limit: number): Promise<User[]>;
  /**
   * Links an external identity to the user. Linking it again to the same user changes nothing
   * (`created: false`); an identity already linked to another user stays where it is.
   */
  linkIdentity(
    tenantId: string,
    userId: string,
    source: string,
    externalId: string,
  ): Promise<LinkIdentityResult>;
  /** Ordered by source, then external id. */
  listIdentities(tenantId: string, userId: string): Promise<UserIdentity[]>;
  update(tenantId: string, id: string, patch: UserPatch): Promise<UpdateUserResult>;
  /**
   * Enabled users whose email, display name, given name or family name starts with `query`,
   * ignoring case; `%` and `_` in the query match themselves. Ordered by display name.
   */
  search(tenantId: string, query: string, limit: number): Promise<User[]>;
  /** Records a login; does not count as a change to the profile (`updatedAt` stays). */
  markLogin(tenantId: string, id: string, at: Date): Promise<User | undefined>;
  /** `null` enables the user again. */
  setDisabled(tenantId: string, id: string, at: Date | null): Promise<User | undefined>;
}

const LINK_ATTEMPTS = 3;

export function createUserRepository(db: Db): UserRepository {
  const findById = async (tenantId: string, id: string): Promise<User | undefined> => {
    if (!allUuids(tenantId, id)) return undefined;
    const row = await db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toUser(row);
  };

  const findByEmail = async (tenantId: string, email: string): Promise<User | undefined> => {
    if (!isUuid(tenantId)) return undefined;
    const row = await db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where(sql`lower(email)`, '=', sql`lower(${email}::text)`)
      .executeTakeFirst();
    return row && toUser(row);
  };

  const identityOwner = async (tenantId: string, source: string, externalId: string) =>
    db
      .selectFrom('user_identities')
      .select('user_id')
      .where('tenant_id', '=', tenantId)
      .where('source', '=', source)
      .where('external_id', '=', externalId)
      .executeTakeFirst();

  const setTimestamp = async (
    tenantId: string,
    id: string,
    column: 'last_login_at' | 'disabled_at',
    at: Date | null,
  ): Promise<User | undefined> => {
    if (!allUuids(tenantId, id)) return undefined;
    const row = await db
      .updateTable('users')
      .set(column, at)
      // A login is not a change to the profile.
      .$if(column !== 'last_login_at', (query) => query.set('updated_at', sql<Date>`now()`))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && toUser(row);
  };

  return {
    async findManyByIds(tenantId, ids) {
      const wanted = ids.filter(isUuid);
      if (!isUuid(tenantId) || wanted.length === 0) return [];
      const rows = await db
        .selectFrom('users')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', wanted)
        .execute();
      return rows.map(toUser);
    },
    async findByPhone(tenantId, digits, limit) {
      if (!isUuid(tenantId) || !/^\+?[0-9]{3,20}$/.test(digits)) return [];
      const rows = await db
        .selectFrom('users')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('disabled_at', 'is', null)
        .where(sql<string>`regexp_replace(phone, '[^0-9+]', '', 'g')`, '=', digits)
        .limit(limit)
        .execute();
      return rows.map(toUser);
    },

    async create(tenantId, user) {
      if (!isUuid(tenantId)) throw new RangeError(`tenant id ${JSON.stringify(tenantId)} is not a uuid`);
      // No conflict target: the only unique key a new row can hit is the email (the id is fresh),
      // and DO NOTHING keeps a surrounding transaction usable where a caught error would not.
      const row = await db
        .insertInto('users')
        .values({
          ...userColumns(user),
          tenant_id: tenantId,
          email: user.email,
          display_name: user.displayName,
        })
        .onConflict((conflict) => conflict.doNothing())
        .returningAll()
        .executeTakeFirst();
      return row ? { ok: true, user: toUser(row) } : { ok: false, reason: 'email_taken' };
    },

    findById,
    findByEmail,

    async findByIdentity(tenantId, source, externalId) {
      if (!isUuid(tenantId)) return undefined;
      const row = await db
        .selectFrom('users')
        .innerJoin('user_identities as identity', (join) =>
          join.onRef('identity.tenant_id', '=', 'users.tenant_id').onRef('identity.user_id', '=', 'users.id'),
        )
        .selectAll('users')
        .where('identity.tenant_id', '=', tenantId)
        .where('identity.source', '=', source)
        .where('identity.external_id', '=', externalId)
        .executeTakeFirst();
      return row && toUser(row);
    },

    async linkIdentity(tenantId, userId, source, externalId) {
      if (!allUuids(tenantId, userId)) return { ok: false, reason: 'user_not_found' };
      for (let attempt = 1; attempt <= LINK_ATTEMPTS; attempt++) {
        // Selecting the user in the insert makes a user of another tenant insert nothing.
        const inserted = await db
          .insertInto('user_identities')
          .columns(['tenant_id', 'user_id', 'source', 'external_id'])
          .expression((eb) =>
            eb
              .selectFrom('users')
              .select((select) => [
                'tenant_id',
                'id',
                select.val(source).as('source'),
                select.val(externalId).as('external_id'),
              ])
              .where('tenant_id', '=', tenantId)
              .where('id', '=', userId),
          )
          .onConflict((conflict) => conflict.columns(['tenant_id', 'source', 'external_id']).doNothing())
          .returning('user_id')
          .executeTakeFirst();
        if (inserted) return { ok: true, created: true };
        const owner = await identityOwner(tenantId, source, externalId);
        if (owner) {
          return owner.user_id === userId.toLowerCase()
            ? { ok: true, created: false }
            : { ok: false, reason: 'identity_taken' };
        }
        if (!(await findById(tenantId, userId))) return { ok: false, reason: 'user_not_found' };
        // The conflicting link was removed between the two statements; try again.
      }
      throw new Error(`could not link identity ${source}/${externalId}: it kept changing concurrently`);
    },

    async listIdentities(tenantId, userId) {
      if (!allUuids(tenantId, userId)) return [];
      const rows = await db
        .selectFrom('user_identities')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .orderBy(sql`source collate "C"`)
        .orderBy(sql`external_id collate "C"`)
        .execute();
      return rows.map(toIdentity);
    },

    async update(tenantId, id, patch) {
      if (!allUuids(tenantId, id)) return { ok: false, reason: 'not_found' };
      const { email } = patch;
      const row = await db
        .updateTable('users')
        .set({ ...userColumns(patch), updated_at: sql<Date>`now()` })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .$if(email !== undefined, (query) =>
          query.where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('users as other')
                  .select('other.id')
                  .where('other.tenant_id', '=', tenantId)
                  .where(sql`lower(other.email)`, '=', sql`lower(${email}::text)`)
                  .where('other.id', '<>', id),
              ),
            ),
          ),
        )
        .returningAll()
        .executeTakeFirst();
      if (row) return { ok: true, user: toUser(row) };
      // Two concurrent updates to the same new email can both pass the check above; the unique
      // index then fails the second with an error, which is the rare price of not locking.
      const holder = email === undefined ? undefined : await findByEmail(tenantId, email);
      return holder && holder.id !== id.toLowerCase() && (await findById(tenantId, id))
        ? { ok: false, reason: 'email_taken' }
        : { ok: false, reason: 'not_found' };
    },

    async search(tenantId, query, limit) {
      assertPageSize(limit);
      if (!isUuid(tenantId)) return [];
      // Lowercased in SQL like the indexed columns; backslash is LIKE's default escape character.
      const pattern = sql<string>`lower(${prefixPattern(query)}::text)`;
      const rows = await db
        .selectFrom('users')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('disabled_at', 'is', null)
        .where((eb) =>
          eb.or(
            ['email', 'display_name', 'given_name', 'family_name'].map((column) =>
              eb(sql`lower(${sql.ref(column)})`, 'like', pattern),
            ),
          ),
        )
        .orderBy(sql`lower(display_name) collate "C"`)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toUser);
    },

    markLogin: (tenantId, id, at) => setTimestamp(tenantId, id, 'last_login_at', at),
    setDisabled: (tenantId, id, at) => setTimestamp(tenantId, id, 'disabled_at', at),
  };
}

function userColumns(user: UserPatch) {
  return {
    ...(user.email !== undefined && { email: user.email }),
    ...(user.displayName !== undefined && { display_name: user.displayName }),
    ...(user.givenName !== undefined && { given_name: user.givenName }),
    ...(user.familyName !== undefined && { family_name: user.familyName }),
    ...(user.language !== undefined && { language: user.language }),
    ...(user.timeZone !== undefined && { time_zone: user.timeZone }),
    ...(user.phone !== undefined && { phone: user.phone }),
  };
}

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    email: row.email,
    displayName: row.display_name,
    givenName: row.given_name,
    familyName: row.family_name,
    language: row.language,
    timeZone: row.time_zone,
    phone: row.phone,
    disabledAt: row.disabled_at,
    lastLoginAt: row.last_login_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toIdentity(row: Selectable<UserIdentitiesTable>): UserIdentity {
  return { userId: row.user_id, source: row.source, externalId: row.external_id, createdAt: row.created_at };
}
