import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { filesBelow, hashFiles, isStale } from './source-hash.js';

const dir = mkdtempSync(join(tmpdir(), 'vc-source-hash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the build inputs hash', () => {
  it('lists sources sorted, leaves out unit tests, and treats a missing folder as empty', () => {
    mkdirSync(join(dir, 'src', 'b'), { recursive: true });
    writeFileSync(join(dir, 'src', 'b', 'y.ts'), 'y');
    writeFileSync(join(dir, 'src', 'a.ts'), 'a');
    writeFileSync(join(dir, 'src', 'a.test.ts'), 'test');
    expect(filesBelow(join(dir, 'src'))).toEqual([join(dir, 'src', 'a.ts'), join(dir, 'src', 'b', 'y.ts')]);
    expect(filesBelow(join(dir, 'missing'))).toEqual([]);
  });

  it('changes with a file’s content or name, not with its modification time', () => {
    const file = join(dir, 'src', 'a.ts');
    const before = hashFiles(dir, [file]);
    utimesSync(file, new Date(0), new Date(0));
    expect(hashFiles(dir, [file])).toBe(before);
    writeFileSync(file, 'a2');
    expect(hashFiles(dir, [file])).not.toBe(before);
    expect(hashFiles(join(dir, 'src'), [file])).not.toBe(hashFiles(dir, [file]));
  });

  it('calls a build stale without a stamp or with another hash', () => {
    const stamp = join(dir, 'stamp');
    expect(isStale(stamp, 'abc')).toBe(true);
    writeFileSync(stamp, 'abc\n');
    expect(isStale(stamp, 'abc')).toBe(false);
    expect(isStale(stamp, 'abd')).toBe(true);
  });
});
