import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the web client's sources are, and where the built files go (git-ignored). */
export const webClientRoot = fileURLToPath(new URL('../../../web/', import.meta.url));
export const webClientDist = join(webClientRoot, 'dist');
const stampFile = join(webClientDist, '.source-hash');
/** The typed signaling and media clients are bundled into the app, so their sources count too. */
const signalingClientDir = fileURLToPath(
  new URL('../../../conference-core/src/signaling/client/', import.meta.url),
);
const mediaClientDir = fileURLToPath(new URL('../../../conference-core/src/media/client/', import.meta.url));

function filesBelow(path: string): string[] {
  // Unit tests sit beside the sources but are not part of the bundle.
  if (!statSync(path).isDirectory()) return path.endsWith('.test.ts') ? [] : [path];
  return readdirSync(path)
    .sort()
    .flatMap((entry) => filesBelow(join(path, entry)));
}

/**
 * A hash over every input of the build: the app's sources, its entry page and package manifest,
 * and the signaling client. Content, not mtimes: a fresh clone or a `git checkout` touches every
 * file but changes nothing, and must not cost a rebuild.
 */
export function webClientSourceHash(): string {
  const hash = createHash('sha256');
  const inputs = [
    ...filesBelow(join(webClientRoot, 'src')),
    join(webClientRoot, 'index.html'),
    join(webClientRoot, 'package.json'),
    ...filesBelow(signalingClientDir),
    ...filesBelow(mediaClientDir),
  ];
  for (const file of inputs) {
    hash.update(relative(webClientRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export function webClientIsStale(): boolean {
  return !existsSync(stampFile) || readFileSync(stampFile, 'utf8').trim() !== webClientSourceHash();
}

/**
 * Builds the web client with Vite when its sources changed since the last build (`npm start` runs
 * this first, the browser tests before they open a page); an up-to-date build is left alone.
 */
export async function ensureWebClientBuilt(options: { force?: boolean } = {}): Promise<'built' | 'fresh'> {
  if (options.force !== true && !webClientIsStale()) return 'fresh';
  const sourceHash = webClientSourceHash();
  const [{ build }, { default: react }] = await Promise.all([import('vite'), import('@vitejs/plugin-react')]);
  await build({
    root: webClientRoot,
    base: '/',
    configFile: false,
    logLevel: 'warn',
    plugins: [react()],
    build: {
      outDir: webClientDist,
      emptyOutDir: true,
      sourcemap: true,
      // One bundle; the bar that counts is the gzip size (docs/decisions/0015), not Vite's raw size.
      chunkSizeWarningLimit: 2000,
    },
  });
  writeFileSync(stampFile, sourceHash);
  return 'built';
}
