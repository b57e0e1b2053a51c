import type { FieldProblem } from './problem.js';

/**
 * Text no field of ours may hold: U+0000. PostgreSQL cannot store it in `text` (it ends C
 * strings), so without this check a NUL in any field or query reached the database and failed
 * there as a 500. Checked once for every request part, before any schema, so no endpoint can
 * forget it.
 */
export function nulCharacterProblems(part: 'path' | 'query' | 'body', value: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const visit = (v: unknown, path: string, depth: number): void => {
    if (problems.length >= 10 || depth > 32) return;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) problems.push({ field: path, message: 'must not contain the NUL character' });
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, `${path}.${i}`, depth + 1));
      return;
    }
    if (typeof v === 'object' && v !== null) {
      for (const [key, item] of Object.entries(v)) {
        if (key.includes('\u0000'))
          problems.push({ field: path, message: 'a key contains the NUL character' });
        visit(item, `${path}.${key}`, depth + 1);
      }
    }
  };
  visit(value, part, 0);
  return problems;
}

/** Years PostgreSQL and every client can store and show: 0001 to 9999 (there is no year 0). */
export function isSupportedInstant(value: string): boolean {
  const time = Date.parse(value);
  if (Number.isNaN(time)) return false;
  const year = new Date(time).getUTCFullYear();
  return year >= 1 && year <= 9999;
}
