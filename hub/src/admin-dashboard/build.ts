import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the dashboard's sources are, and where the built files go (git-ignored). */
export const dashboardRoot = fileURLToPath(new URL('../../admin/', import.meta.url));
export const dashboardDist = join(dashboardRoot, 'dist');
const stampFile = join(dashboardDist, '.built-at');

function newestSource(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestSource(join(path, entry))));
}

/** Whether dist is missing or older than any source file of the dashboard. */
export function dashboardIsStale(): boolean {
  if (!existsSync(stampFile)) return true;
  const built = statSync(stampFile).mtimeMs;
  const sources = Math.max(
    newestSource(join(dashboardRoot, 'src')),
    newestSource(join(dashboardRoot, 'index.html')),
  );
  return sources > built;
}

/**
 * Builds the dashboard with Vite when it is missing or stale (`npm start` runs this first, and
 * the browser test before it opens the page); a fresh build is left alone.
 */
export async function ensureDashboardBuilt(options: { force?: boolean } = {}): Promise<'built' | 'fresh'> {
  if (options.force !== true && !dashboardIsStale()) return 'fresh';
  const [{ build }, { default: react }] = await Promise.all([import('vite'), import('@vitejs/plugin-react')]);
  await build({
    root: dashboardRoot,
    base: '/admin/',
    configFile: false,
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir: dashboardDist, emptyOutDir: true, sourcemap: true },
  });
  writeFileSync(stampFile, new Date().toISOString());
  return 'built';
}
