// The one file that is JavaScript, not TypeScript: it starts before anything is compiled and in an
// install without dev dependencies. `node hub/run.mjs <entry> [args]` (what `npm start`, `npm run
// token` and the other scripts call) brings the compiled hub in hub/dist/ up to date when the build
// tools are installed, then runs hub/dist/<entry>.js in this process. The hub itself is built
// first; the browser bundles (web client, Outlook add-in) build beside the starting hub, whose
// pages say so until they are there. See docs/decisions/0022.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const hubDir = dirname(fileURLToPath(import.meta.url));
const entries = ['main', 'migrate-cli', 'token-cli', 'admin-cli'];
const entry = process.argv[2] ?? '';
if (!entries.includes(entry)) {
  process.stderr.write(`usage: node hub/run.mjs <${entries.join('|')}> [arguments]\n`);
  process.exit(2);
}
// The entry sees its own arguments only, as if it had been started directly.
process.argv.splice(2, 1);

const dist = join(hubDir, 'dist');
const compiled = join(dist, `${entry}.js`);
const buildToolsInstalled = existsSync(join(hubDir, '..', 'node_modules', 'tsx', 'package.json'));
const buildArgs = (group) => [
  '--import',
  'tsx',
  join(hubDir, 'src', 'build-cli.ts'),
  '--if-stale',
  `--only=${group}`,
];

/** Asks the compiled build itself what changed; without a build, everything did. */
async function staleGroups() {
  const check = join(dist, 'build-freshness.js');
  if (!existsSync(check)) return { hub: true, browser: true };
  const freshness = await import(pathToFileURL(check).href);
  return freshness.staleGroups();
}

if (buildToolsInstalled) {
  const stale = await staleGroups();
  if (stale.hub) {
    const build = spawnSync(process.execPath, buildArgs('hub'), { stdio: ['ignore', 'inherit', 'inherit'] });
    if (build.status !== 0) process.exit(1);
  }
  // Only the server serves pages; the command-line tools do not wait for them.
  if (stale.browser && entry === 'main') {
    const build = spawn(process.execPath, buildArgs('browser'), { stdio: ['ignore', 'inherit', 'inherit'] });
    build.once('exit', (code) => {
      if (code !== 0)
        process.stderr.write(`the browser bundles did not build (exit ${code}); pages answer 503\n`);
    });
    // A hub that stops takes its unfinished build along.
    process.once('exit', () => build.kill());
  }
} else if (!existsSync(compiled)) {
  process.stderr.write(
    `${compiled} is missing and this install has no build tools (installed without dev ` +
      `dependencies); run "npm ci && npm run build" first\n`,
  );
  process.exit(2);
}
await import(pathToFileURL(compiled).href);
