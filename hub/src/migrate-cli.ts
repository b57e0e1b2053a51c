import { migrateToLatest, openDatabase } from '@vc/conference-core';

import { formatConfigProblems, loadConfig } from './config.js';
import { createLogger } from './logger.js';

/** `npm run migrate`: brings the configured database's schema up to date, then exits. */
const loaded = loadConfig();
if (!loaded.ok) {
  process.stderr.write(`${formatConfigProblems(loaded.problems)}\n`);
  process.exit(2);
}
const config = loaded.config;
const logger = createLogger(config);
const database = await openDatabase({
  databaseUrl: config.databaseUrl,
  dataDir: config.dataDir,
  poolSize: 1,
  logger,
});
try {
  const applied = await migrateToLatest(database.db, logger);
  logger.info(
    { applied, backend: database.kind },
    applied.length === 0 ? 'schema already up to date' : `applied ${applied.length} migration(s)`,
  );
  await database.close();
  logger.flush();
} catch (err) {
  logger.error({ err }, 'migration failed; the schema is unchanged');
  await database.close();
  logger.flush();
  process.exit(1);
}
