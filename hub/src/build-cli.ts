import { ensureHubBundled } from './build/hub-bundle.js';
import { ensureOutlookAddinBuilt } from './outlook-addin/build.js';
import { ensureWebClientBuilt } from './web-client/build.js';

/**
 * `npm run build` (every part, forced), `npm run build:web` / `build:outlook` (`--only=web`,
 * `--only=outlook`) and the launcher's builds (`--if-stale`, with `--only=hub` or
 * `--only=browser`): compiles the hub to `hub/dist/` and builds the web client and the Outlook
 * add-in; with `--if-stale` each only when the hash of its sources changed. Exit code 1 when a
 * build fails.
 */
const force = !process.argv.includes('--if-stale');
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const parts = [
  { id: 'hub', name: 'hub', group: 'hub', ensure: () => ensureHubBundled({ force }) },
  { id: 'web', name: 'web client', group: 'browser', ensure: () => ensureWebClientBuilt({ force }) },
  {
    id: 'outlook',
    name: 'Outlook add-in',
    group: 'browser',
    ensure: () => ensureOutlookAddinBuilt({ force }),
  },
];
const chosen = parts.filter((p) => only === undefined || p.group === only || p.id === only);
if (chosen.length === 0) {
  process.stderr.write(`--only=${only}: expected hub, browser, web or outlook\n`);
  process.exit(2);
}
for (const part of chosen) {
  const started = Date.now();
  try {
    const outcome = await part.ensure();
    if (outcome === 'built') process.stderr.write(`${part.name} built in ${Date.now() - started} ms\n`);
  } catch (err) {
    process.stderr.write(`${part.name}: build failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
