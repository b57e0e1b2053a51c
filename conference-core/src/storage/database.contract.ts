import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AbortedTransactionError, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../logging/logger.js';
import {
  brokenMigration,
  createsTable,
  forgetMigration,
  recordedMigrations,
  schemaSnapshot,
  tableNames,
} from './contract-support.js';
import type { DatabaseHandle } from './database.js';
import { MigrationError } from './errors.js';
import { migrateToLatest } from './migrate.js';
import { migrations, type NamedMigration } from './migrations/index.js';
import type { DatabaseSchema } from './schema.js';
import { createTenantRepository } from './tenant-repository.js';
import { describeTypeParity } from './type-parity.contract.js';
import { Utf8TextArray } from './utf8-text-array.js';

/**
 * What every database backend must do the same way. `open` returns a handle on a database that
 * has never been migrated; the suite migrates it once and closes it at the end.
 */
export function describeDatabaseContract(label: string, open: () => Promise<DatabaseHandle>): void {
  describe(`database contract: ${label}`, () => {
    let handle: DatabaseHandle;
    let tablesBeforeMigrating: string[];
    let firstRun: string[];
    const db = (): Kysely<DatabaseSchema> => handle.db;
    const tenants = () => createTenantRepository(handle.db);
    const slug = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

    beforeAll(async () => {
      handle = await open();
      tablesBeforeMigrating = await tableNames(handle.db);
      firstRun = await migrateToLatest(handle.db, silentLogger);
    });
    afterAll(async () => {
      await handle?.close();
    });

    describe('migrations', () => {
      it('applies every registered migration to a fresh database', async () => {
        expect(tablesBeforeMigrating).not.toContain('tenants');
        expect(firstRun).toEqual(migrations.map((migration) => migration.name));
        expect(await tableNames(db())).toContain('tenants');
        expect(await recordedMigrations(db())).toEqual(firstRun);
      });

      it('does nothing when the schema is already current', async () => {
        const before = await schemaSnapshot(db());
        expect(await migrateToLatest(db(), silentLogger)).toEqual([]);
        expect(await schemaSnapshot(db())).toEqual(before);
      });

      it('leaves the schema and the migration record untouched when a pending migration fails', async () => {
        const before = await schemaSnapshot(db());
        const recorded = await recordedMigrations(db());
        const failing = [...migrations, createsTable('9998-contract-good', 'contract_good'), brokenMigration];

        const error = await migrateToLatest(db(), silentLogger, failing).catch((caught: unknown) => caught);

        expect(error).toBeInstanceOf(MigrationError);
        expect(error).toMatchObject({ code: 'migration_failed', migration: '9999-contract-broken' });
        expect((error as MigrationError).cause).toBeInstanceOf(Error);
        expect((error as MigrationError).message).toContain('9999-contract-broken');
        expect(await schemaSnapshot(db())).toEqual(before);
        expect(await tableNames(db())).not.toContain('contract_partial');
        expect(await recordedMigrations(db())).toEqual(recorded);
      });

      it('migrates normally again after a failed run, so the migration lock was released', async () => {
        await migrateToLatest(db(), silentLogger, [...migrations, brokenMigration]).catch(() => undefined);
        const good = createsTable('9998-contract-good', 'contract_good');
        try {
          expect(await migrateToLatest(db(), silentLogger, [...migrations, good])).toEqual([good.name]);
          expect(await tableNames(db())).toContain('contract_good');
        } finally {
          await forgetMigration(db(), good.name, 'contract_good');
        }
      });

      it('applies a migration exactly once when two runs race', async () => {
        const slow: NamedMigration = {
          name: '9997-contract-slow',
          async up(trx) {
            await sql`select pg_sleep(0.2)`.execute(trx);
            await trx.schema.createTable('contract_slow').addColumn('id', 'integer').execute();
          },
        };
        try {
          const runs = await Promise.all([
            migrateToLatest(db(), silentLogger, [...migrations, slow]),
            migrateToLatest(db(), silentLogger, [...migrations, slow]),
          ]);
          expect(runs.flat()).toEqual([slow.name]);
        } finally {
          await forgetMigration(db(), slow.name, 'contract_slow');
        }
      });

      it('refuses a registry whose names are out of order', async () => {
        const reordered = [createsTable('0000-too-early', 'contract_early'), ...migrations].reverse();
        await expect(migrateToLatest(db(), silentLogger, reordered)).rejects.toThrow(/out of order/);
        expect(await tableNames(db())).not.toContain('contract_early');
      });
    });

    describe('tenants', () => {
      it('creates a tenant and finds it by id, by slug and in the list', async () => {
        const created = await tenants().create({ slug: slug('acme'), name: 'ACME GmbH' });
        if (!created.ok) throw new Error('expected the tenant to be created');
        const { tenant } = created;
        expect(tenant).toMatchObject({ name: 'ACME GmbH', createdAt: expect.any(Date) as Date });
        expect(await tenants().findById(tenant.id)).toEqual(tenant);
        expect(await tenants().findBySlug(tenant.slug)).toEqual(tenant);
        expect(await tenants().list()).toContainEqual(tenant);
      });

      it('reports a taken slug as a value and keeps the first tenant', async () => {
        const taken = slug('taken');
        const first = await tenants().create({ slug: taken, name: 'First' });
        expect(await tenants().create({ slug: taken, name: 'Second' })).toEqual({
          ok: false,
          reason: 'slug_taken',
        });
        expect((await tenants().findBySlug(taken))?.name).toBe('First');
        expect(first.ok).toBe(true);
      });

      it('lists tenants ordered by slug byte by byte, whatever the database collation', async () => {
        // en_US collation ignores the hyphen and would put 'order-ab' first.
        await tenants().ensure({ slug: 'order-ab', name: 'AB' });
        await tenants().ensure({ slug: 'order-a-c', name: 'A-C' });
        const slugs = (await tenants().list()).map((tenant) => tenant.slug);
        expect(slugs).toEqual([...slugs].sort());
        expect(slugs.indexOf('order-a-c')).toBeLessThan(slugs.indexOf('order-ab'));
      });

      it('rejects a malformed slug in the repository and in the database itself', async () => {
        await expect(tenants().create({ slug: 'Not A Slug', name: 'x' })).rejects.toThrow(RangeError);
        await expect(
          db().insertInto('tenants').values({ slug: 'Bad--Slug', name: 'x' }).execute(),
        ).rejects.toThrow(/tenants_slug_format/);
      });

      it('returns undefined for an unknown id and for a malformed one, even inside a transaction', async () => {
        expect(await tenants().findById('0b6d9c1e-8a47-4a53-9d0f-3c0e1f2a3b4c')).toBeUndefined();
        await db()
          .transaction()
          .execute(async (trx) => {
            const inside = createTenantRepository(trx);
            expect(await inside.findById('not-a-uuid')).toBeUndefined();
            expect(await inside.findBySlug('NOT A SLUG')).toBeUndefined();
            // The transaction is still usable: nothing above reached the database as an error.
            await sql`select 1`.execute(trx);
          });
      });

      it('renames a tenant and moves updated_at forward', async () => {
        const created = await tenants().create({ slug: slug('rename'), name: 'Old' });
        if (!created.ok) throw new Error('expected the tenant to be created');
        await sleep(5);
        const renamed = await tenants().rename(created.tenant.id, 'New');
        expect(renamed).toMatchObject({
          id: created.tenant.id,
          name: 'New',
          createdAt: created.tenant.createdAt,
        });
        expect(renamed!.updatedAt.getTime()).toBeGreaterThan(created.tenant.updatedAt.getTime());
        expect(await tenants().rename('0b6d9c1e-8a47-4a53-9d0f-3c0e1f2a3b4c', 'Nobody')).toBeUndefined();
      });

      it('ensure creates a tenant once and then returns it unchanged', async () => {
        const wanted = slug('ensure');
        const first = await tenants().ensure({ slug: wanted, name: 'Original' });
        const second = await tenants().ensure({ slug: wanted, name: 'Other name' });
        expect(first.created).toBe(true);
        expect(second).toEqual({ created: false, tenant: first.tenant });
      });

      it('ensure called concurrently for one slug leaves exactly one row and one creator', async () => {
        const wanted = slug('race');
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => tenants().ensure({ slug: wanted, name: `caller ${i}` })),
        );
        expect(results.filter((result) => result.created)).toHaveLength(1);
        expect(new Set(results.map((result) => result.tenant.id)).size).toBe(1);
        const { count } = await db()
          .selectFrom('tenants')
          .select((eb) => eb.fn.countAll().as('count'))
          .where('slug', '=', wanted)
          .executeTakeFirstOrThrow();
        expect(count).toBe(1);
      });
    });

    describe('transactions', () => {
      it('rolls back every write of a transaction that throws', async () => {
        const doomed = slug('doomed');
        const failure = new Error('stop here');
        const run = db()
          .transaction()
          .execute(async (trx) => {
            await createTenantRepository(trx).create({ slug: doomed, name: 'Doomed' });
            throw failure;
          });
        await expect(run).rejects.toBe(failure);
        expect(await tenants().findBySlug(doomed)).toBeUndefined();
      });

      it('keeps a concurrent transaction apart from one that rolls back', async () => {
        const [doomed, kept] = [slug('doomed'), slug('kept')];
        const failing = db()
          .transaction()
          .execute(async (trx) => {
            await createTenantRepository(trx).create({ slug: doomed, name: 'Doomed' });
            await sleep(30);
            throw new Error('roll back');
          });
        await sleep(5);
        const committing = db()
          .transaction()
          .execute((trx) => createTenantRepository(trx).create({ slug: kept, name: 'Kept' }));
        const [failed, committed] = await Promise.allSettled([failing, committing]);
        expect(failed.status).toBe('rejected');
        expect(committed.status).toBe('fulfilled');
        expect(await tenants().findBySlug(doomed)).toBeUndefined();
        expect(await tenants().findBySlug(kept)).toBeDefined();
      });

      it('loses no update when concurrent transactions read and write the same locked row', async () => {
        const created = await tenants().create({ slug: slug('counter'), name: '0' });
        if (!created.ok) throw new Error('expected the tenant to be created');
        const { id } = created.tenant;
        const increment = () =>
          db()
            .transaction()
            .execute(async (trx) => {
              const row = await trx
                .selectFrom('tenants')
                .select('name')
                .where('id', '=', id)
                .forUpdate()
                .executeTakeFirstOrThrow();
              await sleep(10);
              await trx
                .updateTable('tenants')
                .set({ name: String(Number(row.name) + 1) })
                .where('id', '=', id)
                .execute();
            });
        await Promise.all(Array.from({ length: 5 }, increment));
        expect((await tenants().findById(id))?.name).toBe('5');
      });

      it('fails the commit of a transaction that an earlier error aborted', async () => {
        const lost = slug('lost');
        const run = db()
          .transaction()
          .execute(async (trx) => {
            await createTenantRepository(trx).create({ slug: lost, name: 'Lost' });
            await sql`select 1 / 0`.execute(trx).catch(() => undefined);
          });
        await expect(run).rejects.toBeInstanceOf(AbortedTransactionError);
        expect(await tenants().findBySlug(lost)).toBeUndefined();
      });

      it('rolls back to a savepoint and keeps the writes made before it', async () => {
        const [before, after] = [slug('before'), slug('after')];
        const trx = await db().startTransaction().execute();
        await createTenantRepository(trx).create({ slug: before, name: 'Before' });
        const withSavepoint = await trx.savepoint('before_after').execute();
        await createTenantRepository(withSavepoint).create({ slug: after, name: 'After' });
        await withSavepoint.rollbackToSavepoint('before_after').execute();
        await trx.commit().execute();
        expect(await tenants().findBySlug(before)).toBeDefined();
        expect(await tenants().findBySlug(after)).toBeUndefined();
      });

      it('runs a raw query of several statements without parameters', async () => {
        const rows = await db()
          .transaction()
          .execute(async (trx) => {
            await sql
              .raw(
                'create temporary table contract_multi (x int) on commit drop; insert into contract_multi values (1), (2)',
              )
              .execute(trx);
            return (await sql<{ x: number }>`select x from contract_multi order by x`.execute(trx)).rows;
          });
        expect(rows).toEqual([{ x: 1 }, { x: 2 }]);
      });
    });

    describeTypeParity(() => handle.db);

    it('answers a ping', async () => {
      await expect(handle.ping()).resolves.toBeUndefined();
    });

    it('reads a text[] parameter given as UTF-8 bytes as the same strings, in order', async () => {
      const items = [
        'Subject: plain\r\n\r\nhello\r\n',
        '',
        'Grüße 👋 "quoted" \\ back\\slash, {braces} NULL',
        'x'.repeat(70_000),
      ];
      const { rows } = await sql<{ item: string }>`select item
        from unnest(${new Utf8TextArray(items.map((item) => Buffer.from(item, 'utf8')))}::text[])
          with ordinality as u(item, at)
        order by at`.execute(db());
      expect(rows.map((row) => row.item)).toEqual(items);
      const empty = await sql<{
        n: number;
      }>`select cardinality(${new Utf8TextArray([])}::text[]) as n`.execute(db());
      expect(empty.rows).toEqual([{ n: 0 }]);
    });

    it('refuses a text[] item that is not valid UTF-8, as it refuses such text anywhere', async () => {
      const invalid = new Utf8TextArray([Buffer.from([0x61, 0xff, 0x62])]);
      await expect(sql`select unnest(${invalid}::text[])`.execute(db())).rejects.toThrow();
    });
  });
}
