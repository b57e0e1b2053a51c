import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { projectRoot } from '../build/project-root.js';
import { filesBelow, hashFiles, isStale } from '../build/source-hash.js';

/** Where the web client's sources are, and where the built files go (git-ignored). */
export const webClientRoot = join(projectRoot, 'web');
export const webClientDist = join(webClientRoot, 'dist');
const stampFile = join(webClientDist, '.source-hash');
/** The typed signaling and media clients are bundled into the app, so their sources count too. */
const signalingClientDir = join(projectRoot, 'conference-core', 'src', 'signaling', 'client');
const mediaClientDir = join(projectRoot, 'conference-core', 'src', 'media', 'client');

/**
 * A hash over every input of the build: the app's sources, its entry page and package manifest,
 * and the signaling and media clients.
 */
export function webClientSourceHash(): string {
  return hashFiles(webClientRoot, [
    ...filesBelow(join(webClientRoot, 'src')),
    join(webClientRoot, 'index.html'),
    join(webClientRoot, 'package.json'),
    ...filesBelow(signalingClientDir),
    ...filesBelow(mediaClientDir),
  ]);
}

export function webClientIsStale(): boolean {
  return isStale(stampFile, webClientSourceHash());
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
