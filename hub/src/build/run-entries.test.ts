import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { hubEntrypoints } from './hub-bundle.js';
import { projectRoot } from './project-root.js';

describe('hub/run.mjs', () => {
  it('runs exactly the entries the bundle compiles (it is plain JS and repeats their names)', () => {
    const launcher = readFileSync(join(projectRoot, 'hub', 'run.mjs'), 'utf8');
    const listed = /const entries = \[([^\]]*)\]/.exec(launcher)?.[1] ?? '';
    const names = [...listed.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    // build-freshness is the launcher's own check, not something it runs.
    const compiled = Object.keys(hubEntrypoints).filter((name) => name !== 'build-freshness');
    expect(names.sort()).toEqual(compiled.sort());
  });
});
