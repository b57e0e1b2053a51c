import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository's root folder (the one whose package.json lists the workspaces). Found by walking
 * up from this module, so the answer is the same from `hub/src/build/` under tsx and from the
 * compiled bundle in `hub/dist/` (or `/app/hub/dist/` in the container image).
 */
export const projectRoot = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && 'workspaces' in (JSON.parse(readFileSync(manifest, 'utf8')) as object)) {
      return dir;
    }
    if (dirname(dir) === dir) throw new Error(`no package.json with workspaces above ${start}`);
  }
}
