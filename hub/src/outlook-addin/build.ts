import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the add-in's sources are, and where the built pages go (git-ignored). */
export const outlookAddinRoot = fileURLToPath(new URL('../../../outlook-addin/', import.meta.url));
export const outlookAddinDist = join(outlookAddinRoot, 'dist');
const stampFile = join(outlookAddinDist, '.source-hash');
/** The pages Vite builds, one entry each. */
export const outlookAddinPages = ['taskpane', 'commands', 'dialog', 'tab', 'tab-auth'] as const;

function filesBelow(path: string): string[] {
  if (!statSync(path).isDirectory()) return path.endsWith('.test.ts') ? [] : [path];
  return readdirSync(path)
    .sort()
    .flatMap((entry) => filesBelow(join(path, entry)));
}

/** A hash over every input of the build (content, not mtimes: see docs/decisions/0015). */
export function outlookAddinSourceHash(): string {
  const hash = createHash('sha256');
  const inputs = [
    ...filesBelow(join(outlookAddinRoot, 'src')),
    ...filesBelow(join(outlookAddinRoot, 'public')),
    ...outlookAddinPages.map((page) => join(outlookAddinRoot, `${page}.html`)),
    join(outlookAddinRoot, 'package.json'),
  ];
  for (const file of inputs) {
    hash.update(relative(outlookAddinRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export function outlookAddinIsStale(): boolean {
  return !existsSync(stampFile) || readFileSync(stampFile, 'utf8').trim() !== outlookAddinSourceHash();
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
