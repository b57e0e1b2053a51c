import type { DirectoryDeletion, GroupRecord, SkippedRecord, UserRecord } from '@vc/connector-sdk';

/** One item of a slice, sorted by entryUUID so `after` in the cursor means something. */
export interface Item {
  readonly id: string;
  readonly upsert?: UserRecord | GroupRecord;
  readonly delete?: DirectoryDeletion;
  readonly skipped?: SkippedRecord;
}

/**
 * A user item as one string while its slice waits to be sorted and yielded: the entryUUID (36
 * characters), a kind, then the fields. A slice of a full run is every user of the directory; as
 * records (an object and ten strings each) a million of them are about 550 MB of heap, packed
 * about 190 MB. Packed strings sort like their items: by entryUUID.
 *
 * Kinds: `u` a user record in the usual shape, its fields separated by U+0000 (never in cleaned
 * text or a valid address) and the DN last, so it may hold anything; `d` a user deletion; `j`
 * anything else as JSON (skips, and records in a shape this format does not know).
 */
export type PackedItem = string;

const idLength = 36;
const sep = '\u0000';
/** The fields of a `u` item in order; `label` (the DN) comes last. */
const userFields = [
  'email',
  'username',
  'firstName',
  'lastName',
  'displayName',
  'language',
  'phone',
] as const;
const nullable = new Set<string>(['username', 'firstName', 'lastName', 'language', 'phone']);

function compactUser(record: UserRecord): string | null {
  if (record.emailVerified !== true || record.label === undefined) return null;
  // type, externalId, emailVerified, label and the fields: anything else needs the JSON form.
  if (Object.keys(record).length !== userFields.length + 4) return null;
  const parts: string[] = [record.externalId, 'u'];
  for (const field of userFields) {
    const value = record[field];
    // null becomes '', so '' itself (or a separator inside) cannot be packed.
    if (value === null && nullable.has(field)) parts.push('', sep);
    else if (typeof value === 'string' && value !== '' && !value.includes(sep)) parts.push(value, sep);
    else return null;
  }
  parts.push(record.label);
  // join() makes one flat string; `+=` would make a rope that keeps every piece (and the LDAP
  // entry's strings they are) alive.
  return parts.join('');
}

export function packItem(item: Item): PackedItem {
  if (item.id.length !== idLength)
    throw new Error(`a packed item needs a 36-character entryUUID, got ${item.id}`);
  const { upsert, delete: deletion } = item;
  const alone = Object.keys(item).length === 2; // the id and one of upsert, delete, skipped
  if (alone && upsert?.type === 'user' && upsert.externalId === item.id) {
    const packed = compactUser(upsert);
    if (packed !== null) return packed;
  }
  if (
    alone &&
    deletion?.type === 'user' &&
    deletion.externalId === item.id &&
    Object.keys(deletion).length === 2
  )
    return [item.id, 'd'].join('');
  return [item.id, 'j', JSON.stringify(item)].join('');
}

export function unpackItem(packed: PackedItem): Item {
  const id = packed.slice(0, idLength);
  const kind = packed[idLength];
  if (kind === 'd') return { id, delete: { type: 'user', externalId: id } };
  if (kind === 'j') return JSON.parse(packed.slice(idLength + 1)) as Item;
  const values: (string | null)[] = [];
  let start = idLength + 1;
  for (const field of userFields) {
    const end = packed.indexOf(sep, start);
    const value = packed.slice(start, end);
    values.push(value === '' && nullable.has(field) ? null : value);
    start = end + 1;
  }
  const [email, username, firstName, lastName, displayName, language, phone] = values;
  return {
    id,
    upsert: {
      type: 'user',
      externalId: id,
      email: email!,
      emailVerified: true,
      username: username!,
      firstName: firstName!,
      lastName: lastName!,
      displayName: displayName!,
      language: language!,
      phone: phone!,
      label: packed.slice(start),
    },
  };
}
