import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file below `path` (or `path` itself), sorted; unit tests beside the sources are not inputs. */
export function filesBelow(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return /\.test\.ts$/.test(path) ? [] : [path];
  return readdirSync(path)
    .sort()
    .flatMap((entry) => filesBelow(join(path, entry)));
}

/**
 * A hash over the names (relative to `base`) and contents of a build's inputs. Content, not mtimes:
 * a fresh clone or a `git checkout` touches every file but changes nothing, and must not cost a
 * rebuild (docs/decisions/0015).
 */
export function hashFiles(base: string, files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(base, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/** True when `stampFile` is missing or holds another hash than `currentHash`. */
export function isStale(stampFile: string, currentHash: string): boolean {
  return !existsSync(stampFile) || readFileSync(stampFile, 'utf8').trim() !== currentHash;
}
