import { openDatabase } from '@vc/conference-core';

import { formatConfigProblems, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { runAdminCommand } from './operator/admin-commands.js';
import { pgliteTemplateDir } from './pglite-template-dir.js';

/**
 * `npm run admin -- <command>`: the operator's recovery commands on the host (list tenants and
 * administrators, enable an account, grant or revoke tenant administration, unlink or hand over an
 * account to a directory source). Uses the hub's configuration (DATABASE_URL or DATA_DIR); exits 0
 * done, 1 refused (nothing changed), 2 usage or configuration.
 */
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
  pgliteTemplateDir,
  poolSize: 1,
  logger,
});
let exitCode = 1;
try {
  const result = await runAdminCommand(database.db, process.argv.slice(2));
  (result.exitCode === 0 ? process.stdout : process.stderr).write(`${result.output}\n`);
  exitCode = result.exitCode;
} catch (err) {
  // An unmigrated or unreachable database: say so in one line, nothing was changed.
  process.stderr.write(`failed, nothing changed: ${err instanceof Error ? err.message : String(err)}\n`);
} finally {
  await database.close();
}
process.exit(exitCode);
