import { CompiledQuery } from 'kysely';

/**
 * The data of one `copy ... from stdin`, handed to the driver as the query's only parameter. Both
 * drivers recognise it by its class (`pg-copy.ts` for PostgreSQL, `pglite-driver.ts`), so no
 * ordinary query can be taken for a copy, and the rows never pass through SQL text.
 */
export class CopyPayload {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** A value of a copied row: text, or null. */
export type CopyValue = string | null;

/**
 * Appends rows to `table` with COPY: the rows travel as one block of data, with no statement to
 * parse per row and no parameter arrays to unpack, which is what bulk loads are built for. Only
 * plain inserts: a row that breaks a constraint fails the whole copy (and the transaction), so a
 * caller copies rows it has already decided are new and has a slower path for when they are not.
 */
export async function copyRows(
  db: { executeQuery(query: CompiledQuery): Promise<unknown> },
  table: string,
  columns: readonly string[],
  rows: readonly (readonly CopyValue[])[],
): Promise<void> {
  if (rows.length === 0) return;
  const list = columns.map(quoteIdentifier).join(', ');
  await db.executeQuery(
    CompiledQuery.raw(`copy ${quoteIdentifier(table)} (${list}) from stdin`, [
      new CopyPayload(copyText(rows)),
    ]),
  );
}

/**
 * COPY's text format: one line per row, tab between columns, `\N` for null, and backslash,
 * newline, carriage return and tab escaped inside values (everything else is taken literally).
 */
export function copyText(rows: readonly (readonly CopyValue[])[]): string {
  let text = '';
  for (const row of rows) text += row.map(copyField).join('\t') + '\n';
  return text;
}

function copyField(value: CopyValue): string {
  if (value === null) return '\\N';
  return /[\\\n\r\t]/.test(value) ? value.replace(/[\\\n\r\t]/g, escapeChar) : value;
}

function escapeChar(char: string): string {
  switch (char) {
    case '\\':
      return '\\\\';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    default:
      return '\\t';
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
