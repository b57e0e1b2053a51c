import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { GroupRecord, JsonValue, SyncMode } from '@vc/connector-sdk';
import { capturingLogger, runSync, testContext, type RunResult } from '@vc/connector-sdk/testing';
import { ucsConnector } from '@vc/connector-ucs';

import { startSlapd, type Slapd } from './support/slapd.js';
import { slapdSettings } from './support/ucs-harness.js';
import { groupDn, groupLdif, userDn, userLdif, type LdifUser } from './support/ucs-ldap/ucs-ldif.js';

// A real OpenLDAP with a UCS-like directory (UCS attribute names, locally defined object classes:
// an approximation of the UCS schema, see support/ucs-ldap/ucs-approx.schema).
const users = ucsConnector.capabilities.users!;

function sync(
  settings: object,
  mode: SyncMode,
  cursor: JsonValue | null = null,
  logger = capturingLogger(),
): Promise<RunResult> {
  const ctx = testContext(ucsConnector.settings.parse(settings), { logger });
  return runSync((request) => users.sync(ctx, request), mode, cursor);
}

function ok(result: RunResult): RunResult {
  if (result.error !== undefined)
    throw result.error instanceof Error ? result.error : new Error('the run failed');
  return result;
}

const groupsOf = (result: RunResult): GroupRecord[] =>
  result.batches.flatMap((b) => b.upserts.filter((r): r is GroupRecord => r.type === 'group'));

const person = (uid: string, over: Partial<LdifUser> = {}): LdifUser => ({
  uid,
  mail: `${uid}@ucs.test`,
  givenName: uid[0]!.toUpperCase() + uid.slice(1),
  sn: 'Tester',
  activated: true,
  ...over,
});

describe('UCS connector against slapd', () => {
  let slapd: Slapd;
  beforeAll(async () => {
    slapd = await startSlapd({ tls: true, suffixes: ['dc=ucs,dc=test', 'dc=other,dc=test'] });
    const base = slapd.base;
    await slapd.add(
      [
        userLdif(
          base,
          person('anna', {
            preferredLanguage: 'de-DE',
            telephoneNumber: '+49 421 1234',
            displayName: 'Anna A.',
          }),
        ),
        userLdif(base, person('ben')),
        userLdif(base, person('carl', { activated: false })),
        userLdif(base, { uid: 'dora', mail: 'dora@ucs.test', sn: 'Tester' }),
        groupLdif(base, { cn: 'Domain Users', memberUids: ['anna', 'ben', 'carl'] }),
        groupLdif(base, { cn: 'R&D (Team) *', memberUids: ['ben'] }),
      ].join('\n\n'),
    );
  });
  afterAll(async () => {
    await slapd.dispose();
  });

  it('reads activated users with their UCS attributes and groups with activated members only', async () => {
    const result = ok(await sync(slapdSettings(slapd), 'full'));
    const byName = new Map(result.users.map((u) => [u.username, u]));
    expect([...byName.keys()].sort()).toEqual(['anna', 'ben']);
    expect(byName.get('anna')).toMatchObject({
      email: 'anna@ucs.test',
      emailVerified: true,
      firstName: 'Anna',
      lastName: 'Tester',
      displayName: 'Anna A.',
      language: 'de',
      phone: '+49 421 1234',
    });
    expect(byName.get('anna')!.externalId).toMatch(/^[0-9a-f-]{36}$/);
    const groups = new Map(groupsOf(result).map((g) => [g.name, g.memberExternalIds]));
    expect(groups.get('Domain Users')).toEqual(
      [byName.get('anna')!.externalId, byName.get('ben')!.externalId].sort(),
    );
    // A group name full of filter syntax is just data.
    expect(groups.get('R&D (Team) *')).toEqual([byName.get('ben')!.externalId]);
  });

  it('passes add, modify and deactivate to an incremental run, and a full reconcile finds a deleted user', async () => {
    // A uid full of filter syntax: its DN goes (escaped) into the incremental run's group search.
    await slapd.add(
      [
        userLdif(slapd.base, person('odd*(x)', { mail: 'odd@ucs.test' })),
        groupLdif(slapd.base, { cn: 'odd-group', memberUids: ['odd*(x)', 'anna'] }),
      ].join('\n\n'),
    );
    const first = ok(await sync(slapdSettings(slapd), 'full'));
    const id = (uid: string): string => first.users.find((u) => u.username === uid)!.externalId;
    expect(groupsOf(first).find((g) => g.name === 'odd-group')?.memberExternalIds).toHaveLength(2);
    await slapd.modify(
      `dn: ${userDn(slapd.base, 'odd*(x)')}\nchangetype: modify\nreplace: vchubActivated\nvchubActivated: FALSE\n-`,
    );
    await slapd.add(userLdif(slapd.base, person('emil')));
    await slapd.modify(`dn: ${userDn(slapd.base, 'anna')}\nchangetype: modify\nreplace: sn\nsn: Neumann\n-`);
    await slapd.modify(
      `dn: ${userDn(slapd.base, 'ben')}\nchangetype: modify\nreplace: vchubActivated\nvchubActivated: FALSE\n-`,
    );
    const inc = ok(await sync(slapdSettings(slapd), 'incremental', first.lastCursor));
    expect(inc.users.find((u) => u.username === 'anna')?.lastName).toBe('Neumann');
    expect(inc.users.some((u) => u.username === 'emil')).toBe(true);
    expect(inc.deletes).toContainEqual({ type: 'user', externalId: id('ben') });
    expect(inc.users.some((u) => u.username === 'ben')).toBe(false);
    // Groups whose members changed come again with their new member lists, though their entries did not change.
    expect(groupsOf(inc).find((g) => g.name === 'odd-group')?.memberExternalIds).toEqual([id('anna')]);
    expect(groupsOf(inc).find((g) => g.name === 'Domain Users')?.memberExternalIds).toEqual([id('anna')]);

    await slapd.remove(userDn(slapd.base, 'emil'));
    const reconcile = ok(await sync(slapdSettings(slapd), 'full'));
    expect(reconcile.users.map((u) => u.username).sort()).toEqual(['anna']);
    await slapd.remove(groupDn(slapd.base, 'odd-group'));
    await slapd.remove(userDn(slapd.base, 'odd*(x)'));
    await slapd.modify(
      `dn: ${userDn(slapd.base, 'ben')}\nchangetype: modify\nreplace: vchubActivated\nvchubActivated: TRUE\n-`,
    );
  });

  it('fails a bind with a wrong password as auth_failed and never logs or reports the password', async () => {
    const logger = capturingLogger();
    const secret = 'Wr0ng-Secret-Value';
    const result = await sync(slapdSettings(slapd, { bindPassword: secret }), 'full', null, logger);
    expect(result.error).toMatchObject({ code: 'auth_failed', retryable: false });
    expect(result.batches).toHaveLength(0);
    const good = capturingLogger();
    ok(await sync(slapdSettings(slapd), 'full', null, good));
    const everything = JSON.stringify([
      logger.lines,
      good.lines,
      String(result.error),
      (result.error as Error).stack,
    ]);
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(slapd.hubPassword);
  });

  it('skips or normalizes bad entries with reasons and still completes the run', async () => {
    const base = slapd.base;
    await slapd.add(
      [
        userLdif(base, person('nomail', { mail: null })),
        userLdif(base, person('dup1', { mail: 'shared@ucs.test' })),
        userLdif(base, person('dup2', { mail: 'Shared@UCS.test' })),
        userLdif(base, person('badmail', { mail: 'no-at-sign' })),
        userLdif(
          base,
          person('unicode', {
            givenName: 'Ju\u0308rgen',
            sn: 'Stra\u00dfe\u200b',
            displayName: '  J\u00fcrgen   Stra\u00dfe ',
          }),
        ),
        userLdif(base, person('long', { displayName: 'L'.repeat(3000), telephoneNumber: '0'.repeat(90) })),
        userLdif(base, person('weird*)(uid=*', { mail: 'weird@ucs.test' })),
      ].join('\n\n'),
    );
    const result = ok(await sync(slapdSettings(slapd), 'full'));
    const skipped = result.batches.flatMap((b) => b.skipped);
    // Every skip names the entry by its DN (label), which an admin can look up in UMC.
    const reasons = skipped.map((s) => `${s.label ?? '(no DN)'}: ${s.reason}`).join('\n');
    expect(reasons).toMatch(/^uid=nomail,[^:]*: no mailPrimaryAddress$/m);
    expect(reasons).toMatch(/^uid=badmail,[^:]*: mailPrimaryAddress is not a valid address$/m);
    expect(reasons).toMatch(
      /^uid=dup\d,[^:]*: duplicate mailPrimaryAddress shared@ucs.test, also used by uid=dup\d,/m,
    );
    const names = result.users.map((u) => u.username);
    expect(names.filter((n) => n === 'dup1' || n === 'dup2')).toHaveLength(1);
    const unicode = result.users.find((u) => u.username === 'unicode')!;
    expect(unicode.firstName).toBe('J\u00fcrgen');
    expect(unicode.lastName).toBe('Stra\u00dfe');
    expect(unicode.displayName).toBe('J\u00fcrgen Stra\u00dfe');
    const long = result.users.find((u) => u.username === 'long')!;
    expect(long.displayName).toHaveLength(256);
    expect(long.phone).toBeNull();
    expect(names).toContain('weird*)(uid=*');
  });

  it('rejects an activation attribute that could inject filter syntax, and reads a configured one', async () => {
    expect(
      ucsConnector.settings.safeParse(slapdSettings(slapd, { activationAttribute: 'x)(uid=*' })).success,
    ).toBe(false);
    await slapd.add(
      userLdif(slapd.base, person('vera', { attribute: 'opentalkActivated', activated: true })),
    );
    const result = ok(await sync(slapdSettings(slapd, { activationAttribute: 'opentalkActivated' }), 'full'));
    expect(result.users.map((u) => u.username)).toEqual(['vera']);
  });

  it('keeps two connectors on two base DNs apart', async () => {
    const other = slapd.suffixes[1]!;
    await slapd.add(
      [userLdif(other, person('anna', { mail: 'anna@other.test' })), userLdif(other, person('otto'))].join(
        '\n\n',
      ),
    );
    const a = ok(await sync(slapdSettings(slapd), 'full'));
    const b = ok(await sync(slapdSettings(slapd, { baseDn: other }), 'full'));
    expect(b.users.map((u) => u.email).sort()).toEqual(['anna@other.test', 'otto@ucs.test']);
    expect(a.users.some((u) => u.email === 'anna@other.test' || u.username === 'otto')).toBe(false);
    const idsA = new Set(a.users.map((u) => u.externalId));
    expect(b.users.some((u) => idsA.has(u.externalId))).toBe(false);
  });

  it('binds with a machine secret file and reads over StartTLS and ldaps with the CA file', async () => {
    const secretFile = join(slapd.dir, 'machine.secret');
    writeFileSync(secretFile, `${slapd.hubPassword}\n`);
    const viaFile = slapdSettings(slapd, { bindPasswordFile: secretFile });
    delete (viaFile as { bindPassword?: string }).bindPassword;
    expect(ok(await sync(viaFile, 'full')).users.length).toBeGreaterThan(0);
    const startTls = slapdSettings(slapd, { startTls: true, caFile: slapd.caFile! });
    await users.check(testContext(ucsConnector.settings.parse(startTls)));
    expect(ok(await sync(startTls, 'full')).users.length).toBeGreaterThan(0);
    const ldaps = slapdSettings(slapd, { url: slapd.ldapsUrl!, caFile: slapd.caFile! });
    expect(ok(await sync(ldaps, 'full')).users.length).toBeGreaterThan(0);
    const untrusted = await sync(slapdSettings(slapd, { url: slapd.ldapsUrl! }), 'full');
    expect(untrusted.error).toMatchObject({ code: 'invalid_settings' });
  });

  it('refuses an activation attribute the schema does not define, instead of a run that matches nobody', async () => {
    const typo = slapdSettings(slapd, { activationAttribute: 'vchubActivted' });
    await expect(users.check(testContext(ucsConnector.settings.parse(typo)))).rejects.toMatchObject({
      code: 'invalid_settings',
      message: expect.stringMatching(/no attribute vchubActivted/) as string,
    });
    const result = await sync(typo, 'full');
    expect(result.error).toMatchObject({ code: 'invalid_settings' });
    expect(result.batches).toHaveLength(0);
  });

  it('reports bad settings as invalid_settings: missing base DN, missing password, unreadable files', async () => {
    const noBase = users.check(
      testContext(ucsConnector.settings.parse(slapdSettings(slapd, { baseDn: 'dc=missing,dc=test' }))),
    );
    await expect(noBase).rejects.toMatchObject({ code: 'invalid_settings' });
    const noPassword = slapdSettings(slapd);
    delete (noPassword as { bindPassword?: string }).bindPassword;
    await expect(users.check(testContext(ucsConnector.settings.parse(noPassword)))).rejects.toMatchObject({
      code: 'invalid_settings',
    });
    const missingFile = slapdSettings(slapd, { caFile: '/nonexistent/ca.pem' });
    await expect(users.check(testContext(ucsConnector.settings.parse(missingFile)))).rejects.toMatchObject({
      code: 'invalid_settings',
    });
  });

  it('survives slapd stopping mid-run: a retryable error, then a resume from the cursor that misses nobody', async () => {
    const base = slapd.base;
    await slapd.add(Array.from({ length: 60 }, (_, i) => userLdif(base, person(`bulk${i}`))).join('\n\n'));
    const all = ok(await sync(slapdSettings(slapd), 'full'));
    const ctx = testContext(ucsConnector.settings.parse(slapdSettings(slapd, { pageSize: 3 })));
    const broken = await runSync((r) => users.sync(ctx, r), 'full', null, {
      afterBatch: async (index) => {
        if (index === 5) await slapd.stop();
      },
    });
    await slapd.start();
    expect(broken.error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
    expect(broken.users.length).toBeGreaterThan(0);
    const resumed = ok(await runSync((r) => users.sync(ctx, r), 'full', broken.lastCursor));
    const seen = new Set([...broken.users, ...resumed.users].map((u) => u.externalId));
    expect(all.users.filter((u) => !seen.has(u.externalId))).toEqual([]);
    expect(resumed.users.filter((u) => broken.users.some((b) => b.externalId === u.externalId))).toEqual([]);
  });

  it('hands a slice out again in full when the entries it skipped on resume are not the ones handed out', async () => {
    const all = ok(await sync(slapdSettings(slapd), 'full'));
    const ctx = testContext(ucsConnector.settings.parse(slapdSettings(slapd, { pageSize: 3 })));
    const crashed = await runSync((r) => users.sync(ctx, r), 'full', null, { abandonAfter: 4 });
    const cursor = crashed.lastCursor as { within: { count: number; digest: string } };
    const handedOut = crashed.batches.reduce(
      (n, b) => n + b.upserts.length + b.deletes.length + b.skipped.length,
      0,
    );
    expect(cursor.within.count).toBe(handedOut);
    // As if an entry handed out before had been deleted and another taken its place in the order.
    const other = { ...cursor, within: { ...cursor.within, digest: '0123456789abcdef' } };
    const resumed = ok(await runSync((r) => users.sync(ctx, r), 'full', other));
    expect(resumed.users.map((u) => u.externalId).sort()).toEqual(all.users.map((u) => u.externalId).sort());
    // The same cursor as stored: exactly the rest.
    const exact = ok(await runSync((r) => users.sync(ctx, r), 'full', crashed.lastCursor));
    expect(exact.users.length).toBe(all.users.length - crashed.users.length);
  });
});

describe('UCS connector with the memberOf overlay', () => {
  let slapd: Slapd;
  beforeAll(async () => {
    slapd = await startSlapd({ memberOf: true });
  });
  afterAll(async () => {
    await slapd.dispose();
  });

  it('takes members from memberOf as well as uniqueMember', async () => {
    await slapd.add([userLdif(slapd.base, person('mia')), userLdif(slapd.base, person('max'))].join('\n\n'));
    await slapd.add(groupLdif(slapd.base, { cn: 'staff', memberUids: ['mia', 'max'] }));
    const result = ok(await sync(slapdSettings(slapd), 'full'));
    const staff = groupsOf(result).find((g) => g.name === 'staff')!;
    const ids = result.users.map((u) => u.externalId).sort();
    // Both sources name the same people: merged without duplicates.
    expect(staff.memberExternalIds).toEqual(ids);
    // Taking a member out of the group (the overlay updates memberOf) shows in the next run.
    await slapd.modify(
      `dn: ${groupDn(slapd.base, 'staff')}\nchangetype: modify\ndelete: uniqueMember\nuniqueMember: ${userDn(slapd.base, 'max')}\n-`,
    );
    const after = ok(await sync(slapdSettings(slapd), 'full'));
    const maxId = after.users.find((u) => u.username === 'max')!.externalId;
    expect(groupsOf(after).find((g) => g.name === 'staff')!.memberExternalIds).not.toContain(maxId);
  });
});
