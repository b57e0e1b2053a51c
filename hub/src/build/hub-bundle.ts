import { cpSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { projectRoot } from './project-root.js';
import { filesBelow, hashFiles, isStale } from './source-hash.js';

/**
 * The production build of the server side (docs/decisions/0022): one esbuild run bundles the hub's
 * entrypoints with the workspace packages they import (`@vc/*`, TypeScript sources) into plain
 * JavaScript under `hub/dist/`. npm packages stay external and are loaded from node_modules, so an
 * install without dev dependencies runs it and native or WASM packages (PGlite) keep their files.
 */
export const hubDist = join(projectRoot, 'hub', 'dist');
const stampFile = join(hubDist, '.source-hash');

/**
 * The processes the bundle can start (`node hub/dist/<name>.js`), and the launcher's check.
 * `hub/run.mjs` is plain JS and repeats the names; `run-entries.test.ts` holds them equal.
 */
export const hubEntrypoints = {
  main: 'main.ts',
  'migrate-cli': 'migrate-cli.ts',
  'token-cli': 'token-cli.ts',
  'admin-cli': 'admin-cli.ts',
  'build-freshness': 'build/freshness.ts',
};

/** Files read at run time next to the module that reads them (`new URL(..., import.meta.url)`). */
const assets = [{ from: join(projectRoot, 'conference-core', 'src', 'sip', 'prompts'), to: 'prompts' }];

/** The workspaces whose code ends up in the bundle: every one but the browser app and the tests. */
const notBundled = new Set(['web', 'tests']);

function serverSources(): string[] {
  const { workspaces } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
    workspaces: string[];
  };
  return [
    ...workspaces
      .filter((dir) => !notBundled.has(dir))
      .flatMap((dir) => [
        ...filesBelow(join(projectRoot, dir, 'src')),
        join(projectRoot, dir, 'package.json'),
      ]),
    join(projectRoot, 'package-lock.json'),
  ];
}

export function hubSourceHash(): string {
  return hashFiles(projectRoot, serverSources());
}

export function hubBundleIsStale(): boolean {
  return isStale(stampFile, hubSourceHash());
}

/** Bundles the hub when its sources changed since the last build (or always with `force`). */
export async function ensureHubBundled(options: { force?: boolean } = {}): Promise<'built' | 'fresh'> {
  const sourceHash = hubSourceHash();
  if (options.force !== true && !isStale(stampFile, sourceHash)) return 'fresh';
  // esbuild is a build tool (dev dependency): loaded only when a build runs.
  const { build } = await import('esbuild');
  // Built beside and swapped in whole: a second build at the same time (two `npm run` commands)
  // or a running hub never sees a half-written folder.
  const building = `${hubDist}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  await build({
    absWorkingDir: projectRoot,
    entryPoints: Object.fromEntries(
      Object.entries(hubEntrypoints).map(([name, file]) => [name, join(projectRoot, 'hub', 'src', file)]),
    ),
    outdir: building,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [
      {
        // Workspace packages are TypeScript sources: bundled. Everything else from npm: external.
        name: 'npm-packages-external',
        setup(pluginBuild) {
          pluginBuild.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@vc/') ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  for (const asset of assets) cpSync(asset.from, join(building, asset.to), { recursive: true });
  writeFileSync(join(building, '.source-hash'), sourceHash);
  swapIn(building, sourceHash);
  return 'built';
}

/**
 * Puts the built folder in place by renames only: the old folder is moved aside, then removed.
 * Removing it in place raced with a second build renaming its folder in (ENOTEMPTY, seen when two
 * hub nodes started at once after an edit). If another build got there first, its folder stays
 * when it holds these sources.
 */
function swapIn(building: string, sourceHash: string): void {
  const aside = `${building}-old`;
  try {
    try {
      renameSync(hubDist, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    renameSync(building, hubDist);
  } catch (err) {
    rmSync(building, { recursive: true, force: true, maxRetries: 5 });
    if (isStale(stampFile, sourceHash)) throw err;
  } finally {
    rmSync(aside, { recursive: true, force: true, maxRetries: 5 });
  }
}
