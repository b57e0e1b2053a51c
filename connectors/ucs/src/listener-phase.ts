import type { ConnectorContext, JsonValue, SyncBatch } from '@vc/connector-sdk';

import { parseCursor, type SyncCursor } from './cursor.js';
import { listListenerFiles, readListenerChanges, removeAppliedListenerFiles } from './listener-files.js';
import type { UcsSettings } from './settings.js';

/**
 * The listener part of an incremental run (only with `listenerFolder` set): first removes the
 * files a committed batch already applied (up to the cursor this run starts from), then yields the
 * newer files in name order, `pageSize` files per batch, each batch's cursor naming its last file.
 * A crash resumes after the last committed file; nothing is removed before its batch committed.
 */
export async function* listenerBatches(
  ctx: ConnectorContext<UcsSettings>,
  start: SyncCursor,
): AsyncGenerator<{ batch: SyncBatch; cursor: SyncCursor }> {
  const folder = ctx.settings.listenerFolder;
  if (folder === undefined) return;
  const committed = start.listenerAfter ?? null;
  const removed = await removeAppliedListenerFiles(folder, committed);
  let cursor: SyncCursor = { ...start, phase: 'listener', after: null };
  let after = committed;
  let files = 0;
  for (;;) {
    ctx.signal.throwIfAborted();
    const names = await listListenerFiles(folder, after, ctx.settings.pageSize);
    const last = names[names.length - 1];
    if (last === undefined) break;
    const changes = await readListenerChanges(folder, names, {
      activationProperty: ctx.settings.activationAttribute,
    });
    after = last;
    files += names.length;
    cursor = { ...cursor, listenerAfter: last };
    yield { batch: { ...changes, cursor: { ...cursor } }, cursor };
  }
  ctx.logger.info({ folder, files, removedApplied: removed, lastFile: after }, 'UCS listener files read');
}

/**
 * A full run starting afresh covers every change file already written: the listener writes a file
 * after the change is in LDAP, and the full run reads LDAP after this point. Its cursor names the
 * newest such file, so later runs neither re-apply them (an old file could undo a newer state the
 * full run read) nor keep them.
 */
export async function listenerFilesCovered(settings: UcsSettings): Promise<string | null> {
  if (settings.listenerFolder === undefined) return null;
  return (await listListenerFiles(settings.listenerFolder, null)).at(-1) ?? null;
}

/**
 * Whether change files newer than the last completed run's cursor wait in the folder: what the
 * hub polls to start an incremental run as soon as the listener wrote something.
 */
export async function hasListenerFiles(
  ctx: ConnectorContext<UcsSettings>,
  cursor: JsonValue | null,
): Promise<boolean> {
  const folder = ctx.settings.listenerFolder;
  if (folder === undefined) return false;
  let after: string | null = null;
  try {
    after = parseCursor(cursor)?.listenerAfter ?? null;
  } catch {
    // A cursor of another shape: the next run starts over; any file is new to it.
  }
  return (await listListenerFiles(folder, after, 1)).length > 0;
}
