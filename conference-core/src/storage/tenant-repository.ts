import { sql, type Kysely, type Selectable } from 'kysely';
import { isUuid } from './repository-support.js';
import type { DatabaseSchema, TenantsTable } from './schema.js';

export interface Tenant {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewTenant {
  readonly slug: string;
  readonly name: string;
}

export type CreateTenantResult =
  { readonly ok: true; readonly tenant: Tenant } | { readonly ok: false; readonly reason: 'slug_taken' };

export interface EnsureTenantResult {
  readonly tenant: Tenant;
  /** False when a tenant with the slug already existed (its name is left as it was). */
  readonly created: boolean;
}

export interface TenantRepository {
  /** A taken slug is an expected outcome and comes back as a value. */
  create(tenant: NewTenant): Promise<CreateTenantResult>;
  /** Undefined for an unknown id, and for a string that is not a uuid at all. */
  findById(id: string): Promise<Tenant | undefined>;
  findBySlug(slug: string): Promise<Tenant | undefined>;
  /** Every tenant, ordered by slug byte by byte (`a-c` before `ab`), whatever the collation. */
  list(): Promise<Tenant[]>;
  /** Undefined when no tenant has the id. */
  rename(id: string, name: string): Promise<Tenant | undefined>;
  /** Gets the tenant with the slug or creates it; concurrent calls end with exactly one row. */
  ensure(tenant: NewTenant): Promise<EnsureTenantResult>;
}

/** The slug rule of the `tenants_slug_format` check constraint, for validating input at the edge. */
export const TENANT_SLUG_PATTERN = /^(?=.{1,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;

const ENSURE_ATTEMPTS = 3;

/** Works on a `Kysely` or a `Transaction`, so callers choose the transaction boundaries. */
export function createTenantRepository(db: Kysely<DatabaseSchema>): TenantRepository {
  const insertUnlessTaken = async ({ slug, name }: NewTenant): Promise<Tenant | undefined> => {
    assertValid(slug, name);
    // ON CONFLICT DO NOTHING rather than catching the unique violation: an error would abort
    // a surrounding transaction, and this way a taken slug costs no exception at all.
    const row = await db
      .insertInto('tenants')
      .values({ slug, name })
      .onConflict((conflict) => conflict.column('slug').doNothing())
      .returningAll()
      .executeTakeFirst();
    return row && toTenant(row);
  };

  const findBySlug = async (slug: string): Promise<Tenant | undefined> => {
    if (!TENANT_SLUG_PATTERN.test(slug)) return undefined;
    const row = await db.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
    return row && toTenant(row);
  };

  return {
    async create(tenant) {
      const created = await insertUnlessTaken(tenant);
      return created ? { ok: true, tenant: created } : { ok: false, reason: 'slug_taken' };
    },

    async findById(id) {
      // Checked here because PostgreSQL rejects a malformed uuid with an error, which would also
      // abort the caller's transaction.
      if (!isUuid(id)) return undefined;
      const row = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toTenant(row);
    },

    findBySlug,

    async list() {
      // Byte order, not the database's collation: en_US (common on servers) ignores hyphens when
      // sorting, PGlite uses C, and the same call must list in the same order on both.
      const rows = await db
        .selectFrom('tenants')
        .selectAll()
        .orderBy(sql`slug collate "C"`)
        .execute();
      return rows.map(toTenant);
    },

    async rename(id, name) {
      assertValidName(name);
      if (!isUuid(id)) return undefined;
      const row = await db
        .updateTable('tenants')
        .set({ name, updated_at: sql<Date>`now()` })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toTenant(row);
    },

    async ensure(tenant) {
      // Insert-then-read: a concurrent insert of the same slug makes ours wait for it and then do
      // nothing, and the read that follows sees the committed row.
      for (let attempt = 1; attempt <= ENSURE_ATTEMPTS; attempt++) {
        const created = await insertUnlessTaken(tenant);
        if (created) return { tenant: created, created: true };
        const existing = await findBySlug(tenant.slug);
        if (existing) return { tenant: existing, created: false };
        // The conflicting row was deleted between the two statements; try again.
      }
      throw new Error(`could not get or create tenant ${tenant.slug}: it kept being deleted concurrently`);
    },
  };
}

function assertValid(slug: string, name: string): void {
  // Input reaching a repository has been validated at the edge; failing here is a bug upstream.
  if (!TENANT_SLUG_PATTERN.test(slug)) {
    throw new RangeError(
      `invalid tenant slug ${JSON.stringify(slug)}: use 1 to 63 lowercase letters, digits and single hyphens`,
    );
  }
  assertValidName(name);
}

function assertValidName(name: string): void {
  if (name.trim() === '') throw new RangeError('a tenant name must not be empty');
}

function toTenant(row: Selectable<TenantsTable>): Tenant {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
