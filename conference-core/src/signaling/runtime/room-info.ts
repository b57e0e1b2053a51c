import { createDialInRepository } from '../../storage/dial-in-repository.js';
import { createEventRepository } from '../../storage/event-repository.js';
import { createRoomRepository } from '../../storage/room-repository.js';
import type { Db } from '../../storage/repository-support.js';
import { createUserRepository } from '../../storage/user-repository.js';

/** What a room knows from storage when it opens; read once per live room. */
export interface RoomInfo {
  readonly id: string;
  readonly tenantId: string;
  readonly ownerId: string;
  readonly password: string | null;
  readonly waitingRoom: boolean;
  readonly guestAccess: string;
  readonly event:
    | {
        readonly id: string;
        readonly title: string;
        readonly description: string;
        readonly startsAt: string | null;
        readonly endsAt: string | null;
        readonly isAdhoc: boolean;
      }
    | undefined;
  readonly dialIn: { readonly conferenceId: string; readonly pin: string } | undefined;
}

/** Storage lookups the signaling node needs; a port so the runtime can be tested without a database. */
export interface RoomDirectory {
  loadRoom(tenantId: string, roomId: string): Promise<RoomInfo | undefined>;
  displayNameOf(tenantId: string, userId: string): Promise<string | undefined>;
}

export function createRoomDirectory(db: Db): RoomDirectory {
  const rooms = createRoomRepository(db);
  const events = createEventRepository(db);
  const dialIns = createDialInRepository(db);
  const users = createUserRepository(db);
  return {
    async loadRoom(tenantId, roomId) {
      const room = await rooms.findById(tenantId, roomId);
      if (room === undefined) return undefined;
      const [event, dialIn] = await Promise.all([
        events.findByRoom(tenantId, roomId),
        dialIns.get(tenantId, roomId),
      ]);
      return {
        id: room.id,
        tenantId: room.tenantId,
        ownerId: room.ownerId,
        password: room.password,
        waitingRoom: room.waitingRoom,
        guestAccess: room.guestAccess,
        event:
          event === undefined
            ? undefined
            : {
                id: event.id,
                title: event.title,
                description: event.description,
                startsAt: event.startsAt?.toISOString() ?? null,
                endsAt: event.endsAt?.toISOString() ?? null,
                isAdhoc: event.isAdhoc,
              },
        dialIn: dialIn === undefined ? undefined : { conferenceId: dialIn.conferenceId, pin: dialIn.pin },
      };
    },
    async displayNameOf(tenantId, userId) {
      return (await users.findById(tenantId, userId))?.displayName;
    },
  };
}
