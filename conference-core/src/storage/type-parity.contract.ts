import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../json.js';
import { jsonb } from './jsonb.js';
import type { DatabaseSchema } from './schema.js';

/**
 * Part of the database contract: both backends hand repositories the same JavaScript values
 * (the decisions are in `type-parsers.ts`). `db` is read when the tests run, after setup.
 */
export function describeTypeParity(db: () => Kysely<DatabaseSchema>): void {
  describe('types', () => {
    it('returns the same JavaScript types for every column type the schema uses', async () => {
      const instant = new Date('2024-02-29T12:34:56.789Z');
      const { rows } = await sql<Record<string, unknown>>`
      select ${instant}::timestamptz as instant, 42::int8 as big, count(*) as counted,
             array[1, 2]::int8[] as bigs, 7::int4 as small, true as flag, gen_random_uuid() as id,
             array['a', 'b,c', 'd"e', null]::text[] as tags, date '2024-02-29' as day,
             array[date '2024-02-29'] as days, 12.50::numeric as amount, ${jsonb({ a: [1] })} as doc
      from (values (1), (2), (3)) as three(n)`.execute(db());
      expect(rows).toEqual([
        {
          instant,
          big: 42,
          counted: 3,
          bigs: [1, 2],
          small: 7,
          flag: true,
          id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f-]{27}$/) as string,
          tags: ['a', 'b,c', 'd"e', null],
          day: '2024-02-29',
          days: ['2024-02-29'],
          amount: '12.50',
          doc: { a: [1] },
        },
      ]);
      expect(rows[0]?.['instant']).toBeInstanceOf(Date);
    });

    it('counts with kysely as a number', async () => {
      const { count } = await db()
        .selectFrom('tenants')
        .select((eb) => eb.fn.countAll().as('count'))
        .executeTakeFirstOrThrow();
      expect(typeof count).toBe('number');
    });

    it('round-trips every JSON shape through a jsonb column', async () => {
      const values: JsonValue[] = [
        { nested: { list: [1, 'two', null, true] } },
        [1, [2, 3]],
        'text',
        3.5,
        false,
        null,
        {},
      ];
      const read = await db()
        .transaction()
        .execute(async (trx) => {
          await sql`create temporary table contract_json (i int, doc jsonb) on commit drop`.execute(trx);
          for (const [i, value] of values.entries()) {
            await sql`insert into contract_json values (${i}, ${jsonb(value)})`.execute(trx);
          }
          return (await sql<{ doc: JsonValue }>`select doc from contract_json order by i`.execute(trx)).rows;
        });
      expect(read.map((row) => row.doc)).toEqual(values);
    });

    it('fails a query whose int8 does not fit a JavaScript number instead of rounding it', async () => {
      await expect(sql`select 9007199254740993::int8 as big`.execute(db())).rejects.toThrow(/safe integer/);
      // The connection survives the failed parse.
      await expect(sql`select 1 as n`.execute(db())).resolves.toMatchObject({ rows: [{ n: 1 }] });
    });
  });
}
