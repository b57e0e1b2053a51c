import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { InvalidCursorError } from './errors.js';
import type { DatabaseSchema } from './schema.js';

/** What every repository takes: the database, or a transaction the caller controls. */
export type Db = Kysely<DatabaseSchema>;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checked before a uuid reaches a query: PostgreSQL rejects a malformed uuid with an error, which
 * would also abort the caller's transaction. Repositories answer "not found" without asking.
 */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

export function allUuids(...values: readonly string[]): boolean {
  return values.every(isUuid);
}

/**
 * Runs `work` in the caller's transaction when there is one, otherwise in a new one, so a
 * repository method of several statements is atomic either way.
 */
export async function inTransaction<T>(
  db: Db,
  work: (trx: Transaction<DatabaseSchema>) => Promise<T>,
): Promise<T> {
  return db.isTransaction ? work(db as Transaction<DatabaseSchema>) : db.transaction().execute(work);
}

/** A LIKE pattern matching values that start with `prefix` literally (`%` and `_` included). */
export function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** Page sizes a listing accepts; the edge chooses within them. */
export const MAX_PAGE_SIZE = 500;

export function assertPageSize(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new RangeError(`a page size must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${limit}`);
  }
}

/**
 * A keyset position: an instant (null sorts after every instant) and an id breaking ties.
 * The instant is PostgreSQL's own text with microseconds: a JavaScript Date keeps only
 * milliseconds, and a position rounded to them would repeat or skip rows on the page boundary.
 */
export interface CursorPosition {
  readonly at: string | null;
  readonly id: string;
}

const EXACT_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Selects a timestamptz column as the exact text a cursor holds (UTC, microseconds). */
export function exactInstant(column: string): RawBuilder<string | null> {
  return sql<string | null>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** Also rejects what the pattern allows but PostgreSQL would not parse, like February 30. */
function isExactInstant(value: unknown): value is string {
  if (typeof value !== 'string' || !EXACT_INSTANT.test(value)) return false;
  const millis = Date.parse(value);
  return !Number.isNaN(millis) && new Date(millis).toISOString().slice(0, 19) === value.slice(0, 19);
}

/** An opaque cursor: base64url JSON naming the listing it belongs to. */
export function encodeCursor(listing: string, position: CursorPosition): string {
  return Buffer.from(JSON.stringify({ l: listing, a: position.at, i: position.id })).toString('base64url');
}

/** The position in `cursor`; throws `InvalidCursorError` for anything `encodeCursor` did not make. */
export function decodeCursor(listing: string, cursor: string): CursorPosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('the page cursor is not one this server handed out');
  }
  if (typeof decoded !== 'object' || decoded === null) {
    throw new InvalidCursorError('the page cursor is not one this server handed out');
  }
  const { l, a, i } = decoded as Record<string, unknown>;
  if (l !== listing)
    throw new InvalidCursorError(`the page cursor does not belong to this listing (${listing})`);
  if (typeof i !== 'string' || !isUuid(i) || !(a === null || isExactInstant(a))) {
    throw new InvalidCursorError('the page cursor is not one this server handed out');
  }
  return { at: a, id: i };
}

/** A page of a keyset listing; `nextCursor` is absent on the last page. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}

/** A reference a new row makes: the outcome to report when it is missing, its table, its id. */
export type Reference<Reason extends string> = readonly [
  reason: Reason,
  table: 'users' | 'rooms' | 'events',
  id: string,
];

/**
 * The first reference that names no row of the tenant (a malformed id names none), in one query.
 * Asked before an insert so that another tenant's id is an expected outcome rather than a
 * foreign key error, which would also abort the caller's transaction. A row deleted between the
 * two statements still fails the insert on the composite foreign key: integrity never depends
 * on this check.
 */
export async function firstMissing<Reason extends string>(
  db: Db,
  tenantId: string,
  references: readonly Reference<Reason>[],
): Promise<Reason | undefined> {
  if (!isUuid(tenantId)) return references[0]?.[0];
  const wellFormed = references.filter(([, , id]) => isUuid(id));
  const found =
    wellFormed.length === 0
      ? {}
      : ((await db
          .selectNoFrom((eb) =>
            wellFormed.map(([, table, id], index) =>
              eb
                .exists(
                  eb.selectFrom(table).select('id').where('tenant_id', '=', tenantId).where('id', '=', id),
                )
                .as(`found_${index}`),
            ),
          )
          .executeTakeFirstOrThrow()) as Record<string, unknown>);
  return references.find((reference) => {
    const index = wellFormed.indexOf(reference);
    return index === -1 || found[`found_${index}`] !== true;
  })?.[0];
}
