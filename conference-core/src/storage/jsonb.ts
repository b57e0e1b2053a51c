import { sql, type RawBuilder } from 'kysely';
import type { JsonValue } from '../json.js';

/**
 * A value for a jsonb column or parameter. Always go through this rather than passing the object:
 * node-postgres turns a JavaScript array parameter into a PostgreSQL array literal, not JSON, so
 * `[1, 2]` fails on PostgreSQL while PGlite (which knows the parameter's type) accepts it.
 */
export function jsonb<T extends JsonValue>(value: T): RawBuilder<T> {
  return sql<T>`cast(${JSON.stringify(value)} as jsonb)`;
}
