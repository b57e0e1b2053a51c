import { describe, expect, it } from 'vitest';

import { validateBatch } from './validate-batch.js';

const user = (externalId: string, extra: Record<string, unknown> = {}) => ({
  type: 'user',
  externalId,
  email: `${externalId}@x.test`,
  emailVerified: true,
  username: null,
  firstName: null,
  lastName: null,
  displayName: `Person ${externalId}`,
  language: null,
  phone: null,
  ...extra,
});

describe('batch validation', () => {
  it('skips records that break the normalized schema with the reason, and keeps the rest', () => {
    const batch = validateBatch({
      upserts: [user('ok'), user('bad-mail', { email: 'not-an-address' }), { type: 'robot' }] as never,
      deletes: [
        { type: 'user', externalId: 'gone' },
        { type: 'planet', externalId: 'x' },
      ] as never,
      skipped: [{ type: 'user', externalId: 'cn=x', reason: 'no uid' }],
      cursor: { page: 1 },
    });
    expect(batch.users.map((u) => u.externalId)).toEqual(['ok']);
    expect(batch.deletes).toEqual([{ type: 'user', externalId: 'gone' }]);
    expect(batch.skipped.map((s) => s.externalId)).toEqual(['bad-mail', '(no external id)', 'x', 'cn=x']);
    expect(batch.skipped[0]?.reason).toMatch(/invalid record \(email:/);
    expect(batch.cursor).toEqual({ page: 1 });
  });

  it('normalizes text to NFC, trims it, lower-cases mail, and lets the last record of an id win', () => {
    const batch = validateBatch({
      upserts: [
        user('a', { displayName: 'first' }),
        user('a', { displayName: ' Jose\u0301 ', email: 'A@X.TEST', firstName: '\tAnn  ' }),
      ] as never,
      deletes: [],
      skipped: [],
      cursor: null,
    });
    expect(batch.users).toEqual([
      expect.objectContaining({ displayName: 'Jos\u00e9', email: 'a@x.test', firstName: 'Ann' }),
    ]);
  });
});
