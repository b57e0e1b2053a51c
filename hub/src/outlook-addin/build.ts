import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { projectRoot } from '../build/project-root.js';
import { filesBelow, hashFiles, isStale } from '../build/source-hash.js';

/** Where the add-in's sources are, and where the built pages go (git-ignored). */
export const outlookAddinRoot = join(projectRoot, 'outlook-addin');
export const outlookAddinDist = join(outlookAddinRoot, 'dist');
const stampFile = join(outlookAddinDist, '.source-hash');
/** The pages Vite builds, one entry each. */
export const outlookAddinPages = ['taskpane', 'commands', 'dialog', 'tab', 'tab-auth'] as const;

/** A hash over every input of the build (content, not mtimes: see docs/decisions/0015). */
export function outlookAddinSourceHash(): string {
  return hashFiles(outlookAddinRoot, [
    ...filesBelow(join(outlookAddinRoot, 'src')),
    ...filesBelow(join(outlookAddinRoot, 'public')),
    ...outlookAddinPages.map((page) => join(outlookAddinRoot, `${page}.html`)),
    join(outlookAddinRoot, 'package.json'),
  ]);
}

export function outlookAddinIsStale(): boolean {
  return isStale(stampFile, outlookAddinSourceHash());
}

/** Builds the add-in's pages with Vite when their sources changed since the last build. */
export async function ensureOutlookAddinBuilt(options: { force?: boolean } = {}): Promise<'built' | 'fresh'> {
  if (options.force !== true && !outlookAddinIsStale()) return 'fresh';
  const sourceHash = outlookAddinSourceHash();
  const { build } = await import('vite');
  await build({
    root: outlookAddinRoot,
    base: '/outlook/',
    configFile: false,
    logLevel: 'error',
    build: {
      outDir: outlookAddinDist,
      emptyOutDir: true,
      sourcemap: true,
      rollupOptions: {
        input: Object.fromEntries(
          outlookAddinPages.map((page) => [page, join(outlookAddinRoot, `${page}.html`)]),
        ),
      },
    },
  });
  writeFileSync(stampFile, sourceHash);
  return 'built';
}
