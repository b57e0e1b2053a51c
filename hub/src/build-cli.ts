import { ensureHubBundled } from './build/hub-bundle.js';
import { ensureOutlookAddinBuilt } from './outlook-addin/build.js';
import { ensureWebClientBuilt } from './web-client/build.js';

/**
 * `npm run build` (forces every part) and the start scripts' check (`--if-stale`): compiles the
 * hub to `hub/dist/` and builds the web client and the Outlook add-in, each only when the hash of
 * its sources changed. Exit code 1 when a build fails.
 */
const force = !process.argv.includes('--if-stale');
const parts = [
  ['hub', () => ensureHubBundled({ force })],
  ['web client', () => ensureWebClientBuilt({ force })],
  ['Outlook add-in', () => ensureOutlookAddinBuilt({ force })],
] as const;
for (const [name, ensure] of parts) {
  const started = Date.now();
  try {
    const outcome = await ensure();
    if (outcome === 'built') process.stderr.write(`${name} built in ${Date.now() - started} ms\n`);
  } catch (err) {
    process.stderr.write(`${name}: build failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
