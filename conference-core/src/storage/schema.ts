import type { Generated } from 'kysely';

/**
 * The tables as kysely sees them: snake_case columns exactly as in SQL, written by the migrations
 * in `migrations/`. Repositories map rows to the domain's camelCase types, so this file changes
 * only together with a migration.
 */
export interface DatabaseSchema {
  tenants: TenantsTable;
}

export interface TenantsTable {
  id: Generated<string>;
  /** Lowercase letters, digits and single hyphens, 1 to 63 characters (a check constraint). */
  slug: string;
  name: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
