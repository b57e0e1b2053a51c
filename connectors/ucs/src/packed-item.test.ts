import type { UserRecord } from '@vc/connector-sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { mapUser } from './map-entry.js';
import { packItem, unpackItem, type Item } from './packed-item.js';

const uuid = '0b6f2c1e-7d79-1041-817a-ed1640916fa6';
const record = (over: Partial<UserRecord> = {}): UserRecord => ({
  type: 'user',
  externalId: uuid,
  email: 'anna.berg@example.org',
  emailVerified: true,
  username: 'anna',
  firstName: 'Anna',
  lastName: 'Berg',
  displayName: 'Anna Berg',
  language: 'de',
  phone: '+49 30 1234-5',
  label: 'uid=anna,cn=users,dc=ucs,dc=test',
  ...over,
});

describe('packed slice items', () => {
  it('packs a mapped user compactly and unpacks the same record', () => {
    const mapped = mapUser({
      dn: 'uid=anna,cn=users,dc=ucs,dc=test',
      entryUUID: uuid,
      uid: 'anna',
      mailPrimaryAddress: 'Anna.Berg@example.org',
      givenName: 'Anna',
    });
    if (!('record' in mapped)) throw new Error('expected a record');
    const packed = packItem({ id: uuid, upsert: mapped.record });
    expect(packed[36]).toBe('u');
    expect(unpackItem(packed)).toEqual({ id: uuid, upsert: mapped.record });
  });

  it('keeps nulls, empty strings, separators in the DN and unknown shapes apart', () => {
    const items: Item[] = [
      {
        id: uuid,
        upsert: record({ username: null, firstName: null, lastName: null, language: null, phone: null }),
      },
      { id: uuid, upsert: record({ firstName: '' }) },
      { id: uuid, upsert: record({ label: 'cn=a\u0000b,dc=test' }) },
      { id: uuid, upsert: record({ displayName: 'x\u0000y' }) },
      { id: uuid, upsert: record({ emailVerified: false }) },
      { id: uuid, upsert: record({ email: null }) },
      { id: uuid, upsert: { ...record(), extra: 1 } as UserRecord },
      { id: uuid, delete: { type: 'user', externalId: uuid } },
      {
        id: uuid,
        skipped: { type: 'user', externalId: uuid, label: 'uid=x', reason: 'no mailPrimaryAddress' },
      },
    ];
    for (const item of items) expect(unpackItem(packItem(item))).toEqual(item);
    const { label: _label, ...unlabelled } = record();
    expect(unpackItem(packItem({ id: uuid, upsert: unlabelled }))).toEqual({ id: uuid, upsert: unlabelled });
  });

  it('round-trips any user record and sorts packed items by entryUUID', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 12 });
    const arbitraryRecord = fc.record({
      type: fc.constant('user' as const),
      externalId: fc.uuid(),
      email: fc.option(text),
      emailVerified: fc.boolean(),
      username: fc.option(text),
      firstName: fc.option(text),
      lastName: fc.option(text),
      displayName: text,
      language: fc.option(text),
      phone: fc.option(text),
      label: text,
    });
    fc.assert(
      fc.property(fc.array(arbitraryRecord, { minLength: 1, maxLength: 20 }), (records) => {
        const items: Item[] = records.map((r) => ({ id: r.externalId, upsert: r }));
        for (const item of items) expect(unpackItem(packItem(item))).toEqual(item);
        const sorted = items
          .map(packItem)
          .sort()
          .map((p) => p.slice(0, 36));
        expect(sorted).toEqual(items.map((i) => i.id).sort());
      }),
      { numRuns: 200 },
    );
  });

  it('refuses an id that is not 36 characters long', () => {
    expect(() => packItem({ id: 'short', delete: { type: 'user', externalId: 'short' } })).toThrow(
      /36-character/,
    );
  });
});
