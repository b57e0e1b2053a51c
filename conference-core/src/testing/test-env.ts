/**
 * Where the integration suites find their real servers. `npm test` (tests/scripts/run-tests.ts)
 * sets these after it has found or started the services; the defaults are the project machines'
 * standard local services, so `npx vitest run --project int` also works there directly.
 * This is the only test module that reads the environment.
 */
export const testEnv = Object.freeze({
  /** A PostgreSQL server where the suites may CREATE and DROP their own databases. */
  postgresAdminUrl: process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
  /** A fresh database of this run, for suites that need one ready to use (the hub in cluster mode). */
  databaseUrl: process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
  /** A Redis server the suites share, each with its own random queue prefix. */
  redisUrl: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  /** The redis-server binary, for suites that start (and kill) a private instance. */
  redisServerBin: process.env['TEST_REDIS_SERVER_BIN'] ?? 'redis-server',
});
