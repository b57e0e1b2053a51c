import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { createDialInRepository, type RandomDigits } from './dial-in-repository.js';
import { InvalidCursorError } from './errors.js';
import { createGuestLinkRepository } from './guest-link-repository.js';
import { encodeCursor } from './repository-support.js';
import { createRoomRepository } from './room-repository.js';
import { newRoom, newTenant, newUser, type SchedulingContext } from './scheduling-fixtures.js';

export function describeRoomsContract({ db }: SchedulingContext): void {
  const rooms = () => createRoomRepository(db());
  const links = () => createGuestLinkRepository(db());
  const dialIns = () => createDialInRepository(db());

  describe('rooms', () => {
    it('creates a room with defaults, updates and deletes it', async () => {
      const tenantId = await newTenant(db());
      const owner = await newUser(db(), tenantId);
      const room = await newRoom(db(), tenantId, owner.id);
      expect(room).toMatchObject({
        ownerId: owner.id,
        password: null,
        waitingRoom: false,
        guestAccess: 'waiting_room',
      });
      await sleep(5);
      const updated = await rooms().update(tenantId, room.id, {
        password: 'p4ss w0rd',
        guestAccess: 'disabled',
      });
      expect(updated).toMatchObject({ password: 'p4ss w0rd', guestAccess: 'disabled', waitingRoom: false });
      expect(updated!.updatedAt.getTime()).toBeGreaterThan(room.updatedAt.getTime());
      expect(await rooms().findById(tenantId, room.id)).toEqual(updated);
      expect(await rooms().delete(tenantId, room.id)).toBe(true);
      expect(await rooms().delete(tenantId, room.id)).toBe(false);
      expect(await rooms().findById(tenantId, room.id)).toBeUndefined();
      expect(await rooms().create(tenantId, { ownerId: randomUUID() })).toEqual({
        ok: false,
        reason: 'owner_not_found',
      });
    });

    it("pages through an owner's rooms newest first without duplicates or gaps, ties included", async () => {
      const tenantId = await newTenant(db());
      const owner = await newUser(db(), tenantId);
      const other = await newUser(db(), tenantId);
      await newRoom(db(), tenantId, other.id);
      // now() is fixed within a transaction: these five share one created_at, so only the id orders them.
      const tied = await db()
        .transaction()
        .execute(async (trx) => {
          const made = [];
          for (let i = 0; i < 5; i++) made.push((await newRoom(trx, tenantId, owner.id)).id);
          return made;
        });
      for (let i = 0; i < 3; i++) await newRoom(db(), tenantId, owner.id);
      const all = (await rooms().listByOwner(tenantId, owner.id, { limit: 100 })).items;
      expect(all).toHaveLength(8);
      const seen = [];
      let cursor: string | undefined;
      do {
        const page = await rooms().listByOwner(tenantId, owner.id, { limit: 3, cursor });
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(seen.map((room) => room.id)).toEqual(all.map((room) => room.id));
      const times = all.map((room) => room.createdAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(all.map((room) => room.id).filter((id) => tied.includes(id))).toEqual(
        [...tied].sort().reverse(),
      );
    });

    it('keeps two rooms apart whose creation times differ by microseconds only', async () => {
      const tenantId = await newTenant(db());
      const owner = await newUser(db(), tenantId);
      const [first, second] = [
        await newRoom(db(), tenantId, owner.id),
        await newRoom(db(), tenantId, owner.id),
      ];
      // A cursor rounded to JavaScript's milliseconds would skip the second room.
      await sql`update rooms set created_at = '2030-01-01T00:00:00.123999Z' where id = ${first.id}`.execute(
        db(),
      );
      await sql`update rooms set created_at = '2030-01-01T00:00:00.123456Z' where id = ${second.id}`.execute(
        db(),
      );
      const page1 = await rooms().listByOwner(tenantId, owner.id, { limit: 1 });
      const page2 = await rooms().listByOwner(tenantId, owner.id, { limit: 1, cursor: page1.nextCursor });
      expect([...page1.items, ...page2.items].map((room) => room.id)).toEqual([first.id, second.id]);
      expect(page2.nextCursor).toBeUndefined();
    });

    it('rejects a cursor it did not hand out with InvalidCursorError', async () => {
      const tenantId = await newTenant(db());
      const owner = await newUser(db(), tenantId);
      const list = (cursor: string) => rooms().listByOwner(tenantId, owner.id, { limit: 5, cursor });
      const foreign = encodeCursor('events-window', { at: null, id: randomUUID() });
      for (const cursor of [
        '',
        'not base64 json',
        foreign,
        Buffer.from('{"l":"rooms-by-owner"}').toString('base64url'),
      ]) {
        await expect(list(cursor)).rejects.toBeInstanceOf(InvalidCursorError);
      }
      const february30 = encodeCursor('rooms-by-owner', {
        at: '2030-02-30T00:00:00.000000Z',
        id: randomUUID(),
      });
      await expect(list(february30)).rejects.toMatchObject({ code: 'invalid_cursor' });
    });
  });

  describe('guest links', () => {
    it('tells whether a link admits a guest at a given time: active and not yet expired', async () => {
      const tenantId = await newTenant(db());
      const owner = await newUser(db(), tenantId);
      const room = await newRoom(db(), tenantId, owner.id);
      const expiresAt = new Date('2030-06-01T10:00:00.000Z');
      const created = await links().create(tenantId, room.id, { createdBy: owner.id, expiresAt });
      if (!created.ok) throw new Error('expected the link');
      const { code } = created.link;
      const usableAt = async (iso: string) =>
        (await links().findByCode(tenantId, code, new Date(iso)))?.usable;
      expect(await usableAt('2030-06-01T09:59:59.999Z')).toBe(true);
      expect(await usableAt('2030-06-01T10:00:00.000Z')).toBe(false);
      await links().update(tenantId, code, { active: false });
      expect(await usableAt('2030-01-01T00:00:00.000Z')).toBe(false);
      const reopened = await links().update(tenantId, code, { active: true, expiresAt: null });
      expect(reopened).toMatchObject({ active: true, expiresAt: null });
      expect(await usableAt('2099-01-01T00:00:00.000Z')).toBe(true);
    });

    it('lists the links of a room and deletes one', async () => {
      const tenantId = await newTenant(db());
      const owner = await newUser(db(), tenantId);
      const room = await newRoom(db(), tenantId, owner.id);
      const first = await links().create(tenantId, room.id, { createdBy: owner.id });
      const second = await links().create(tenantId, room.id, { createdBy: owner.id });
      if (!first.ok || !second.ok) throw new Error('expected the links');
      expect(first.link).toMatchObject({ active: true, expiresAt: null, roomId: room.id });
      expect((await links().listForRoom(tenantId, room.id)).map((link) => link.code).sort()).toEqual(
        [first.link.code, second.link.code].sort(),
      );
      expect(await links().delete(tenantId, first.link.code)).toBe(true);
      expect(await links().findByCode(tenantId, first.link.code, new Date())).toBeUndefined();
      expect(await links().listForRoom(tenantId, room.id)).toEqual([second.link]);
      expect(await links().create(tenantId, randomUUID(), { createdBy: owner.id })).toEqual({
        ok: false,
        reason: 'room_not_found',
      });
    });
  });

  describe('dial-in', () => {
    it('assigns a ten-digit conference id once and finds it by that id without a tenant', async () => {
      const tenantId = await newTenant(db());
      const owner = await newUser(db(), tenantId);
      const room = await newRoom(db(), tenantId, owner.id);
      const assigned = await dialIns().assign(tenantId, room.id, {});
      if (!assigned.ok) throw new Error('expected dial-in');
      expect(assigned.dialIn).toMatchObject({ tenantId, roomId: room.id, lobby: false });
      expect(assigned.dialIn.conferenceId).toMatch(/^[0-9]{10}$/);
      expect(assigned.dialIn.pin).toMatch(/^[0-9]{6}$/);
      expect(await dialIns().assign(tenantId, room.id, { pin: '9999' })).toEqual({
        ok: false,
        reason: 'already_assigned',
        dialIn: assigned.dialIn,
      });
      expect(await dialIns().findByConferenceIdAcrossTenants(assigned.dialIn.conferenceId)).toEqual(
        assigned.dialIn,
      );
      expect(await dialIns().findByConferenceIdAcrossTenants('12345')).toBeUndefined();
      expect(await dialIns().get(tenantId, room.id)).toEqual(assigned.dialIn);
    });

    it('draws again when the conference id is taken, even by another tenant', async () => {
      const [tenantA, tenantB] = [await newTenant(db()), await newTenant(db())];
      const [ownerA, ownerB] = [await newUser(db(), tenantA), await newUser(db(), tenantB)];
      const [roomA, roomB] = [
        await newRoom(db(), tenantA, ownerA.id),
        await newRoom(db(), tenantB, ownerB.id),
      ];
      const taken = await dialIns().assign(tenantA, roomA.id, { pin: '1234' });
      if (!taken.ok) throw new Error('expected dial-in');
      const fresh = taken.dialIn.conferenceId.replace(/^./, (digit) => String((Number(digit) + 1) % 10));
      const draws = [taken.dialIn.conferenceId, fresh];
      const generator = vi.fn<RandomDigits>(() => draws.shift() ?? 'never');
      const assigned = await dialIns().assign(tenantB, roomB.id, { pin: '4321', lobby: true }, generator);
      expect(assigned).toMatchObject({
        ok: true,
        dialIn: { conferenceId: fresh, tenantId: tenantB, lobby: true },
      });
      expect(generator.mock.calls).toEqual([[10], [10]]);
      expect(await dialIns().findByConferenceIdAcrossTenants(taken.dialIn.conferenceId)).toEqual(
        taken.dialIn,
      );
    });

    it('fails after a generator that keeps drawing taken ids, assigning nothing', async () => {
      const tenantId = await newTenant(db());
      const owner = await newUser(db(), tenantId);
      const [roomA, roomB] = [
        await newRoom(db(), tenantId, owner.id),
        await newRoom(db(), tenantId, owner.id),
      ];
      const taken = await dialIns().assign(tenantId, roomA.id, { pin: '1234' });
      if (!taken.ok) throw new Error('expected dial-in');
      const stuck: RandomDigits = () => taken.dialIn.conferenceId;
      await expect(dialIns().assign(tenantId, roomB.id, { pin: '1234' }, stuck)).rejects.toThrow(
        /no free conference id/,
      );
      expect(await dialIns().get(tenantId, roomB.id)).toBeUndefined();
    });

    it('updates PIN and lobby, refuses a malformed PIN, and deletes', async () => {
      const tenantId = await newTenant(db());
      const owner = await newUser(db(), tenantId);
      const room = await newRoom(db(), tenantId, owner.id);
      await dialIns().assign(tenantId, room.id, { pin: '1234' });
      expect(await dialIns().update(tenantId, room.id, { pin: '000000000000', lobby: true })).toMatchObject({
        pin: '000000000000',
        lobby: true,
      });
      await expect(dialIns().update(tenantId, room.id, { pin: '12a4' })).rejects.toThrow(RangeError);
      await expect(dialIns().assign(tenantId, room.id, { pin: '123' })).rejects.toThrow(RangeError);
      await expect(
        sql`update dial_in set pin = '1234567890123' where room_id = ${room.id}`.execute(db()),
      ).rejects.toThrow(/dial_in_pin_format/);
      expect(await dialIns().delete(tenantId, room.id)).toBe(true);
      expect(await dialIns().get(tenantId, room.id)).toBeUndefined();
    });
  });
}
