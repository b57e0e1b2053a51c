import { sql, type Selectable } from 'kysely';
import { allUuids, inTransaction, isUuid, type Db } from './repository-support.js';
import type { GroupsTable } from './schema.js';

export interface Group {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  /** Both null for a group made here; both set for a group synced from a directory. */
  readonly source: string | null;
  readonly externalId: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A directory group (with `source` and `externalId`) or a local one (identified by name). */
export type GroupInput =
  | { readonly name: string; readonly source: string; readonly externalId: string }
  | { readonly name: string; readonly source?: undefined; readonly externalId?: undefined };

export type UpsertGroupResult =
  | { readonly ok: true; readonly group: Group; readonly created: boolean }
  /** Another group of the tenant already has the name. */
  | { readonly ok: false; readonly reason: 'name_taken' };

export type SetMembersResult =
  | {
      readonly ok: true;
      readonly added: number;
      readonly removed: number;
      /** Requested ids that name no user of the tenant; they were left out. */
      readonly ignoredUserIds: string[];
    }
  | { readonly ok: false; readonly reason: 'not_found' };

export interface GroupRepository {
  /**
   * A directory group is found by (source, external id) and renamed when its name changed; a
   * local group is found by name. Either is created when missing.
   */
  upsert(tenantId: string, group: GroupInput): Promise<UpsertGroupResult>;
  /** Makes exactly these users the members, atomically; concurrent calls for a group serialize. */
  setMembers(tenantId: string, groupId: string, userIds: readonly string[]): Promise<SetMembersResult>;
  /** Member user ids, ordered. */
  listMembers(tenantId: string, groupId: string): Promise<string[]>;
  /** The user's groups ordered by name. */
  listForUser(tenantId: string, userId: string): Promise<Group[]>;
}

export function createGroupRepository(db: Db): GroupRepository {
  return {
    async upsert(tenantId, group) {
      if (!isUuid(tenantId)) throw new RangeError(`tenant id ${JSON.stringify(tenantId)} is not a uuid`);
      const { name } = group;
      const external = group.source === undefined ? undefined : group;
      // Either unique key may conflict; DO NOTHING keeps a surrounding transaction usable.
      const inserted = await db
        .insertInto('groups')
        .values({
          tenant_id: tenantId,
          name,
          source: external?.source ?? null,
          external_id: external?.externalId ?? null,
        })
        .onConflict((conflict) => conflict.doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return { ok: true, group: toGroup(inserted), created: true };

      if (!external) {
        const existing = await db
          .selectFrom('groups')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('name', '=', name)
          .executeTakeFirst();
        return existing
          ? { ok: true, group: toGroup(existing), created: false }
          : { ok: false, reason: 'name_taken' };
      }
      const current = await db
        .selectFrom('groups')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('source', '=', external.source)
        .where('external_id', '=', external.externalId)
        .executeTakeFirst();
      // Not there: the insert conflicted on the name, with a group that is not this one.
      if (!current) return { ok: false, reason: 'name_taken' };
      // Unchanged: no write, so an unchanged directory sync costs reads only.
      if (current.name === name) return { ok: true, group: toGroup(current), created: false };
      const renamed = await db
        .updateTable('groups')
        .set({ name, updated_at: sql<Date>`now()` })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', current.id)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('groups as other')
                .select('other.id')
                .where('other.tenant_id', '=', tenantId)
                .where('other.name', '=', name),
            ),
          ),
        )
        .returningAll()
        .executeTakeFirst();
      return renamed
        ? { ok: true, group: toGroup(renamed), created: false }
        : { ok: false, reason: 'name_taken' };
    },

    async setMembers(tenantId, groupId, userIds) {
      if (!allUuids(tenantId, groupId)) return { ok: false, reason: 'not_found' };
      const wanted = [...new Set(userIds.filter(isUuid).map((id) => id.toLowerCase()))];
      return inTransaction(db, async (trx) => {
        const group = await trx
          .selectFrom('groups')
          .select('id')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', groupId)
          .forUpdate()
          .executeTakeFirst();
        if (!group) return { ok: false, reason: 'not_found' } as const;
        // One array parameter rather than one per id: a directory group may have 100,000 members,
        // more than the 65,535 parameters a statement can carry.
        const existing = await trx
          .selectFrom('users')
          .select('id')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', sql<string>`any(${wanted}::uuid[])`)
          .execute();
        const userIdsFound = existing.map((row) => row.id);
        const removed = await trx
          .deleteFrom('group_memberships')
          .where('tenant_id', '=', tenantId)
          .where('group_id', '=', group.id)
          .where('user_id', '<>', sql<string>`all(${userIdsFound}::uuid[])`)
          .executeTakeFirst();
        const added = await trx
          .insertInto('group_memberships')
          .columns(['tenant_id', 'group_id', 'user_id'])
          .expression((eb) =>
            eb
              .selectFrom('users')
              .select(['tenant_id', sql<string>`${group.id}::uuid`.as('group_id'), 'id'])
              .where('tenant_id', '=', tenantId)
              .where('id', '=', sql<string>`any(${userIdsFound}::uuid[])`),
          )
          .onConflict((conflict) => conflict.doNothing())
          .executeTakeFirst();
        const found = new Set(userIdsFound);
        return {
          ok: true,
          added: Number(added.numInsertedOrUpdatedRows ?? 0n),
          removed: Number(removed.numDeletedRows),
          ignoredUserIds: userIds.filter((id) => !found.has(id.toLowerCase())),
        } as const;
      });
    },

    async listMembers(tenantId, groupId) {
      if (!allUuids(tenantId, groupId)) return [];
      const rows = await db
        .selectFrom('group_memberships')
        .select('user_id')
        .where('tenant_id', '=', tenantId)
        .where('group_id', '=', groupId)
        .orderBy('user_id')
        .execute();
      return rows.map((row) => row.user_id);
    },

    async listForUser(tenantId, userId) {
      if (!allUuids(tenantId, userId)) return [];
      const rows = await db
        .selectFrom('groups')
        .innerJoin('group_memberships as membership', (join) =>
          join
            .onRef('membership.tenant_id', '=', 'groups.tenant_id')
            .onRef('membership.group_id', '=', 'groups.id'),
        )
        .selectAll('groups')
        .where('membership.tenant_id', '=', tenantId)
        .where('membership.user_id', '=', userId)
        .orderBy(sql`groups.name collate "C"`)
        .execute();
      return rows.map(toGroup);
    },
  };
}

function toGroup(row: Selectable<GroupsTable>): Group {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    source: row.source,
    externalId: row.external_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
