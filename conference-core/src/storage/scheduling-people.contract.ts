import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createGroupRepository } from './group-repository.js';
import { newTenant, newUser, token, type SchedulingContext } from './scheduling-fixtures.js';
import { createUserRepository } from './user-repository.js';

export function describePeopleContract({ db }: SchedulingContext): void {
  const users = () => createUserRepository(db());
  const groups = () => createGroupRepository(db());

  describe('users', () => {
    it('creates a user and finds it by id and by email in any letter case', async () => {
      const tenantId = await newTenant(db());
      const created = await users().create(tenantId, {
        email: 'Anna.Berg@Example.org',
        displayName: 'Anna Berg',
        givenName: 'Anna',
        familyName: 'Berg',
        language: 'de',
        timeZone: 'Europe/Berlin',
      });
      if (!created.ok) throw new Error('expected the user to be created');
      expect(created.user).toMatchObject({
        tenantId,
        email: 'Anna.Berg@Example.org',
        phone: null,
        disabledAt: null,
      });
      expect(await users().findById(tenantId, created.user.id)).toEqual(created.user);
      expect(await users().findByEmail(tenantId, 'anna.berg@EXAMPLE.ORG')).toEqual(created.user);
      expect(await users().findByEmail(tenantId, 'anna.berg@example.com')).toBeUndefined();
    });

    it('reports an email taken in another letter case as a value and keeps the first user', async () => {
      const tenantId = await newTenant(db());
      const first = await newUser(db(), tenantId, { email: 'kai@example.org', displayName: 'First' });
      const second = await users().create(tenantId, { email: 'KAI@example.org', displayName: 'Second' });
      expect(second).toEqual({ ok: false, reason: 'email_taken' });
      expect(await users().findByEmail(tenantId, 'kai@example.org')).toEqual(first);
    });

    it('updates a profile and refuses an email that another user has in any letter case', async () => {
      const tenantId = await newTenant(db());
      const taken = await newUser(db(), tenantId, { email: 'taken@example.org' });
      const user = await newUser(db(), tenantId, { email: 'mine@example.org', phone: '+49 30 1234' });
      await sleep(5);
      expect(await users().update(tenantId, user.id, { email: 'TAKEN@example.org' })).toEqual({
        ok: false,
        reason: 'email_taken',
      });
      const updated = await users().update(tenantId, user.id, { email: 'Mine@Example.org', phone: null });
      if (!updated.ok) throw new Error('expected the update to succeed');
      expect(updated.user).toMatchObject({
        email: 'Mine@Example.org',
        phone: null,
        displayName: user.displayName,
      });
      expect(updated.user.updatedAt.getTime()).toBeGreaterThan(user.updatedAt.getTime());
      expect(await users().findById(tenantId, taken.id)).toEqual(taken);
      expect(await users().update(tenantId, randomUUID(), { displayName: 'Nobody' })).toEqual({
        ok: false,
        reason: 'not_found',
      });
    });

    it('links an identity once, again without change, and never to a second user', async () => {
      const tenantId = await newTenant(db());
      const [anna, ben] = [await newUser(db(), tenantId), await newUser(db(), tenantId)];
      expect(await users().linkIdentity(tenantId, anna.id, 'ucs', 'entry-1')).toEqual({
        ok: true,
        created: true,
      });
      expect(await users().linkIdentity(tenantId, anna.id.toUpperCase(), 'ucs', 'entry-1')).toEqual({
        ok: true,
        created: false,
      });
      expect(await users().linkIdentity(tenantId, ben.id, 'ucs', 'entry-1')).toEqual({
        ok: false,
        reason: 'identity_taken',
      });
      expect(await users().linkIdentity(tenantId, anna.id, 'oidc', 'sub-1')).toEqual({
        ok: true,
        created: true,
      });
      expect(await users().linkIdentity(tenantId, randomUUID(), 'oidc', 'sub-2')).toEqual({
        ok: false,
        reason: 'user_not_found',
      });
      expect(await users().findByIdentity(tenantId, 'ucs', 'entry-1')).toEqual(anna);
      expect(await users().findByIdentity(tenantId, 'microsoft365', 'entry-1')).toBeUndefined();
      expect((await users().listIdentities(tenantId, anna.id)).map((i) => [i.source, i.externalId])).toEqual([
        ['oidc', 'sub-1'],
        ['ucs', 'entry-1'],
      ]);
      expect(await users().listIdentities(tenantId, ben.id)).toEqual([]);
    });

    it('finds enabled users by the start of their email or names, ignoring case', async () => {
      const tenantId = await newTenant(db());
      const marie = await newUser(db(), tenantId, {
        email: 'm.curie@example.org',
        displayName: 'Marie Curie',
        givenName: 'Marie',
        familyName: 'Skłodowska',
      });
      const pierre = await newUser(db(), tenantId, {
        email: 'pierre@example.org',
        displayName: 'Pierre Curie',
      });
      const disabled = await newUser(db(), tenantId, {
        email: 'marie.old@example.org',
        displayName: 'Marie Old',
      });
      await users().setDisabled(tenantId, disabled.id, new Date());
      const ids = async (query: string) => (await users().search(tenantId, query, 10)).map((user) => user.id);
      expect(await ids('MARIE')).toEqual([marie.id]);
      expect(await ids('m.cur')).toEqual([marie.id]);
      expect(await ids('skło')).toEqual([marie.id]);
      expect(await ids('pierre c')).toEqual([pierre.id]);
      expect(await ids('urie')).toEqual([]);
      expect(await users().search(tenantId, '', 1)).toHaveLength(1);
    });

    it('matches % and _ and backslash in a search literally, not as wildcards', async () => {
      const tenantId = await newTenant(db());
      const underscore = await newUser(db(), tenantId, {
        email: 'a_b@example.org',
        displayName: 'Underscore',
      });
      await newUser(db(), tenantId, { email: 'axb@example.org', displayName: 'Letter x' });
      const percent = await newUser(db(), tenantId, { displayName: '100% Sure' });
      await newUser(db(), tenantId, { displayName: '100 Percent' });
      const backslash = await newUser(db(), tenantId, { displayName: 'back\\slash' });
      await newUser(db(), tenantId, { displayName: 'backslash' });
      const ids = async (query: string) => (await users().search(tenantId, query, 10)).map((user) => user.id);
      expect(await ids('a_b')).toEqual([underscore.id]);
      expect(await ids('100%')).toEqual([percent.id]);
      expect(await ids('back\\')).toEqual([backslash.id]);
      expect(await ids('%')).toEqual([]);
      expect(await ids('_')).toEqual([]);
    });

    it('records a login without changing updatedAt, and disables and enables a user', async () => {
      const tenantId = await newTenant(db());
      const user = await newUser(db(), tenantId);
      const loginAt = new Date('2030-01-02T03:04:05.678Z');
      const loggedIn = await users().markLogin(tenantId, user.id, loginAt);
      expect(loggedIn).toEqual({ ...user, lastLoginAt: loginAt });
      const disabledAt = new Date('2030-02-01T00:00:00.000Z');
      expect(await users().setDisabled(tenantId, user.id, disabledAt)).toMatchObject({ disabledAt });
      expect(await users().setDisabled(tenantId, user.id, null)).toMatchObject({ disabledAt: null });
      expect(await users().markLogin(tenantId, randomUUID(), loginAt)).toBeUndefined();
    });

    it('answers malformed ids with nothing and leaves the surrounding transaction usable', async () => {
      const tenantId = await newTenant(db());
      await db()
        .transaction()
        .execute(async (trx) => {
          const inside = createUserRepository(trx);
          expect(await inside.findById(tenantId, 'not-a-uuid')).toBeUndefined();
          expect(await inside.findById('not-a-uuid', randomUUID())).toBeUndefined();
          expect(await inside.update(tenantId, '1234', { displayName: 'x' })).toEqual({
            ok: false,
            reason: 'not_found',
          });
          expect(await inside.linkIdentity(tenantId, 'nope', 'ucs', 'x')).toEqual({
            ok: false,
            reason: 'user_not_found',
          });
          expect(await inside.listIdentities(tenantId, "'; drop table users; --")).toEqual([]);
          expect(await createGroupRepository(trx).setMembers(tenantId, 'nope', [])).toEqual({
            ok: false,
            reason: 'not_found',
          });
          await sql`select 1`.execute(trx);
        });
    });
  });

  describe('groups', () => {
    it('upserts a directory group by source and external id and renames it', async () => {
      const tenantId = await newTenant(db());
      const id = `cn-${token()}`;
      const first = await groups().upsert(tenantId, { name: 'Staff', source: 'ucs', externalId: id });
      const again = await groups().upsert(tenantId, { name: 'Staff', source: 'ucs', externalId: id });
      const renamed = await groups().upsert(tenantId, { name: 'All staff', source: 'ucs', externalId: id });
      if (!first.ok || !again.ok || !renamed.ok) throw new Error('expected every upsert to succeed');
      expect(first).toMatchObject({ created: true, group: { name: 'Staff', source: 'ucs', externalId: id } });
      expect(again).toEqual({ ok: true, created: false, group: first.group });
      expect(renamed).toMatchObject({ created: false, group: { id: first.group.id, name: 'All staff' } });
    });

    it('upserts a local group by name and refuses a directory group a name that is taken', async () => {
      const tenantId = await newTenant(db());
      const local = await groups().upsert(tenantId, { name: 'Moderators' });
      expect(await groups().upsert(tenantId, { name: 'Moderators' })).toEqual({ ...local, created: false });
      expect(
        await groups().upsert(tenantId, { name: 'Moderators', source: 'ucs', externalId: 'cn-x' }),
      ).toEqual({
        ok: false,
        reason: 'name_taken',
      });
      await groups().upsert(tenantId, { name: 'Sales', source: 'ucs', externalId: 'cn-sales' });
      expect(
        await groups().upsert(tenantId, { name: 'Moderators', source: 'ucs', externalId: 'cn-sales' }),
      ).toEqual({
        ok: false,
        reason: 'name_taken',
      });
    });

    it('replaces the members of a group and ignores ids that name no user of the tenant', async () => {
      const tenantId = await newTenant(db());
      const [a, b, c] = [
        await newUser(db(), tenantId),
        await newUser(db(), tenantId),
        await newUser(db(), tenantId),
      ];
      const group = await groups().upsert(tenantId, { name: 'Team' });
      const other = await groups().upsert(tenantId, { name: 'Other' });
      if (!group.ok || !other.ok) throw new Error('expected the groups');
      const stranger = randomUUID();
      expect(await groups().setMembers(tenantId, group.group.id, [a.id, b.id, stranger, 'junk'])).toEqual({
        ok: true,
        added: 2,
        removed: 0,
        ignoredUserIds: [stranger, 'junk'],
      });
      await groups().setMembers(tenantId, other.group.id, [b.id]);
      expect(await groups().setMembers(tenantId, group.group.id, [b.id, c.id, c.id])).toMatchObject({
        added: 1,
        removed: 1,
      });
      expect(await groups().listMembers(tenantId, group.group.id)).toEqual([b.id, c.id].sort());
      expect((await groups().listForUser(tenantId, b.id)).map((g) => g.name)).toEqual(['Other', 'Team']);
      expect(await groups().listForUser(tenantId, a.id)).toEqual([]);
      expect(await groups().setMembers(tenantId, group.group.id, [])).toMatchObject({ added: 0, removed: 2 });
      expect(await groups().listMembers(tenantId, group.group.id)).toEqual([]);
    });

    it('takes more member ids than one statement could carry as parameters', async () => {
      const tenantId = await newTenant(db());
      const member = await newUser(db(), tenantId);
      const group = await groups().upsert(tenantId, { name: 'Everyone' });
      if (!group.ok) throw new Error('expected the group');
      const strangers = Array.from({ length: 70_000 }, () => randomUUID());
      const result = await groups().setMembers(tenantId, group.group.id, [...strangers, member.id]);
      expect(result).toMatchObject({ ok: true, added: 1 });
      expect(result.ok && result.ignoredUserIds.length).toBe(70_000);
    });
  });
}
