import { userRecordSchema, type GroupRecord, type SkippedRecord, type UserRecord } from '@vc/connector-sdk';
import type { Entry } from 'ldapts';

/** The user attributes a sync asks for (plus the activation attribute). */
export const userAttributes = [
  'entryUUID',
  'uid',
  'mailPrimaryAddress',
  'mail',
  'givenName',
  'sn',
  'displayName',
  'cn',
  'preferredLanguage',
  'telephoneNumber',
  'modifyTimestamp',
] as const;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const emailSchema = userRecordSchema.shape.email;

/** Reads an attribute case-insensitively (servers return the schema's spelling) as strings. */
export function values(entry: Entry, name: string): string[] {
  // The server answers in the spelling we asked for (the schema's); other spellings are the rare case.
  const key = name in entry ? name : Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) return [];
  const raw = entry[key];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
}

export function first(entry: Entry, name: string): string | undefined {
  return values(entry, name)[0];
}

// Control characters (C0, DEL, C1) and invisible separators.
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const invisible = /[\u0000-\u001f\u007f-\u009f\u200b\u2028\u2029\ufeff]/g;

/**
 * Directory text made safe to store: NFC (a decomposed "ü" and a composed one are one name),
 * control characters removed, whitespace collapsed, cut to `max` code points. Empty becomes null.
 */
export function cleanText(value: string | undefined, max: number): string | null {
  if (value === undefined) return null;
  const cleaned = value.normalize('NFC').replace(invisible, ' ');
  const collapsed = cleaned.replace(/\s+/g, ' ').trim();
  if (collapsed === '') return null;
  // No string has more code points than UTF-16 units: the common short value needs no split.
  if (collapsed.length <= max) return collapsed;
  const points = [...collapsed];
  return points.length > max ? points.slice(0, max).join('').trimEnd() : collapsed;
}

export function entryUuid(entry: Entry): string | null {
  const value = first(entry, 'entryUUID')?.toLowerCase();
  return value !== undefined && uuidPattern.test(value) ? value : null;
}

/** `de_DE`, `de-DE`, `DE` all become `de`; anything that is not a language tag becomes null. */
function language(value: string | undefined): string | null {
  const match = value === undefined ? null : /^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*$/.exec(value);
  return match?.[1]?.toLowerCase() ?? null;
}

function phone(value: string | undefined): string | null {
  const cleaned = cleanText(value, 200);
  // A number longer than the record allows is garbage, not something to cut in half.
  return cleaned !== null && cleaned.length <= 64 && /^[+0-9 ()./-]+$/.test(cleaned) ? cleaned : null;
}

/** A user's address as the hub gets it (NFC, trimmed, lower case), or null when it has none; not yet validated. */
export function mailAddress(entry: Entry): string | null {
  const raw = first(entry, 'mailPrimaryAddress') ?? first(entry, 'mail');
  const email = raw?.normalize('NFC').trim().toLowerCase();
  return email === undefined || email === '' ? null : email;
}

export type MappedUser = { readonly record: UserRecord } | { readonly skipped: SkippedRecord };

/** Turns one UCS user entry into a normalized record, or a skip with the reason an admin can act on. */
export function mapUser(entry: Entry): MappedUser {
  const id = entryUuid(entry);
  if (id === null) {
    return { skipped: { type: 'user', externalId: entry.dn, label: entry.dn, reason: 'no valid entryUUID' } };
  }
  const email = mailAddress(entry);
  if (email === null) {
    return { skipped: { type: 'user', externalId: id, label: entry.dn, reason: 'no mailPrimaryAddress' } };
  }
  if (!emailSchema.safeParse(email).success) {
    return {
      skipped: {
        type: 'user',
        externalId: id,
        label: entry.dn,
        reason: 'mailPrimaryAddress is not a valid address',
      },
    };
  }
  const username = cleanText(first(entry, 'uid'), 256);
  const firstName = cleanText(first(entry, 'givenName'), 256);
  const lastName = cleanText(first(entry, 'sn'), 256);
  const displayName =
    cleanText(first(entry, 'displayName'), 256) ??
    cleanText([firstName, lastName].filter((n) => n !== null).join(' '), 256) ??
    cleanText(first(entry, 'cn'), 256) ??
    username ??
    email;
  return {
    record: {
      type: 'user',
      externalId: id,
      email,
      // mailPrimaryAddress is set by the UCS admin, not by the user: the directory vouches for it.
      emailVerified: true,
      username,
      firstName,
      lastName,
      displayName,
      language: language(first(entry, 'preferredLanguage')),
      phone: phone(first(entry, 'telephoneNumber')),
      // What an admin searches for in UMC; skip reasons and reports name the entry by it.
      label: entry.dn,
    },
  };
}

export function groupRecord(
  id: string,
  entry: Entry,
  members: readonly string[],
): GroupRecord | SkippedRecord {
  const name = cleanText(first(entry, 'cn'), 256);
  if (name === null) return { type: 'group', externalId: id, label: entry.dn, reason: 'group without cn' };
  return { type: 'group', externalId: id, name, memberExternalIds: [...new Set(members)].sort() };
}

/** DNs compared the way LDAP does for our purposes: case-insensitive, no spaces around separators. */
export function normalizeDn(dn: string): string {
  return dn
    .split(/(?<!\\),/)
    .map((rdn) => rdn.trim().replace(/\s*=\s*/, '='))
    .join(',')
    .toLowerCase();
}
