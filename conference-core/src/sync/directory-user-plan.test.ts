import { describe, expect, it } from 'vitest';
import type { DirectoryUser } from './directory-types.js';
import { emailsToLookUp, planUsers, type LinkedUser, type StoredUser } from './directory-user-plan.js';

const source = 'ucs:1';

const record = (
  externalId: string,
  email: string | null,
  extra: Partial<DirectoryUser> = {},
): DirectoryUser => ({
  externalId,
  email,
  emailVerified: true,
  username: null,
  firstName: null,
  lastName: null,
  displayName: `Person ${externalId}`,
  language: null,
  phone: null,
  label: `uid=${externalId},cn=users,dc=x`,
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

/** A user linked to this source; it created it (owns it) unless said otherwise. */
const linkedUser = (id: string, email: string, extra: Partial<LinkedUser> = {}): LinkedUser => ({
  ...stored(id, email),
  owned: true,
  ...extra,
});

describe('planUsers', () => {
  it('lets linked users trade addresses in one batch, two of them or a cycle of three', () => {
    const linked = new Map([
      ['a', linkedUser('user-a', 'a@x.test')],
      ['b', linkedUser('user-b', 'b@x.test')],
      ['c', linkedUser('user-c', 'c@x.test')],
      ['d', linkedUser('user-d', 'd@x.test')],
      ['e', linkedUser('user-e', 'e@x.test')],
    ]);
    const plan = planUsers(
      source,
      [
        record('a', 'b@x.test'),
        record('b', 'a@x.test'),
        record('c', 'd@x.test'),
        record('d', 'e@x.test'),
        record('e', 'c@x.test'),
      ],
      { linked, byEmail: new Map() },
    );
    expect(plan.skipped).toEqual([]);
    expect(plan.updates.map((u) => [u.userId, u.patch.email, u.moves])).toEqual([
      ['user-a', 'b@x.test', true],
      ['user-b', 'a@x.test', true],
      ['user-c', 'd@x.test', true],
      ['user-d', 'e@x.test', true],
      ['user-e', 'c@x.test', true],
    ]);
  });

  it('refuses a move onto an address someone outside the moves keeps, and the moves that depend on it', () => {
    const linked = new Map([
      ['a', linkedUser('user-a', 'a@x.test')],
      ['b', linkedUser('user-b', 'b@x.test')],
    ]);
    const byEmail = new Map([
      [
        'kept@x.test',
        { user: stored('local', 'kept@x.test'), hasSourceIdentity: false, ownedBySource: false },
      ],
    ]);
    // 'b' wants the address a local user keeps; 'a' wants the one 'b' therefore cannot give up.
    const plan = planUsers(source, [record('a', 'b@x.test'), record('b', 'kept@x.test')], {
      linked,
      byEmail,
    });
    expect(plan.updates).toEqual([]);
    expect(plan.skipped.map((s) => [s.externalId, s.label])).toEqual([
      ['a', 'uid=a,cn=users,dc=x'],
      ['b', 'uid=b,cn=users,dc=x'],
    ]);
    expect(plan.skipped[1]?.reason).toMatch(/kept@x.test already belongs to another user/);
  });

  it('never changes a linked user this source does not own', () => {
    const linked = new Map([['admin', linkedUser('local-admin', 'admin@x.test', { owned: false })]]);
    const plan = planUsers(source, [record('admin', 'admin@x.test', { displayName: 'Directory name' })], {
      linked,
      byEmail: new Map(),
    });
    expect(plan.updates).toEqual([]);
    expect(plan.unchanged).toBe(1);
  });

  it('releases the address of a deactivated user this source owns to the entry that now carries it', () => {
    const when = new Date('2026-11-30T10:00:00Z');
    const gone = stored('gone', 'dup@x.test', { disabledAt: when, deactivatedBy: source });
    const plan = planUsers(source, [record('fixed', 'dup@x.test')], {
      linked: new Map(),
      byEmail: new Map([['dup@x.test', { user: gone, hasSourceIdentity: true, ownedBySource: true }]]),
    });
    expect(plan.release).toEqual(['gone']);
    expect(plan.creates.map((r) => r.externalId)).toEqual(['fixed']);
    expect(plan.skipped).toEqual([]);
  });

  it('says when the holder of an address is deactivated, and by whom', () => {
    const when = new Date('2026-11-30T10:00:00Z');
    const byEmail = new Map([
      [
        'dup@x.test',
        {
          user: stored('held', 'dup@x.test', { disabledAt: when, deactivatedBy: null }),
          hasSourceIdentity: true,
          ownedBySource: true,
        },
      ],
    ]);
    const plan = planUsers(source, [record('other', 'dup@x.test')], { linked: new Map(), byEmail });
    expect(plan.skipped[0]?.reason).toMatch(
      /whose user is deactivated \(disabled by an administrator on 2026-11-30\)/,
    );
  });

  it('enables again only users this source deactivated, and counts a reactivation as no unchanged', () => {
    const when = new Date();
    const linked = new Map([
      [
        'mine',
        linkedUser('u1', 'mine@x.test', {
          displayName: 'Person mine',
          disabledAt: when,
          deactivatedBy: source,
        }),
      ],
      [
        'admin',
        linkedUser('u2', 'admin@x.test', {
          displayName: 'Person admin',
          disabledAt: when,
          deactivatedBy: null,
        }),
      ],
      [
        'other',
        linkedUser('u3', 'other@x.test', {
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
