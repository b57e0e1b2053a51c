import type {
  ConnectorContext,
  DirectoryRecord,
  GroupRecord,
  JsonValue,
  SkippedRecord,
  SyncBatch,
  SyncRequest,
} from '@vc/connector-sdk';

import { grantedApps, groupNames, mapUser, userColumns, type PbxUserRow } from './map-user.js';
import { expectAnswer, openPbxConnection, type PbxConnection } from './pbx-connection.js';
import type { InnovaphoneSettings } from './settings.js';

/**
 * Where a run stands: rows of the PBX's replication already handed out (`skip`), the GUID of the
 * last one (to notice that the PBX changed its order), and whether the groups went out too.
 */
interface UsersCursor {
  readonly skip: number;
  readonly lastGuid: string | null;
  readonly groups: boolean;
}

function readCursor(cursor: JsonValue | null): UsersCursor {
  if (typeof cursor === 'object' && cursor !== null && !Array.isArray(cursor)) {
    const { skip, lastGuid, groups } = cursor;
    if (typeof skip === 'number' && Number.isInteger(skip) && skip >= 0 && typeof groups === 'boolean') {
      return { skip, lastGuid: typeof lastGuid === 'string' ? lastGuid : null, groups };
    }
  }
  return { skip: 0, lastGuid: null, groups: false };
}

export function connect(ctx: ConnectorContext<InnovaphoneSettings>): Promise<PbxConnection> {
  return openPbxConnection({
    url: ctx.settings.pbxUrl,
    appObject: ctx.settings.appObject,
    password: ctx.settings.appPassword,
    timeoutMs: ctx.settings.timeoutMs,
    signal: ctx.signal,
  });
}

/** Starts the PbxTableUsers replication (needs the TableUsers checkmark on the App object). */
export async function startReplication(connection: PbxConnection): Promise<void> {
  await expectAnswer(
    connection,
    {
      api: 'PbxTableUsers',
      mt: 'ReplicateStart',
      add: false,
      del: false,
      columns: Object.fromEntries(userColumns.map((c) => [c, {}])),
    },
    'forbidden',
  );
}

/** The next row of the replication, or undefined at its end (an answer without columns). */
async function nextRow(connection: PbxConnection): Promise<PbxUserRow | undefined> {
  const answer = await expectAnswer(connection, { api: 'PbxTableUsers', mt: 'ReplicateNext' });
  const columns = answer['columns'];
  if (typeof columns !== 'object' || columns === null || Array.isArray(columns)) return undefined;
  return Object.keys(columns).length === 0 ? undefined : columns;
}

/**
 * A full read of the PBX users in scope: the replication is paged row by row (`ReplicateNext`),
 * batches go out as they fill, so an outage mid-run throws instead of ending early. Groups follow
 * the users, built from every user's `grps`. The PBX has no change watermark, so there is no
 * incremental mode; a resumed run re-reads the rows it handed out and continues after them.
 */
export async function* syncUsers(
  ctx: ConnectorContext<InnovaphoneSettings>,
  request: SyncRequest,
): AsyncGenerator<SyncBatch> {
  const cursor = readCursor(request.cursor);
  if (cursor.groups) return;
  const connection = await connect(ctx);
  try {
    await startReplication(connection);
    const members = new Map<string, string[]>();
    let upserts: DirectoryRecord[] = [];
    let skipped: SkippedRecord[] = [];
    let index = 0;
    let lastGuid: string | null = null;
    for (;;) {
      ctx.signal.throwIfAborted();
      const row = await nextRow(connection);
      if (row === undefined) break;
      index += 1;
      const inScope = !ctx.settings.onlyUsersWithApp || grantedApps(row).includes(ctx.settings.appObject);
      const mapped = inScope ? mapUser(row) : undefined;
      if (mapped?.ok === true) {
        lastGuid = mapped.user.externalId;
        for (const name of groupNames(row)) members.set(name, [...(members.get(name) ?? []), lastGuid]);
      }
      if (index <= cursor.skip) {
        if (index === cursor.skip && cursor.lastGuid !== null && lastGuid !== cursor.lastGuid) {
          // The PBX hands rows out in another order than before: start over (repeats are harmless).
          ctx.logger.warn({ skip: cursor.skip }, 'PBX replication order changed; reading from the start');
          yield* restart(ctx, connection);
          return;
        }
        continue;
      }
      if (mapped?.ok === true) upserts.push(mapped.user);
      else if (mapped !== undefined) skipped.push(mapped.skipped);
      if (upserts.length + skipped.length >= ctx.settings.batchSize) {
        yield { upserts, deletes: [], skipped, cursor: { skip: index, lastGuid, groups: false } };
        upserts = [];
        skipped = [];
      }
    }
    if (upserts.length + skipped.length > 0) {
      yield { upserts, deletes: [], skipped, cursor: { skip: index, lastGuid, groups: false } };
    }
    const groups: GroupRecord[] = [...members]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, ids]) => ({ type: 'group', externalId: `grp:${name}`, name, memberExternalIds: ids }));
    yield { upserts: groups, deletes: [], skipped: [], cursor: { skip: index, lastGuid, groups: true } };
  } finally {
    connection.close();
  }
}

async function* restart(
  ctx: ConnectorContext<InnovaphoneSettings>,
  connection: PbxConnection,
): AsyncGenerator<SyncBatch> {
  connection.close();
  yield* syncUsers(ctx, { mode: 'full', cursor: null });
}
