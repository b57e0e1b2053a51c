import {
  ConnectorError,
  defineConnector,
  secret,
  type GroupRecord,
  type SyncBatch,
  type SyncRequest,
  type UserRecord,
} from '@vc/connector-sdk';
import { z } from 'zod';

/**
 * An in-memory directory for tests of the sync engine, with the faults a test needs: an error or
 * a hang before a given batch, a wrong password. Incremental runs read a change log by version;
 * full runs page through a snapshot; cursors say where a run stopped, so resuming is real.
 */
export interface FakeDirectory {
  readonly password: string;
  readonly users: Map<string, UserRecord>;
  readonly groups: Map<string, GroupRecord>;
  /** Every sync call's request, in order (cursors a resumed run got). */
  readonly requests: SyncRequest[];
  /** Per sync call: called before each batch with its index in the call; may throw or hang. */
  fault: ((batchIndex: number, request: SyncRequest) => Promise<void> | void) | undefined;
  /** Records the connector could not use, handed over as skipped with the next full run. */
  readonly broken: { externalId: string; reason: string }[];
  /** Extra records yielded as-is (to test the hub's validation). */
  readonly raw: unknown[];
  put(user: Partial<UserRecord> & { externalId: string }): void;
  remove(externalId: string): void;
  putGroup(externalId: string, name: string, members: string[]): void;
}

interface Change {
  readonly version: number;
  readonly type: 'user' | 'group';
  readonly externalId: string;
}

export function fakeDirectory(
  password = 'correct horse',
): FakeDirectory & { changes: Change[]; version: number } {
  const dir = {
    password,
    users: new Map<string, UserRecord>(),
    groups: new Map<string, GroupRecord>(),
    requests: [] as SyncRequest[],
    fault: undefined as FakeDirectory['fault'],
    broken: [] as { externalId: string; reason: string }[],
    raw: [] as unknown[],
    changes: [] as Change[],
    version: 0,
    put(user: Partial<UserRecord> & { externalId: string }) {
      const current = dir.users.get(user.externalId);
      dir.users.set(user.externalId, {
        type: 'user',
        email: `${user.externalId}@directory.test`,
        emailVerified: true,
        username: user.externalId,
        firstName: null,
        lastName: null,
        displayName: `Person ${user.externalId}`,
        language: null,
        phone: null,
        ...current,
        ...user,
      });
      dir.changes.push({ version: ++dir.version, type: 'user', externalId: user.externalId });
    },
    remove(externalId: string) {
      dir.users.delete(externalId);
      dir.changes.push({ version: ++dir.version, type: 'user', externalId });
    },
    putGroup(externalId: string, name: string, members: string[]) {
      dir.groups.set(externalId, { type: 'group', externalId, name, memberExternalIds: members });
      dir.changes.push({ version: ++dir.version, type: 'group', externalId });
    },
  };
  return dir;
}

const settingsSchema = z.object({
  directory: z.string().min(1).describe('name of the in-memory directory'),
  password: secret(z.string().min(1).describe('bind password')),
  pageSize: z.number().int().min(1).max(1000).default(2).describe('records per batch'),
  logSettings: z.boolean().default(false).describe('log the settings (to prove secrets are scrubbed)'),
});

/** A connector over named fake directories; `settings.directory` picks one. */
export function fakeConnector(directories: Record<string, FakeDirectory>, id = 'fake') {
  const open = (settings: z.output<typeof settingsSchema>) => {
    const dir = directories[settings.directory];
    if (dir === undefined) throw new ConnectorError('not_found', `no directory ${settings.directory}`);
    if (dir.password !== settings.password) {
      throw new ConnectorError('auth_failed', `bind refused for password ${settings.password}`);
    }
    return dir as ReturnType<typeof fakeDirectory>;
  };
  return defineConnector({
    id,
    version: '1.0.0',
    displayName: 'Fake directory',
    description: 'An in-memory directory for tests.',
    settings: settingsSchema,
    capabilities: {
      users: {
        supportsIncremental: true,
        check(ctx) {
          open(ctx.settings);
          return Promise.resolve();
        },
        sync(ctx, request) {
          return readDirectory(ctx.settings, request, open, (fields) => ctx.logger.info(fields, 'fake sync'));
        },
      },
    },
  });
}

async function* readDirectory(
  settings: z.output<typeof settingsSchema>,
  request: SyncRequest,
  open: (s: z.output<typeof settingsSchema>) => ReturnType<typeof fakeDirectory>,
  log: (fields: object) => void,
): AsyncGenerator<SyncBatch> {
  if (settings.logSettings) log({ settings });
  const dir = open(settings);
  dir.requests.push(request);
  const cursor = (request.cursor ?? {}) as { offset?: number; version?: number; phase?: string };
  let index = 0;
  const before = async () => {
    await dir.fault?.(index, request);
    index++;
  };

  if (request.mode === 'incremental') {
    const since = cursor.version ?? 0;
    const changes = dir.changes.filter((c) => c.version > since);
    for (let i = 0; i < changes.length; i += settings.pageSize) {
      const page = changes.slice(i, i + settings.pageSize);
      await before();
      const upserts = [];
      const deletes = [];
      for (const change of page) {
        const record =
          change.type === 'user' ? dir.users.get(change.externalId) : dir.groups.get(change.externalId);
        if (record === undefined) deletes.push({ type: change.type, externalId: change.externalId });
        else upserts.push(record);
      }
      yield { upserts, deletes, skipped: [], cursor: { version: page[page.length - 1]!.version } };
    }
    return;
  }

  // Full: users by external id, then groups, then the broken ones; the snapshot's version is the
  // watermark a later incremental run starts from.
  const version = cursor.version ?? dir.version;
  const users = [...dir.users.values()].sort((a, b) => a.externalId.localeCompare(b.externalId));
  const records: unknown[] = [...users, ...dir.raw, ...dir.groups.values()];
  let offset = cursor.offset ?? 0;
  while (offset < records.length) {
    await before();
    const page = records.slice(offset, offset + settings.pageSize);
    offset += page.length;
    yield {
      upserts: page as UserRecord[],
      deletes: [],
      skipped: [],
      cursor: { offset, version },
    };
  }
  if (cursor.phase !== 'done') {
    await before();
    yield {
      upserts: [],
      deletes: [],
      skipped: dir.broken.map((b) => ({ type: 'user' as const, ...b })),
      cursor: { offset, version, phase: 'done' },
    };
  }
}
