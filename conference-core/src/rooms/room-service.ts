import { createDialInRepository, type DialIn, type DialInSettings } from '../storage/dial-in-repository.js';
import { InvalidCursorError } from '../storage/errors.js';
import { createGuestLinkRepository, type GuestLink } from '../storage/guest-link-repository.js';
import { inTransaction, type Db, type Page } from '../storage/repository-support.js';
import { createRoomRepository, type Room, type RoomPatch } from '../storage/room-repository.js';
import { RoomError } from './room-error.js';

/** Who acts: a person of a tenant. Rooms are private to their owner. */
export interface RoomOwner {
  readonly tenantId: string;
  readonly userId: string;
}

export interface RoomServiceOptions {
  readonly db: Db;
  readonly now: () => Date;
}

export interface NewOwnedRoom extends RoomPatch {
  /** Also give the room a dial-in (conference id and PIN), in the same transaction. */
  readonly withDialIn: boolean;
}

/**
 * Rooms, their guest links and their dial-in, as their owner manages them. The owner rule lives
 * here: a room of someone else, in this tenant or another, is `room_not_found`, so room ids cannot
 * be probed (OpenTalk also lets invited people read rooms; we keep the simplest correct rule).
 * Refusals are `RoomError`s; the API maps their kinds to problem responses.
 */
export function createRoomService({ db, now }: RoomServiceOptions) {
  const rooms = createRoomRepository(db);
  const guestLinks = createGuestLinkRepository(db);
  const dialIns = createDialInRepository(db);

  const owned = async (owner: RoomOwner, roomId: string): Promise<Room> => {
    const room = await rooms.findById(owner.tenantId, roomId);
    if (room === undefined || room.ownerId !== owner.userId)
      throw new RoomError('room_not_found', 'No such room');
    return room;
  };

  const ownedGuestLink = async (owner: RoomOwner, roomId: string, code: string): Promise<GuestLink> => {
    const room = await owned(owner, roomId);
    const found = await guestLinks.findByCode(owner.tenantId, code, now());
    if (found === undefined || found.link.roomId !== room.id) {
      throw new RoomError('guest_link_not_found', 'No such guest link');
    }
    return found.link;
  };

  const noDialIn = () => new RoomError('no_dial_in', 'The room has no dial-in');

  /** An expiration in the past is refused: it would admit nobody. */
  const future = (at: Date | null | undefined): Date | null | undefined => {
    if (at !== undefined && at !== null && at.getTime() <= now().getTime()) {
      throw new RoomError('expiration_past', 'expected a time in the future');
    }
    return at;
  };

  return {
    /** A room of the tenant, whoever owns it (starting a room, a guest's room); undefined if none. */
    find: (tenantId: string, roomId: string): Promise<Room | undefined> => rooms.findById(tenantId, roomId),

    owned,

    /** The owner's rooms, newest first, a page at a time. */
    async listOwned(
      owner: RoomOwner,
      page: { limit: number; cursor?: string | undefined },
    ): Promise<Page<Room>> {
      try {
        return await rooms.listByOwner(owner.tenantId, owner.userId, page);
      } catch (err) {
        if (err instanceof InvalidCursorError) throw new RoomError('invalid_cursor', err.message);
        throw err;
      }
    },

    /** A new room, with its dial-in when asked, in one transaction. */
    async create(owner: RoomOwner, input: NewOwnedRoom): Promise<{ room: Room; dialIn: DialIn | undefined }> {
      const { withDialIn, ...settings } = input;
      return inTransaction(db, async (trx) => {
        const result = await createRoomRepository(trx).create(owner.tenantId, {
          ownerId: owner.userId,
          ...settings,
        });
        if (!result.ok) throw new RoomError('owner_not_found', 'No such user');
        if (!withDialIn) return { room: result.room, dialIn: undefined };
        const assigned = await createDialInRepository(trx).assign(owner.tenantId, result.room.id, {});
        if (!assigned.ok) throw new Error(`a new room has no dial-in to assign: ${assigned.reason}`);
        return { room: result.room, dialIn: assigned.dialIn };
      });
    },

    async update(owner: RoomOwner, roomId: string, patch: RoomPatch): Promise<Room> {
      await owned(owner, roomId);
      const room = await rooms.update(owner.tenantId, roomId, patch);
      if (room === undefined) throw new RoomError('room_not_found', 'No such room');
      return room;
    },

    /**
     * Deletes a room with its guest links and dial-in. A meeting's room is refused: deleting the
     * meeting cancels it properly (outbox, cancellation mail) and removes its room too, while
     * deleting the room underneath would drop the meeting without a word.
     */
    async delete(owner: RoomOwner, roomId: string): Promise<void> {
      await owned(owner, roomId);
      const meeting = await db
        .selectFrom('events')
        .select('id')
        .where('tenant_id', '=', owner.tenantId)
        .where('room_id', '=', roomId)
        .executeTakeFirst();
      if (meeting !== undefined) {
        throw new RoomError('room_of_meeting', 'This room belongs to a meeting', meeting.id);
      }
      if (!(await rooms.delete(owner.tenantId, roomId)))
        throw new RoomError('room_not_found', 'No such room');
    },

    /** Oldest first. */
    async guestLinks(owner: RoomOwner, roomId: string): Promise<GuestLink[]> {
      const room = await owned(owner, roomId);
      return guestLinks.listForRoom(owner.tenantId, room.id);
    },

    guestLink: ownedGuestLink,

    async createGuestLink(
      owner: RoomOwner,
      roomId: string,
      expiresAt: Date | null | undefined,
    ): Promise<GuestLink> {
      const room = await owned(owner, roomId);
      future(expiresAt);
      const created = await guestLinks.create(owner.tenantId, room.id, {
        createdBy: owner.userId,
        ...(expiresAt === undefined ? {} : { expiresAt }),
      });
      if (!created.ok) throw new RoomError('room_not_found', 'No such room');
      return created.link;
    },

    async updateGuestLink(
      owner: RoomOwner,
      roomId: string,
      code: string,
      patch: { expiresAt?: Date | null; active?: boolean },
    ): Promise<GuestLink> {
      const link = await ownedGuestLink(owner, roomId, code);
      future(patch.expiresAt);
      const updated = await guestLinks.update(owner.tenantId, link.code, patch);
      if (updated === undefined) throw new RoomError('guest_link_not_found', 'No such guest link');
      return updated;
    },

    async deleteGuestLink(owner: RoomOwner, roomId: string, code: string): Promise<void> {
      const link = await ownedGuestLink(owner, roomId, code);
      if (!(await guestLinks.delete(owner.tenantId, link.code))) {
        throw new RoomError('guest_link_not_found', 'No such guest link');
      }
    },

    async dialIn(owner: RoomOwner, roomId: string): Promise<DialIn> {
      const room = await owned(owner, roomId);
      const dialIn = await dialIns.get(owner.tenantId, room.id);
      if (dialIn === undefined) throw noDialIn();
      return dialIn;
    },

    /**
     * Creates the room's dial-in (a fresh conference id, a random PIN unless one is given) or
     * changes the PIN and lobby flag of the existing one; the conference id never changes, so
     * numbers already sent in invitations keep working.
     */
    async setDialIn(
      owner: RoomOwner,
      roomId: string,
      settings: DialInSettings,
    ): Promise<{ created: boolean; dialIn: DialIn }> {
      const room = await owned(owner, roomId);
      if ((await dialIns.get(owner.tenantId, room.id)) === undefined) {
        const assigned = await dialIns.assign(owner.tenantId, room.id, settings);
        if (assigned.ok) return { created: true, dialIn: assigned.dialIn };
        if (assigned.reason === 'room_not_found') throw new RoomError('room_not_found', 'No such room');
        // Assigned concurrently: fall through and change it like an existing one.
      }
      const updated = await dialIns.update(owner.tenantId, room.id, settings);
      if (updated === undefined) throw noDialIn();
      return { created: false, dialIn: updated };
    },

    async deleteDialIn(owner: RoomOwner, roomId: string): Promise<void> {
      const room = await owned(owner, roomId);
      if (!(await dialIns.delete(owner.tenantId, room.id))) throw noDialIn();
    },

    /**
     * The dial-in a phone caller typed the conference id of, and its room: across tenants on
     * purpose (one SIP gateway serves every tenant; the id is unique system-wide). The caller must
     * check the PIN and then act only within the returned tenant.
     */
    findDialInAcrossTenants: (conferenceId: string): Promise<DialIn | undefined> =>
      dialIns.findByConferenceIdAcrossTenants(conferenceId),
  };
}

export type RoomService = ReturnType<typeof createRoomService>;
