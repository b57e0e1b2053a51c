import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Logger } from '../logging/logger.js';
import { MigrationError } from './errors.js';
import { migrations, type NamedMigration } from './migrations/index.js';

/**
 * Applies every pending migration and returns their names (empty when the schema is current).
 *
 * All pending migrations run in ONE transaction (kysely does this on PostgreSQL, and PGlite is
 * PostgreSQL), so a failure anywhere leaves the schema exactly as it was and throws a
 * `MigrationError`. Concurrent runs (two processes starting against one PostgreSQL) are
 * serialized by kysely's session advisory lock: the second waits, then finds nothing to do.
 *
 * `registry` exists for tests; production code always migrates the registry in `migrations/`.
 */
export async function migrateToLatest<DB>(
  db: Kysely<DB>,
  logger: Logger,
  registry: readonly NamedMigration[] = migrations,
): Promise<string[]> {
  const migrator = new Migrator({ db, provider: registryProvider(registry) });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : 'a non-Error value was thrown';
    throw new MigrationError(
      failed === undefined
        ? `migrating the database failed before any migration ran: ${reason}`
        : `migration ${failed} failed, so none of the ${results.length} pending migration(s) was applied ` +
            `(they run in one transaction): ${reason}`,
      { cause: error, migration: failed },
    );
  }
  const applied = results
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
  for (const name of applied) logger.info({ migration: name }, 'migration applied');
  logger.info(
    { applied: applied.length },
    applied.length > 0 ? 'database schema migrated' : 'database schema already up to date',
  );
  return applied;
}

/**
 * Kysely orders migrations by sorting their names, so the registry must already be in that order;
 * checking it here turns a misnumbered file into an error at start rather than a silent reorder.
 */
function registryProvider(registry: readonly NamedMigration[]): MigrationProvider {
  const byName: Record<string, Migration> = {};
  let previous: string | undefined;
  for (const { name, up, down } of registry) {
    if (previous !== undefined && !(previous < name)) {
      throw new MigrationError(
        `the migration registry is out of order or has a duplicate: ${name} comes after ${previous}`,
      );
    }
    byName[name] = down ? { up, down } : { up };
    previous = name;
  }
  return { getMigrations: () => Promise.resolve(byName) };
}
