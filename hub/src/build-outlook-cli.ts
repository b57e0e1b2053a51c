import { ensureOutlookAddinBuilt } from './outlook-addin/build.js';

/** `npm run build:outlook` (and the prestart step): builds the Outlook add-in when its sources changed. */
const force = process.argv.includes('--force');
const started = Date.now();
const outcome = await ensureOutlookAddinBuilt({ force });
process.stdout.write(
  outcome === 'built'
    ? `outlook add-in built in ${Date.now() - started} ms\n`
    : 'outlook add-in is up to date\n',
);
