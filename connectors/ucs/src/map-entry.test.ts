import { describe, expect, it } from 'vitest';

import { cleanText, mapUser, normalizeDn } from './map-entry.js';

const uuid = '0b6f2c1e-7d79-1041-817a-ed1640916fa6';
const base = { dn: 'uid=anna,cn=users,dc=ucs,dc=test', entryUUID: uuid, uid: 'anna' };

describe('mapping UCS user entries', () => {
  it('maps the UCS attributes and lower-cases the primary mail', () => {
    const mapped = mapUser({
      ...base,
      mailPrimaryAddress: 'Anna.Berg@Example.ORG',
      givenName: 'Anna',
      sn: 'Berg',
      preferredLanguage: 'de_DE',
      telephoneNumber: '+49 30 1234-5',
    });
    expect(mapped).toEqual({
      record: {
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
        label: base.dn,
      },
    });
  });

  it('skips users without mail or with a broken address, naming the reason and the DN', () => {
    expect(mapUser(base)).toEqual({
      skipped: {
        type: 'user',
        externalId: uuid,
        label: base.dn,
        reason: expect.stringMatching(/no mailPrimaryAddress/) as string,
      },
    });
    const broken = mapUser({ ...base, mailPrimaryAddress: 'not an address' });
    expect('skipped' in broken && broken.skipped.reason).toMatch(/not a valid address/);
    expect(mapUser({ ...base, entryUUID: 'garbage', mailPrimaryAddress: 'a@b.org' })).toMatchObject({
      skipped: { externalId: base.dn },
    });
  });

  it('NFC-normalizes names, strips control characters and cuts very long values', () => {
    const decomposed = 'Ju\u0308rgen';
    const mapped = mapUser({
      ...base,
      mailPrimaryAddress: 'j@x.org',
      givenName: decomposed,
      sn: `Sch\u0000midt\u200b`,
      displayName: 'x'.repeat(5000),
      telephoneNumber: '1'.repeat(100),
    });
    if (!('record' in mapped)) throw new Error('skipped');
    expect(mapped.record.firstName).toBe('J\u00fcrgen');
    expect(mapped.record.lastName).toBe('Sch midt');
    expect(mapped.record.displayName).toHaveLength(256);
    expect(mapped.record.phone).toBeNull();
  });

  it('counts code points, not UTF-16 units, when cutting', () => {
    expect(cleanText('😀'.repeat(300), 256)).toBe('😀'.repeat(256));
    expect(cleanText('   ', 10)).toBeNull();
  });

  it('compares DNs without case or spaces around separators', () => {
    expect(normalizeDn('UID=Anna, CN=users,dc=UCS,dc=test')).toBe('uid=anna,cn=users,dc=ucs,dc=test');
  });
});
