/** The storage layer's public surface. The contract suite (`database.contract.ts`) is test-only. */
export { openDatabase, describeTarget } from './database.js';
export type { DatabaseHandle, OpenDatabaseOptions } from './database.js';
export { DatabaseLockedError, DatabaseUnavailableError, MigrationError } from './errors.js';
export { jsonb } from './jsonb.js';
export { migrateToLatest } from './migrate.js';
export { migrations } from './migrations/index.js';
export type { NamedMigration } from './migrations/index.js';
export { PGliteDialect } from './pglite-dialect.js';
export type { PGliteDialectConfig } from './pglite-dialect.js';
export type { DatabaseSchema, TenantsTable } from './schema.js';
export { createTenantRepository, TENANT_SLUG_PATTERN } from './tenant-repository.js';
export type {
  CreateTenantResult,
  EnsureTenantResult,
  NewTenant,
  Tenant,
  TenantRepository,
} from './tenant-repository.js';
