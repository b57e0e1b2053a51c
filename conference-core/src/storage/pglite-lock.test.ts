import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logging/logger.js';
import { DatabaseLockedError } from './errors.js';
import { lockDirectory } from './pglite-lock.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vc-lock-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('lockDirectory', () => {
  it('writes the pid, refuses a second lock, and frees the directory on release', async () => {
    const directory = join(root, 'db');
    const lock = await lockDirectory(directory, silentLogger);
    expect(JSON.parse(await readFile(lock.path, 'utf8'))).toMatchObject({ pid: process.pid });
    await expect(lockDirectory(directory, silentLogger)).rejects.toBeInstanceOf(DatabaseLockedError);
    await lock.release();
    const again = await lockDirectory(directory, silentLogger);
    await again.release();
  });

  it('lets exactly one of several simultaneous callers take over a stale lock', async () => {
    const directory = join(root, 'db');
    const child = spawn(process.execPath, ['-e', '']);
    await once(child, 'exit');
    await writeFile(
      `${directory}.lock`,
      JSON.stringify({ pid: child.pid, hostname: hostname(), token: 'stale' }),
    );

    // Staggered by a millisecond each, so later callers read the stale lock while earlier ones replace it.
    const attempts = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => sleep(i).then(() => lockDirectory(directory, silentLogger))),
    );

    const winners = attempts.filter((attempt) => attempt.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    for (const attempt of attempts) {
      if (attempt.status === 'rejected') expect(attempt.reason).toBeInstanceOf(DatabaseLockedError);
    }
  });

  it('treats a damaged lock file as stale', async () => {
    const directory = join(root, 'db');
    await writeFile(`${directory}.lock`, 'not json');
    const lock = await lockDirectory(directory, silentLogger);
    expect(JSON.parse(await readFile(lock.path, 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();
  });

  it('does not delete a lock that another holder took after this one was released', async () => {
    const directory = join(root, 'db');
    const first = await lockDirectory(directory, silentLogger);
    await first.release();
    const second = await lockDirectory(directory, silentLogger);
    await first.release();
    expect(JSON.parse(await readFile(second.path, 'utf8'))).toMatchObject({ pid: process.pid });
    await second.release();
  });
});
