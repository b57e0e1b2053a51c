import type { ConnectorContext, SyncBatch } from '@vc/connector-sdk';
import type { Entry } from 'ldapts';
import { describe, expect, it } from 'vitest';

import type { LdapSession } from './ldap-session.js';
import { ucsSettings, type UcsSettings } from './settings.js';
import { syncDirectory } from './sync.js';

const base = 'dc=dup,dc=test';
const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const user = (n: number, mail: string): Entry => ({
  dn: `uid=user${n},cn=users,${base}`,
  entryUUID: id(n),
  uid: `user${n}`,
  mailPrimaryAddress: mail,
  vchubActivated: 'TRUE',
});

/**
 * A directory in memory behind the connector's LDAP session: the paged user read returns `read`
 * (what the run sees), a look-up by entryUUID answers from `now` (the directory at that moment,
 * which may have changed since the page was read).
 */
function session(read: Entry[], now: Entry[], lookups: string[]): LdapSession {
  return {
    async *pages(_base, filter) {
      if (filter.includes('users/user')) yield await Promise.resolve(read);
    },
    search(_base, filter) {
      lookups.push(filter);
      return Promise.resolve(now.filter((e) => filter === `(entryUUID=${String(e['entryUUID'])})`));
    },
    readBase: () => Promise.resolve(),
    schemaHasAttribute: () => Promise.resolve(true),
    close: () => Promise.resolve(),
  };
}

async function fullRun(read: Entry[], now: Entry[]): Promise<{ batches: SyncBatch[]; lookups: string[] }> {
  const settings = ucsSettings.parse({ url: 'ldap://dup.test', bindDn: `cn=hub,${base}`, baseDn: base });
  const quiet = (): void => undefined;
  const ctx: ConnectorContext<UcsSettings> = {
    settings,
    logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    fetch: globalThis.fetch,
    signal: new AbortController().signal,
    clock: { now: () => new Date('2026-12-03T10:00:00Z') },
  };
  const lookups: string[] = [];
  const batches: SyncBatch[] = [];
  for await (const batch of syncDirectory(ctx, { mode: 'full', cursor: null }, () =>
    Promise.resolve(session(read, now, lookups)),
  ))
    batches.push(batch);
  return { batches, lookups };
}

const upserted = (batches: SyncBatch[]): string[] =>
  batches.flatMap((b) => b.upserts.map((u) => u.externalId));
const skipped = (batches: SyncBatch[]): string[] =>
  batches.flatMap((b) => b.skipped.map((s) => `${s.externalId}: ${s.reason}`));

describe('a run with users sharing an address', () => {
  it('keeps the first, skips the others naming the first one, and asks the directory once', async () => {
    const read = [user(1, 'Shared@Dup.test'), user(2, 'shared@dup.test'), user(3, ' shared@dup.test ')];
    const { batches, lookups } = await fullRun(read, read);
    expect(upserted(batches)).toEqual([id(1)]);
    expect(skipped(batches)).toEqual([
      `${id(2)}: duplicate mailPrimaryAddress shared@dup.test, also used by uid=user1,cn=users,${base}`,
      `${id(3)}: duplicate mailPrimaryAddress shared@dup.test, also used by uid=user1,cn=users,${base}`,
    ]);
    expect(lookups).toEqual([`(entryUUID=${id(1)})`]);
  });

  it('gives the address to the second user when the first no longer holds it, then guards it for the second', async () => {
    const read = [user(1, 'shared@dup.test'), user(2, 'shared@dup.test'), user(3, 'shared@dup.test')];
    // While the run read, user 1's address was changed and user 2 kept its own.
    const now = [user(1, 'moved@dup.test'), user(2, 'shared@dup.test'), user(3, 'shared@dup.test')];
    const { batches } = await fullRun(read, now);
    expect(upserted(batches)).toEqual([id(1), id(2)]);
    expect(skipped(batches)).toEqual([
      `${id(3)}: duplicate mailPrimaryAddress shared@dup.test, also used by uid=user2,cn=users,${base}`,
    ]);
  });

  it('gives the address to the second user when the first was deleted meanwhile', async () => {
    const read = [user(1, 'shared@dup.test'), user(2, 'shared@dup.test')];
    const { batches } = await fullRun(read, [user(2, 'shared@dup.test')]);
    expect(upserted(batches)).toEqual([id(1), id(2)]);
    expect(skipped(batches)).toEqual([]);
  });

  it('asks nothing when no address repeats', async () => {
    const read = Array.from({ length: 2000 }, (_, n) => user(n, `user${n}@dup.test`));
    const { batches, lookups } = await fullRun(read, read);
    expect(upserted(batches)).toHaveLength(2000);
    expect(lookups).toEqual([]);
  });
});
