import { migrateToLatest, openDatabase } from '@vc/conference-core';

import { formatConfigProblems, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { pgliteTemplateDir } from './pglite-template-dir.js';

/**
 * `npm run migrate`: brings the configured database's schema up to date, then exits (0 done,
 * 1 failed with the schema unchanged, 2 invalid configuration).
 */
const loaded = loadConfig();
if (!loaded.ok) {
  process.stderr.write(`${formatConfigProblems(loaded.problems)}\n`);
  process.exit(2);
}
const config = loaded.config;
const logger = createLogger(config);
let exitCode = 0;
try {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    pgliteTemplateDir,
    poolSize: 1,
    logger,
  });
  try {
    // migrateToLatest logs each migration it applies and the outcome.
    await migrateToLatest(database.db, logger);
  } finally {
    await database.close();
  }
} catch (err) {
  logger.error(
    { err },
    `migration failed; the schema is unchanged: ${err instanceof Error ? err.message : String(err)}`,
  );
  exitCode = 1;
}
logger.flush();
process.exit(exitCode);
