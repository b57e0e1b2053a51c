import { readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';

import type { DirectoryDeletion, SkippedRecord, UserRecord } from '@vc/connector-sdk';
import type { Entry } from 'ldapts';

import { mapUser } from './map-entry.js';

/**
 * Optional push path: the UCS App Center listener integration (`ListenerUDMModules`) writes one
 * JSON file per change, `{id, dn, udm_object_type, object}` with UDM property names, `object: null`
 * meaning deleted, into /var/lib/univention-appcenter/apps/<appid>/data/listener/. Files are
 * handled in filename (timestamp) order and removed only after the hub applied them; the same `id`
 * may come several times (the last file wins). Groups carry member DNs, which only the LDAP runs
 * can turn into entryUUIDs, so group files are acknowledged and left to the next LDAP run.
 */
export interface ListenerBatch {
  readonly upserts: UserRecord[];
  readonly deletes: DirectoryDeletion[];
  readonly skipped: SkippedRecord[];
  /** Files this batch came from: pass them to `acknowledge` once the batch is applied. */
  readonly files: string[];
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

/** Reads up to `limit` change files in filename order and turns them into one batch. */
export async function readListenerFolder(
  folder: string,
  options: { activationProperty: string; limit?: number },
): Promise<ListenerBatch> {
  const names = (await readdir(folder)).filter((n) => n.endsWith('.json')).sort();
  const files = names.slice(0, options.limit ?? 500);
  const latest = new Map<
    string,
    { kind: 'upsert'; record: UserRecord } | { kind: 'delete' } | { kind: 'skip'; reason: string }
  >();
  const skipped: SkippedRecord[] = [];
  const handled: string[] = [];
  for (const name of files) {
    const path = join(folder, name);
    let data: ListenerFile;
    try {
      data = JSON.parse(await readFile(path, 'utf8')) as ListenerFile;
    } catch {
      // A broken file would block the folder forever; set it aside for the admin and go on.
      await rename(path, `${path}.invalid`);
      skipped.push({
        type: 'user',
        externalId: name,
        reason: 'listener file is not valid JSON (renamed to .invalid)',
      });
      continue;
    }
    handled.push(path);
    const id = typeof data.id === 'string' ? data.id.toLowerCase() : '';
    const dn = typeof data.dn === 'string' ? data.dn : name;
    if (data.udm_object_type !== 'users/user') continue;
    if (!uuidPattern.test(id)) {
      skipped.push({ type: 'user', externalId: dn, reason: 'listener file without a valid id (entryUUID)' });
      continue;
    }
    const object = data.object;
    if (object === null || typeof object !== 'object') {
      latest.set(id, { kind: 'delete' });
      continue;
    }
    const props = object as Record<string, unknown>;
    if (!truthy(props[options.activationProperty]) || truthy(props['disabled'])) {
      latest.set(id, { kind: 'delete' });
      continue;
    }
    const mapped = mapUser(udmToEntry(id, dn, props));
    latest.set(
      id,
      'record' in mapped
        ? { kind: 'upsert', record: mapped.record }
        : { kind: 'skip', reason: mapped.skipped.reason },
    );
  }
  const upserts: UserRecord[] = [];
  const deletes: DirectoryDeletion[] = [];
  for (const [id, change] of latest) {
    if (change.kind === 'upsert') upserts.push(change.record);
    else if (change.kind === 'delete') deletes.push({ type: 'user', externalId: id });
    else skipped.push({ type: 'user', externalId: id, reason: change.reason });
  }
  return { upserts, deletes, skipped, files: handled };
}

/** Removes applied files; one that is already gone was acknowledged before. */
export async function acknowledge(files: readonly string[]): Promise<void> {
  for (const file of files) {
    await unlink(file).catch((err: unknown) => {
      if ((err as { code?: unknown }).code !== 'ENOENT') throw err;
    });
  }
}
