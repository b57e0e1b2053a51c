import { sql, type Selectable } from 'kysely';
import { allUuids, firstMissing, type Db } from './repository-support.js';
import type { GuestLinksTable } from './schema.js';

/** A room invite code: whoever holds it may join the room as a guest while it is usable. */
export interface GuestLink {
  readonly code: string;
  readonly tenantId: string;
  readonly roomId: string;
  readonly createdBy: string;
  /** Null: never expires. */
  readonly expiresAt: Date | null;
  readonly active: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewGuestLink {
  readonly createdBy: string;
  readonly expiresAt?: Date | null;
}

export interface GuestLinkPatch {
  readonly expiresAt?: Date | null;
  readonly active?: boolean;
}

export type CreateGuestLinkResult =
  | { readonly ok: true; readonly link: GuestLink }
  | { readonly ok: false; readonly reason: 'room_not_found' | 'creator_not_found' };

export interface GuestLinkRepository {
  create(tenantId: string, roomId: string, link: NewGuestLink): Promise<CreateGuestLinkResult>;
  /** Oldest first. */
  listForRoom(tenantId: string, roomId: string): Promise<GuestLink[]>;
  /**
   * The link with whether it admits a guest at `now`: active and not yet expired (a link
   * expiring at 10:00 admits at 09:59:59.999 and not at 10:00).
   */
  findByCode(
    tenantId: string,
    code: string,
    now: Date,
  ): Promise<{ link: GuestLink; usable: boolean } | undefined>;
  /**
   * The one deliberate cross-tenant lookup of guest links: a guest presents only the code (an
   * unguessable uuid), and the link tells which tenant and room it opens.
   */
  findByCodeAcrossTenants(code: string, now: Date): Promise<{ link: GuestLink; usable: boolean } | undefined>;
  update(tenantId: string, code: string, patch: GuestLinkPatch): Promise<GuestLink | undefined>;
  delete(tenantId: string, code: string): Promise<boolean>;
}

export function createGuestLinkRepository(db: Db): GuestLinkRepository {
  return {
    async create(tenantId, roomId, { createdBy, expiresAt }) {
      const missing = await firstMissing(db, tenantId, [
        ['room_not_found', 'rooms', roomId],
        ['creator_not_found', 'users', createdBy],
      ]);
      if (missing) return { ok: false, reason: missing };
      const row = await db
        .insertInto('guest_links')
        .values({
          tenant_id: tenantId,
          room_id: roomId,
          created_by: createdBy,
          expires_at: expiresAt ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { ok: true, link: toLink(row) };
    },

    async listForRoom(tenantId, roomId) {
      if (!allUuids(tenantId, roomId)) return [];
      const rows = await db
        .selectFrom('guest_links')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('room_id', '=', roomId)
        .orderBy('created_at')
        .orderBy('code')
        .execute();
      return rows.map(toLink);
    },

    async findByCode(tenantId, code, now) {
      if (!allUuids(tenantId, code)) return undefined;
      const row = await db
        .selectFrom('guest_links')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('code', '=', code)
        .executeTakeFirst();
      return row && withUsability(toLink(row), now);
    },

    async findByCodeAcrossTenants(code, now) {
      if (!allUuids(code)) return undefined;
      const row = await db.selectFrom('guest_links').selectAll().where('code', '=', code).executeTakeFirst();
      return row && withUsability(toLink(row), now);
    },

    async update(tenantId, code, patch) {
      if (!allUuids(tenantId, code)) return undefined;
      const row = await db
        .updateTable('guest_links')
        .set({
          ...(patch.expiresAt !== undefined && { expires_at: patch.expiresAt }),
          ...(patch.active !== undefined && { active: patch.active }),
          updated_at: sql<Date>`now()`,
        })
        .where('tenant_id', '=', tenantId)
        .where('code', '=', code)
        .returningAll()
        .executeTakeFirst();
      return row && toLink(row);
    },

    async delete(tenantId, code) {
      if (!allUuids(tenantId, code)) return false;
      const result = await db
        .deleteFrom('guest_links')
        .where('tenant_id', '=', tenantId)
        .where('code', '=', code)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

function withUsability(link: GuestLink, now: Date): { link: GuestLink; usable: boolean } {
  const usable = link.active && (link.expiresAt === null || link.expiresAt.getTime() > now.getTime());
  return { link, usable };
}

function toLink(row: Selectable<GuestLinksTable>): GuestLink {
  return {
    code: row.code,
    tenantId: row.tenant_id,
    roomId: row.room_id,
    createdBy: row.created_by,
    expiresAt: row.expires_at,
    active: row.active,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
