import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { AddressBook } from './address-book.js';

describe('the address book of a run', () => {
  it('keeps the first owner of an address and knows nothing it was not told', () => {
    const book = new AddressBook();
    book.add('anna@example.org', { id: 'id-1', dn: 'uid=anna,cn=users,dc=ucs,dc=test' });
    book.add('anna@example.org', { id: 'id-2', dn: 'uid=anna2,cn=users,dc=ucs,dc=test' });
    expect(book.get('anna@example.org')).toEqual({ id: 'id-1', dn: 'uid=anna,cn=users,dc=ucs,dc=test' });
    expect(book.get('anna@example.com')).toBeUndefined();
    expect(book.get('anna@example.or')).toBeUndefined();
    expect(book.size).toBe(1);
  });

  it('holds any text exactly, including separators, non-ASCII DNs and DNs longer than a chunk', () => {
    const book = new AddressBook();
    const long = `cn=${'x'.repeat(1_100_000)},dc=test`;
    book.add('a\u0000b', { id: '\u0000', dn: 'cn=Jürgen Müller 🙂,dc=test' });
    book.add('a', { id: 'x', dn: long });
    book.add('', { id: '', dn: '' });
    expect(book.get('a\u0000b')).toEqual({ id: '\u0000', dn: 'cn=Jürgen Müller 🙂,dc=test' });
    expect(book.get('a')).toEqual({ id: 'x', dn: long });
    expect(book.get('')).toEqual({ id: '', dn: '' });
    expect(book.get('a\u0000')).toBeUndefined();
  });

  it('answers like a Map of first owners for any sequence of additions', () => {
    const owner = fc.record({ id: fc.string(), dn: fc.string({ unit: 'grapheme' }) });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ maxLength: 6 }), owner), { maxLength: 3000 }),
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 50 }),
        (additions, probes) => {
          const book = new AddressBook();
          const model = new Map<string, { id: string; dn: string }>();
          for (const [address, o] of additions) {
            book.add(address, o);
            if (!model.has(address)) model.set(address, o);
          }
          expect(book.size).toBe(model.size);
          for (const address of [...model.keys(), ...probes])
            expect(book.get(address)).toEqual(model.get(address));
        },
      ),
      { numRuns: 60 },
    );
  });
});
