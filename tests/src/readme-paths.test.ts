import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

import { describe, expect, it } from 'vitest';

/**
 * Every file or folder a README names in backticks (a path with a slash and a file extension, or
 * ending in `/`) exists: relative to the README, to its `src/`, or to the repository root. Names
 * that stand for something made at run time (`DATA_DIR/...`, build and report folders) or patterns
 * (`*`, `{a,b}`, `<id>`) are not paths of the repository.
 */
const root = join(import.meta.dirname, '..', '..');
const generated = ['reports/', 'data/', 'dist/', 'node_modules/'];

function readmes(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    if (['node_modules', '.git', '.tsbuild', 'dist', 'data', 'reports'].includes(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return readmes(path);
    return entry.name === 'README.md' ? [path] : [];
  });
}

function namedPaths(text: string): string[] {
  return [...text.matchAll(/`([^`\s]+)`/g)]
    .map((match) => match[1] ?? '')
    .filter(
      (token) =>
        token.includes('/') &&
        !token.includes('://') &&
        /\.(ts|tsx|md|json|mjs|js|ya?ml|sh|html|ldif|conf|css)$|\/$/.test(token) &&
        !/^(\/|\$|<|\.\.\.\/|DATA_DIR)/.test(token) &&
        !/[*{}<>]/.test(token) &&
        !generated.some((folder) => token === folder || token.startsWith(folder)),
    );
}

describe('the READMEs', () => {
  const files = readmes('.');

  it('are found in every part of the repository', () => {
    expect(files).toEqual(
      expect.arrayContaining(['README.md', join('hub', 'README.md'), join('tests', 'README.md')]),
    );
  });

  it.each(files)('%s names only paths that exist', (readme) => {
    const base = dirname(join(root, readme));
    const missing = namedPaths(readFileSync(join(root, readme), 'utf8')).filter(
      (path) => ![join(base, path), join(base, 'src', path), join(root, path)].some((p) => existsSync(p)),
    );
    expect(missing, `in ${relative(root, join(root, readme))}`).toEqual([]);
  });
});
