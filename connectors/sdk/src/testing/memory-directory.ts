import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import { ConnectorError } from '../connector-error.js';
import { defineConnector, type JsonValue, type SyncBatch } from '../connector.js';
import type { DirectoryDeletion, UserRecord } from '../records.js';
import { secret } from '../secret.js';
import type { ConformanceHarness, SeedUser } from './harness.js';

/**
 * A tiny in-memory directory and the reference connector over it, for the sdk's own tests: it
 * shows the smallest connector that passes the conformance suite, and with `flaws` switched on
 * it proves the suite catches the mistakes real connectors make.
 */
interface Entry extends SeedUser {
  readonly id: string;
  active: boolean;
  /** Change counter, the memory equivalent of modifyTimestamp. */
  changed: number;
}

export interface Flaws {
  /** Ends the run quietly when the upstream fails (the bug that wipes tenants). */
  endsEarlyOnFailure?: boolean;
  /** Ignores the resume cursor and starts over. */
  ignoresCursor?: boolean;
  /** Throws a plain Error instead of a ConnectorError for rejected credentials. */
  untranslatedAuthError?: boolean;
  /** Forgets that leaving scope is a delete in incremental runs. */
  dropsDeactivations?: boolean;
}

export class MemoryDirectory {
  readonly entries = new Map<string, Entry>();
  readonly password = 'right';
  down = false;
  private clock = 0;

  put(user: SeedUser, active = true): void {
    const existing = this.entries.get(user.key);
    this.entries.set(user.key, { ...user, id: existing?.id ?? randomUUID(), active, changed: ++this.clock });
  }

  touch(key: string, change: (entry: Entry) => void): void {
    const entry = this.entries.get(key);
    if (entry === undefined) throw new Error(`no entry ${key}`);
    change(entry);
    entry.changed = ++this.clock;
  }

  /** Sorted by id, so a cursor "after id X" resumes exactly. */
  read(password: string, filter: (e: Entry) => boolean): Entry[] {
    if (this.down)
      throw new ConnectorError('rate_limited', 'the directory is throttling', { retryAfterMs: 10 });
    if (password !== this.password) throw new ConnectorError('auth_failed', 'invalid credentials');
    return [...this.entries.values()].filter(filter).sort((a, b) => a.id.localeCompare(b.id));
  }

  now(): number {
    return this.clock;
  }
}

const cursorSchema = z.object({ after: z.string().nullable(), since: z.number(), next: z.number() });

function toRecord(e: Entry): UserRecord {
  return {
    type: 'user',
    externalId: e.id,
    email: e.email,
    emailVerified: true,
    username: e.key,
    firstName: e.firstName,
    lastName: e.lastName,
    displayName: `${e.firstName} ${e.lastName}`,
    language: null,
    phone: null,
  };
}

export function memoryConnector(directory: MemoryDirectory, flaws: Flaws = {}) {
  return defineConnector({
    id: 'memory',
    version: '1.0.0',
    displayName: 'In-memory directory',
    description: 'Reference connector for the conformance suite.',
    settings: z.object({
      password: secret(z.string().describe('directory password')),
      batchSize: z.number().int().positive().default(50).describe('records per batch'),
    }),
    capabilities: {
      users: {
        supportsIncremental: true,
        check(ctx) {
          try {
            directory.read(ctx.settings.password, () => false);
            return Promise.resolve();
          } catch (err) {
            return Promise.reject(err instanceof Error ? err : new Error(String(err)));
          }
        },
        async *sync(ctx, request): AsyncGenerator<SyncBatch> {
          const parsed = cursorSchema.safeParse(request.cursor);
          const cursor = parsed.success && !flaws.ignoresCursor ? parsed.data : null;
          // A resumed run keeps its own `since`; a new incremental run reads since the last run's end.
          const resuming = cursor !== null && cursor.after !== null;
          const since =
            request.mode === 'incremental' && cursor !== null ? (resuming ? cursor.since : cursor.next) : 0;
          const next = resuming ? cursor.next : directory.now();
          const after = resuming ? cursor.after : null;
          if (flaws.untranslatedAuthError === true && ctx.settings.password !== directory.password) {
            throw new Error('bind failed');
          }
          const entries = directory.read(
            ctx.settings.password,
            (e) =>
              (request.mode === 'full' ? e.active : e.changed > since) && (after === null || e.id > after),
          );
          for (let i = 0; i < entries.length; i += ctx.settings.batchSize) {
            await Promise.resolve();
            if (directory.down) {
              if (flaws.endsEarlyOnFailure === true) return;
              throw new ConnectorError('upstream_unavailable', 'the directory went away');
            }
            const chunk = entries.slice(i, i + ctx.settings.batchSize);
            const deletes: DirectoryDeletion[] = chunk
              .filter((e) => !e.active && flaws.dropsDeactivations !== true)
              .map((e) => ({ type: 'user', externalId: e.id }));
            const last = chunk[chunk.length - 1]!;
            const batchCursor: JsonValue = { after: last.id, since, next };
            yield {
              upserts: chunk.filter((e) => e.active).map(toRecord),
              deletes,
              skipped: [],
              cursor: batchCursor,
            };
          }
          yield { upserts: [], deletes: [], skipped: [], cursor: { after: null, since, next } };
        },
      },
    },
  });
}

export function memoryHarness(
  flaws: Flaws = {},
): ConformanceHarness<{ password: string; batchSize?: number }> {
  const directory = new MemoryDirectory();
  return {
    connector: memoryConnector(directory, flaws),
    seed(users) {
      directory.entries.clear();
      for (const u of users) directory.put(u);
      return Promise.resolve();
    },
    addUser(user) {
      directory.put(user);
      return Promise.resolve();
    },
    modifyUser(key, changes) {
      directory.touch(key, (e) => Object.assign(e, changes));
      return Promise.resolve();
    },
    removeUser(key) {
      directory.entries.delete(key);
      return Promise.resolve();
    },
    deactivateUser(key) {
      directory.touch(key, (e) => (e.active = false));
      return Promise.resolve();
    },
    settings: (options = {}) => ({
      password: 'right',
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    }),
    badCredentialsSettings: () => ({ password: 'wrong' }),
    disrupt() {
      directory.down = true;
      return Promise.resolve();
    },
    restore() {
      directory.down = false;
      return Promise.resolve();
    },
  };
}
