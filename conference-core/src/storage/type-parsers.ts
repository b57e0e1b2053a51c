import pg from 'pg';
import type { CustomTypesConfig } from 'pg';

/**
 * One decision per PostgreSQL type where node-postgres and PGlite disagree out of the box, so
 * repositories see the same JavaScript values on both backends (pinned by `database.contract.ts`):
 *
 * - int8 (and `count(*)`): a `number`. node-postgres returns a string and PGlite a number or a
 *   bigint depending on size; a value outside the safe integer range fails the query with a
 *   RangeError instead of silently losing precision or changing type.
 * - date: the `YYYY-MM-DD` string. node-postgres builds a Date at local midnight and PGlite at UTC
 *   midnight, so a Date would shift by the process time zone on one of them.
 *
 * Already equal on both and left alone: timestamptz -> Date, json/jsonb -> parsed value,
 * uuid/text/numeric -> string, bool -> boolean, int2/int4/float -> number, arrays of these.
 */

export const INT8_OID = 20;
export const INT8_ARRAY_OID = 1016;
export const DATE_OID = 1082;
export const DATE_ARRAY_OID = 1182;

export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(
      `int8 value ${text} is outside the safe integer range of a JavaScript number; ` +
        'cast it to text or numeric in the query to read it',
    );
  }
  return value;
}

function keepText(text: string): string {
  return text;
}

/** Parsers for PGlite's `parsers` option; PGlite derives the array parsers from the element ones. */
export const pgliteParsers: Record<number, (text: string) => unknown> = {
  [INT8_OID]: parseInt8,
  [DATE_OID]: keepText,
};

const TEXT_ARRAY_OID = 1009;

// pg-types' declarations list only the scalar built-ins, not the array type ids.
const defaultParser = pg.types.getTypeParser as (
  oid: number,
  format?: 'text' | 'binary',
) => (text: string) => unknown;

/** node-postgres's parser for text[]: strings, nulls and nested arrays of them. */
function parseTextArray(text: string): unknown[] {
  return defaultParser(TEXT_ARRAY_OID)(text) as unknown[];
}

function mapElements(value: unknown, parse: (text: string) => unknown): unknown {
  if (Array.isArray(value)) return value.map((element) => mapElements(element, parse));
  return typeof value === 'string' ? parse(value) : value;
}

/**
 * A per-pool type configuration for node-postgres. Per pool rather than `pg.types.setTypeParser`,
 * which would change every pg client in the process, including ones we do not own.
 */
export const pgTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format === undefined || format === 'text') {
      switch (oid) {
        case INT8_OID:
          return parseInt8;
        case INT8_ARRAY_OID:
          return (text: string) => mapElements(parseTextArray(text), parseInt8);
        case DATE_OID:
          return keepText;
        case DATE_ARRAY_OID:
          return parseTextArray;
      }
    }
    return defaultParser(oid, format);
  }) as CustomTypesConfig['getTypeParser'],
};
