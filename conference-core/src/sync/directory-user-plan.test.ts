import { describe, expect, it } from 'vitest';
import type { DirectoryUser } from './directory-types.js';
import { emailsToLookUp, planUsers, type StoredUser } from './directory-user-plan.js';

const source = 'ucs:1';

const record = (externalId: string, email: string | null, extra: Partial<DirectoryUser> = {}) => ({
  externalId,
  email,
  emailVerified: true,
  username: null,
  firstName: null,
  lastName: null,
  displayName: `Person ${externalId}`,
  language: null,
  phone: null,
  ...extra,
});

const stored = (id: string, email: string, extra: Partial<StoredUser> = {}): StoredUser => ({
  id,
  email,
  displayName: `Person ${id}`,
  givenName: null,
  familyName: null,
  language: null,
  phone: null,
  disabledAt: null,
  deactivatedBy: null,
  ...extra,
});

describe('planUsers', () => {
  it('lets two linked users trade addresses only in an order that never needs one address twice', () => {
    const linked = new Map([
      ['a', stored('user-a', 'a@x.test')],
      ['b', stored('user-b', 'b@x.test')],
    ]);
    const plan = planUsers(source, [record('a', 'b@x.test'), record('b', 'a@x.test')], {
      linked,
      byEmail: new Map(),
    });
    // 'a' wants the address 'b' still holds: skipped; 'b' then wants the address 'a' kept.
    expect(plan.updates).toEqual([]);
    expect(plan.skipped.map((s) => s.externalId)).toEqual(['a', 'b']);
  });

  it('enables again only users this source deactivated, and counts a reactivation as no unchanged', () => {
    const when = new Date();
    const linked = new Map([
      [
        'mine',
        stored('u1', 'mine@x.test', { displayName: 'Person mine', disabledAt: when, deactivatedBy: source }),
      ],
      [
        'admin',
        stored('u2', 'admin@x.test', { displayName: 'Person admin', disabledAt: when, deactivatedBy: null }),
      ],
      [
        'other',
        stored('u3', 'other@x.test', {
          displayName: 'Person other',
          disabledAt: when,
          deactivatedBy: 'ucs:2',
        }),
      ],
    ]);
    const plan = planUsers(
      source,
      ['mine', 'admin', 'other'].map((id) => record(id, `${id}@x.test`)),
      { linked, byEmail: new Map() },
    );
    expect(plan.reactivate).toEqual(['u1']);
    expect(plan.unchanged).toBe(2);
  });

  it('asks the database only about addresses of records not linked and addresses that change', () => {
    const linked = new Map([
      ['same', stored('u1', 'Same@X.test')],
      ['moves', stored('u2', 'old@x.test')],
    ]);
    const records = [
      record('same', 'same@x.test'),
      record('moves', 'new@x.test'),
      record('fresh', 'Fresh@x.test'),
      record('nomail', null),
    ];
    expect(emailsToLookUp(records, linked).sort()).toEqual(['fresh@x.test', 'new@x.test']);
  });
});
