import { ensureWebClientBuilt } from './web-client/build.js';

/** `npm run build:web` (and the prestart step): builds the web client when its sources changed. */
const force = process.argv.includes('--force');
const started = Date.now();
const outcome = await ensureWebClientBuilt({ force });
process.stdout.write(
  outcome === 'built' ? `web client built in ${Date.now() - started} ms\n` : 'web client is up to date\n',
);
