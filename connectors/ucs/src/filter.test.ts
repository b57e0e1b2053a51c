import { describe, expect, it } from 'vitest';

import { FilterParser } from 'ldapts';

import { attributeName, escapeFilterValue, filter } from './filter.js';

describe('LDAP filter escaping', () => {
  it('escapes the RFC 4515 specials, NUL and non-ASCII bytes as hex pairs', () => {
    expect(escapeFilterValue('a*b(c)d\\e')).toBe('a\\2ab\\28c\\29d\\5ce');
    expect(escapeFilterValue('nul\u0000')).toBe('nul\\00');
    expect(escapeFilterValue('Jürgen')).toBe('J\\c3\\bcrgen');
    expect(escapeFilterValue('plain-value_1.2@x')).toBe('plain-value_1.2@x');
  });

  it('keeps an injection attempt inside one equality assertion', () => {
    const hostile = '*)(uid=*))(|(uid=*';
    const built = filter`(&(objectClass=person)(uid=${hostile}))`;
    const parsed = FilterParser.parseString(built);
    // One AND of two equality filters: the hostile value did not add clauses or wildcards.
    expect(parsed.toString()).toBe(built);
    expect(built).toBe('(&(objectClass=person)(uid=\\2a\\29\\28uid=\\2a\\29\\29\\28|\\28uid=\\2a))');
    expect((parsed as unknown as { filters: unknown[] }).filters).toHaveLength(2);
  });

  it('accepts attribute names and rejects anything that could carry filter syntax', () => {
    expect(attributeName('opentalkActivated')).toBe('opentalkActivated');
    expect(() => attributeName('x)(uid=*')).toThrow(/not an LDAP attribute name/);
    expect(() => attributeName('1abc')).toThrow();
    expect(() => attributeName('')).toThrow();
  });
});
