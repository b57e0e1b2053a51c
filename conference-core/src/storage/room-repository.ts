import { sql, type Selectable } from 'kysely';
import {
  allUuids,
  assertPageSize,
  decodeCursor,
  encodeCursor,
  exactInstant,
  type Db,
  type Page,
} from './repository-support.js';
import type { GuestAccess, RoomsTable } from './schema.js';

export type { GuestAccess } from './schema.js';

export interface Room {
  readonly id: string;
  readonly tenantId: string;
  readonly ownerId: string;
  /** The meeting password people share, as given; null when the room has none. */
  readonly password: string | null;
  readonly waitingRoom: boolean;
  readonly guestAccess: GuestAccess;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewRoom {
  readonly ownerId: string;
  readonly password?: string | null;
  readonly waitingRoom?: boolean;
  readonly guestAccess?: GuestAccess;
}

export type RoomPatch = Partial<Omit<NewRoom, 'ownerId'>>;

export type CreateRoomResult =
  { readonly ok: true; readonly room: Room } | { readonly ok: false; readonly reason: 'owner_not_found' };

export interface RoomRepository {
  /** The owner must be a user of the tenant. */
  create(tenantId: string, room: NewRoom): Promise<CreateRoomResult>;
  findById(tenantId: string, id: string): Promise<Room | undefined>;
  update(tenantId: string, id: string, patch: RoomPatch): Promise<Room | undefined>;
  /** Also deletes the room's event, guest links and dial-in (foreign keys cascade). */
  delete(tenantId: string, id: string): Promise<boolean>;
  /** Newest first; pass the previous page's `nextCursor` for the next one. */
  listByOwner(
    tenantId: string,
    ownerId: string,
    page: { readonly limit: number; readonly cursor?: string | undefined },
  ): Promise<Page<Room>>;
}

const LISTING = 'rooms-by-owner';

export function createRoomRepository(db: Db): RoomRepository {
  return {
    async create(tenantId, room) {
      if (!allUuids(tenantId, room.ownerId)) return { ok: false, reason: 'owner_not_found' };
      // Selecting the owner in the insert makes an owner of another tenant insert nothing.
      const row = await db
        .insertInto('rooms')
        .columns(['tenant_id', 'owner_id', 'password', 'waiting_room', 'guest_access'])
        .expression((eb) =>
          eb
            .selectFrom('users')
            .select([
              'tenant_id',
              'id',
              // Typed: a parameter in a select list would otherwise be text.
              sql<string | null>`${room.password ?? null}::text`.as('password'),
              sql<boolean>`${room.waitingRoom ?? false}::boolean`.as('waiting_room'),
              sql<GuestAccess>`${room.guestAccess ?? 'waiting_room'}::text`.as('guest_access'),
            ])
            .where('tenant_id', '=', tenantId)
            .where('id', '=', room.ownerId),
        )
        .returningAll()
        .executeTakeFirst();
      return row ? { ok: true, room: toRoom(row) } : { ok: false, reason: 'owner_not_found' };
    },

    async findById(tenantId, id) {
      if (!allUuids(tenantId, id)) return undefined;
      const row = await db
        .selectFrom('rooms')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toRoom(row);
    },

    async update(tenantId, id, patch) {
      if (!allUuids(tenantId, id)) return undefined;
      const row = await db
        .updateTable('rooms')
        .set({
          ...(patch.password !== undefined && { password: patch.password }),
          ...(patch.waitingRoom !== undefined && { waiting_room: patch.waitingRoom }),
          ...(patch.guestAccess !== undefined && { guest_access: patch.guestAccess }),
          updated_at: sql<Date>`now()`,
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toRoom(row);
    },

    async delete(tenantId, id) {
      if (!allUuids(tenantId, id)) return false;
      const result = await db
        .deleteFrom('rooms')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async listByOwner(tenantId, ownerId, { limit, cursor }) {
      assertPageSize(limit);
      const after = cursor === undefined ? undefined : decodeCursor(LISTING, cursor);
      if (!allUuids(tenantId, ownerId)) return { items: [] };
      const rows = await db
        .selectFrom('rooms')
        .selectAll()
        .select(exactInstant('created_at').as('position_at'))
        .where('tenant_id', '=', tenantId)
        .where('owner_id', '=', ownerId)
        .$if(after !== undefined, (query) =>
          query.where(sql<boolean>`(created_at, id) < (${after?.at}::timestamptz, ${after?.id}::uuid)`),
        )
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const items = rows.slice(0, limit);
      const last = rows.length > limit ? rows[limit - 1] : undefined;
      return {
        items: items.map(toRoom),
        ...(last && { nextCursor: encodeCursor(LISTING, { at: last.position_at, id: last.id }) }),
      };
    },
  };
}

function toRoom(row: Selectable<RoomsTable>): Room {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    ownerId: row.owner_id,
    password: row.password,
    waitingRoom: row.waiting_room,
    guestAccess: row.guest_access,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
