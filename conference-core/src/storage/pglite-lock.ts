import { randomUUID } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logging/logger.js';
import { DatabaseLockedError } from './errors.js';

/**
 * PGlite has no postmaster to refuse a second backend: two processes on one data directory both
 * write to it and corrupt it. A lock file beside the directory, holding the owner's pid, keeps the
 * second process out; a lock left by a crashed process (its pid is gone) is taken over.
 */
export interface DirectoryLock {
  readonly path: string;
  release(): Promise<void>;
}

interface Holder {
  readonly pid: number;
  readonly hostname: string;
  readonly token: string;
}

const ATTEMPTS = 20;

export async function lockDirectory(directory: string, logger: Logger): Promise<DirectoryLock> {
  const path = `${directory}.lock`;
  const me: Holder = { pid: process.pid, hostname: hostname(), token: randomUUID() };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (await createExclusive(path, me)) return ownedLock(path, me);
    const holder = await readHolder(path);
    if (holder === 'missing') continue;
    if (holder !== 'unreadable' && isAlive(holder)) throw lockedError(directory, path, holder);
    if (await takeOver(path, holder, me, logger)) return ownedLock(path, me);
    await sleep(25 + Math.random() * 50);
  }
  throw new Error(`could not lock ${directory}: the lock file ${path} keeps changing`);
}

function ownedLock(path: string, me: Holder): DirectoryLock {
  return {
    path,
    async release() {
      const holder = await readHolder(path);
      if (typeof holder === 'object' && holder.token === me.token) await unlink(path).catch(ignoreMissing);
    },
  };
}

/**
 * Writes the whole file under a temporary name, then links it into place: `link` fails if the
 * target exists, so the lock appears atomically and nobody ever reads a half-written pid.
 */
async function createExclusive(path: string, holder: Holder): Promise<boolean> {
  const temporary = `${path}.${holder.pid}.${randomUUID()}.tmp`;
  await writeFile(temporary, JSON.stringify(holder));
  try {
    await link(temporary, path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temporary).catch(ignoreMissing);
  }
}

async function readHolder(path: string): Promise<Holder | 'missing' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<Holder>;
    if (
      typeof value.pid === 'number' &&
      typeof value.hostname === 'string' &&
      typeof value.token === 'string'
    ) {
      return { pid: value.pid, hostname: value.hostname, token: value.token };
    }
  } catch {
    // Not ours or damaged; treated like a stale lock below.
  }
  return 'unreadable';
}

function isAlive(holder: Holder): boolean {
  // A pid from another machine (a shared network directory) cannot be checked: assume it is alive.
  if (holder.hostname !== hostname()) return true;
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return errorCode(error) !== 'ESRCH';
  }
}

/**
 * Replaces a stale lock. Two processes may find the same stale lock at once; a second, short-lived
 * lock file decides which of them replaces it, so the loser cannot delete the winner's fresh lock.
 */
async function takeOver(
  path: string,
  stale: Holder | 'unreadable',
  me: Holder,
  logger: Logger,
): Promise<boolean> {
  const takeoverPath = `${path}.takeover`;
  if (!(await createExclusive(takeoverPath, me))) {
    const other = await readHolder(takeoverPath);
    // Only a takeover whose process died half-way is cleared; a live one is waited for.
    if (typeof other === 'object' && !isAlive(other)) await unlink(takeoverPath).catch(ignoreMissing);
    return false;
  }
  try {
    const current = await readHolder(path);
    const unchanged =
      current === stale ||
      (typeof current === 'object' && typeof stale === 'object' && current.token === stale.token);
    if (!unchanged) return false;
    logger.warn(
      { lockFile: path, stalePid: typeof stale === 'object' ? stale.pid : undefined },
      'taking over the lock of a process that no longer runs',
    );
    await unlink(path).catch(ignoreMissing);
    return await createExclusive(path, me);
  } finally {
    await unlink(takeoverPath).catch(ignoreMissing);
  }
}

function lockedError(directory: string, path: string, holder: Holder): DatabaseLockedError {
  const who =
    holder.pid === process.pid && holder.hostname === hostname()
      ? `this process (pid ${holder.pid}) already has it open`
      : `process ${holder.pid} on ${holder.hostname} has it open`;
  return new DatabaseLockedError(
    directory,
    holder.pid,
    `the embedded database ${directory} is in use: ${who}. Stop that process, or set DATABASE_URL to ` +
      `use PostgreSQL. If no such process uses the directory, delete ${path}.`,
  );
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

function ignoreMissing(error: unknown): void {
  if (errorCode(error) !== 'ENOENT') throw error;
}
