import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Vitest global set-up of the int suites: brings the compiled hub, the web client and the Outlook
 * add-in up to date once, before any suite starts hubs (`hub/run.mjs`) or opens pages, so no two
 * suites build at the same time.
 */
export function setup(): void {
  const root = join(import.meta.dirname, '..', '..', '..');
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'hub/src/build-cli.ts', '--if-stale'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`the build before the int suites failed (exit ${result.status})`);
}
