import { formatConfigProblems, loadConfig } from './config.js';
import { startHub } from './hub.js';
import { createLogger } from './logger.js';

/**
 * The process entrypoint: configuration, the one logger, the hub, and signals. Exit codes: 0 after
 * a clean shutdown, 1 when start-up fails, 2 when the configuration is invalid.
 */
const loaded = loadConfig();
if (!loaded.ok) {
  process.stderr.write(`${formatConfigProblems(loaded.problems)}\n`);
  process.exit(2);
}
const config = loaded.config;
const logger = createLogger(config);

process.on('uncaughtException', (err) => {
  logger.error({ err }, 'uncaught exception; exiting');
  logger.flush();
  process.exit(1);
});
process.on('unhandledRejection', (err) => {
  logger.error({ err }, 'unhandled promise rejection; exiting');
  logger.flush();
  process.exit(1);
});

try {
  const hub = await startHub(config, logger);
  logger.info({ url: hub.url }, `hub listening on ${hub.url}`);

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal during shutdown; exiting now');
      logger.flush();
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'signal received');
    hub.stop().then(
      () => {
        logger.flush();
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
} catch (err) {
  logger.error({ err }, `hub failed to start: ${err instanceof Error ? err.message : String(err)}`);
  logger.flush();
  process.exit(1);
}
