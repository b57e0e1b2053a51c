import { readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';

import type { DirectoryDeletion, SkippedRecord, UserRecord } from '@vc/connector-sdk';
import type { Entry } from 'ldapts';

import { mapUser } from './map-entry.js';

/**
 * Optional push path: the UCS App Center listener integration (`ListenerUDMModules`) writes one
 * JSON file per change, `{id, dn, udm_object_type, object}` with UDM property names, `object: null`
 * meaning removed, into /var/lib/univention-appcenter/apps/<appid>/data/listener/. File names
 * start with a timestamp, so name order is change order. An incremental run applies the files
 * after its cursor (`listenerAfter`, the last file name of a committed batch) and removes files
 * only at the start of a later run, up to the cursor that run starts from: a file disappears only
 * once the batch that contained it is committed. The same `id` may come several times; within a
 * batch the last file wins, across batches they apply in order.
 */
export interface ListenerChanges {
  readonly upserts: UserRecord[];
  readonly deletes: DirectoryDeletion[];
  readonly skipped: SkippedRecord[];
}

interface ListenerFile {
  id?: unknown;
  dn?: unknown;
  udm_object_type?: unknown;
  object?: unknown;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const firstValue = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
const truthy = (v: unknown): boolean => {
  const s = typeof v === 'boolean' ? String(v) : firstValue(v);
  return s !== undefined && ['true', '1', 'yes'].includes(s.toLowerCase());
};
const isMissing = (err: unknown): boolean => (err as { code?: unknown }).code === 'ENOENT';

/** UDM property names (what the listener converter writes) to the LDAP names mapUser reads. */
function udmToEntry(id: string, dn: string, object: Record<string, unknown>): Entry {
  const entry: Entry = { dn, entryUUID: id };
  const pairs: [string, unknown][] = [
    ['uid', object['username']],
    ['mailPrimaryAddress', object['mailPrimaryAddress']],
    ['givenName', object['firstname']],
    ['sn', object['lastname']],
    ['displayName', object['displayName']],
    ['preferredLanguage', object['preferredLanguage']],
    ['telephoneNumber', object['phone']],
  ];
  for (const [name, value] of pairs) {
    const text = firstValue(value);
    if (text !== undefined) entry[name] = text;
  }
  return entry;
}

/** Change files (`*.json`) after `after` in name order, at most `limit`; a folder not there yet has none. */
export async function listListenerFiles(
  folder: string,
  after: string | null,
  limit = Number.POSITIVE_INFINITY,
): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (err) {
    if (isMissing(err)) return [];
    throw err;
  }
  return names
    .filter((n) => n.endsWith('.json') && (after === null || n > after))
    .sort()
    .slice(0, limit);
}

/** Removes the change files up to and including `upTo` (applied in a committed batch); returns how many. */
export async function removeAppliedListenerFiles(folder: string, upTo: string | null): Promise<number> {
  if (upTo === null) return 0;
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (err) {
    if (isMissing(err)) return 0;
    throw err;
  }
  let removed = 0;
  for (const name of names.filter((n) => n.endsWith('.json') && n <= upTo)) {
    await unlink(join(folder, name)).then(
      () => removed++,
      (err: unknown) => {
        // Another worker removed it first.
        if (!isMissing(err)) throw err;
      },
    );
  }
  return removed;
}

type Change =
  | { kind: 'upsert'; record: UserRecord }
  | { kind: 'delete'; type: 'user' | 'group' }
  | { kind: 'skip'; type: 'user' | 'group'; reason: string };

/**
 * Turns the named files into changes. users/user: a removed object, a cleared activation property
 * or a disabled account is a delete, anything else an upsert (or a skip with the mapper's reason).
 * groups/group: a removed group is a delete; other group changes carry member DNs, which only the
 * LDAP read of the same run turns into entryUUIDs, so they are left to it. A file that is not
 * JSON, or has no valid id, is skipped with the reason (a broken one is renamed to `.invalid` for
 * the admin); it never stops the run.
 */
export async function readListenerChanges(
  folder: string,
  names: readonly string[],
  options: { activationProperty: string },
): Promise<ListenerChanges> {
  const latest = new Map<string, Change>();
  const skipped: SkippedRecord[] = [];
  for (const name of names) {
    const path = join(folder, name);
    let data: ListenerFile;
    try {
      data = JSON.parse(await readFile(path, 'utf8')) as ListenerFile;
      if (data === null || typeof data !== 'object') throw new Error('not an object');
    } catch (err) {
      if (isMissing(err)) continue; // removed meanwhile by another worker: applied before
      await rename(path, `${path}.invalid`).catch(() => undefined);
      skipped.push({
        type: 'user',
        externalId: name,
        reason: `listener file ${name} is not a JSON object (renamed to ${name}.invalid)`,
      });
      continue;
    }
    const type =
      data.udm_object_type === 'users/user'
        ? 'user'
        : data.udm_object_type === 'groups/group'
          ? 'group'
          : null;
    if (type === null) continue; // the app's listener is set up for users and groups only
    const id = typeof data.id === 'string' ? data.id.toLowerCase() : '';
    const dn = typeof data.dn === 'string' ? data.dn : name;
    if (!uuidPattern.test(id)) {
      skipped.push({ type, externalId: dn, reason: `listener file ${name} without a valid id (entryUUID)` });
      continue;
    }
    const object = data.object;
    const removed = object === null || typeof object !== 'object';
    if (type === 'group') {
      if (removed) latest.set(`group:${id}`, { kind: 'delete', type });
      continue;
    }
    const props = (removed ? {} : object) as Record<string, unknown>;
    if (removed || !truthy(props[options.activationProperty]) || truthy(props['disabled'])) {
      latest.set(`user:${id}`, { kind: 'delete', type });
      continue;
    }
    const mapped = mapUser(udmToEntry(id, dn, props));
    latest.set(
      `user:${id}`,
      'record' in mapped
        ? { kind: 'upsert', record: mapped.record }
        : { kind: 'skip', type, reason: mapped.skipped.reason },
    );
  }
  const upserts: UserRecord[] = [];
  const deletes: DirectoryDeletion[] = [];
  for (const [key, change] of latest) {
    const externalId = key.slice(key.indexOf(':') + 1);
    if (change.kind === 'upsert') upserts.push(change.record);
    else if (change.kind === 'delete') deletes.push({ type: change.type, externalId });
    else skipped.push({ type: change.type, externalId, reason: change.reason });
  }
  return { upserts, deletes, skipped };
}
