import { sql, type ExpressionBuilder, type Selectable } from 'kysely';
import { allUuids, firstMissing, inTransaction, isUuid, type Db } from './repository-support.js';
import type { DatabaseSchema, EventInvitesTable, InviteRole, InviteStatus } from './schema.js';

export type { InviteRole, InviteStatus } from './schema.js';

/** A registered user of the tenant, or a bare email address (compared case-insensitively). */
export type Invitee = { readonly userId: string } | { readonly email: string };

export interface Invite {
  readonly id: string;
  readonly tenantId: string;
  readonly eventId: string;
  /** Exactly one of `inviteeUserId` and `email` is set. */
  readonly inviteeUserId: string | null;
  readonly email: string | null;
  readonly role: InviteRole;
  readonly status: InviteStatus;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewInvite {
  readonly invitee: Invitee;
  readonly role: InviteRole;
  readonly createdBy: string;
}

export type AddInviteResult =
  | { readonly ok: true; readonly invite: Invite }
  | {
      readonly ok: false;
      readonly reason: 'already_invited' | 'event_not_found' | 'invitee_not_found' | 'creator_not_found';
    };

export interface InviteRepository {
  /** Inviting the same user, or the same email in any letter case, twice is `already_invited`. */
  add(tenantId: string, eventId: string, invite: NewInvite): Promise<AddInviteResult>;
  /** Ordered by when they were invited. */
  listForEvent(tenantId: string, eventId: string): Promise<Invite[]>;
  /** The invitations of many events in one round trip, each event's in invitation order. */
  listForEvents(tenantId: string, eventIds: readonly string[]): Promise<Invite[]>;
  updateRole(
    tenantId: string,
    eventId: string,
    invitee: Invitee,
    role: InviteRole,
  ): Promise<Invite | undefined>;
  updateStatus(
    tenantId: string,
    eventId: string,
    invitee: Invitee,
    status: InviteStatus,
  ): Promise<Invite | undefined>;
  remove(tenantId: string, eventId: string, invitee: Invitee): Promise<boolean>;
  /** The user's unanswered invitations, oldest first. */
  listPendingForUser(tenantId: string, userId: string): Promise<Invite[]>;
  /**
   * Turns invitations sent to `email` (any letter case) into invitations of the user, keeping
   * role and answer: someone invited by address before they had an account sees those meetings
   * like any other once they sign in. An event that already invites the user by id keeps that
   * invite and drops the address one. Returns how many were taken over.
   */
  claimEmailInvites(tenantId: string, userId: string, email: string): Promise<number>;
}

type InviteFilter = ExpressionBuilder<DatabaseSchema, 'event_invites'>;

export function createInviteRepository(db: Db): InviteRepository {
  const update = async (
    tenantId: string,
    eventId: string,
    invitee: Invitee,
    values: { role: InviteRole } | { status: InviteStatus },
  ): Promise<Invite | undefined> => {
    if (!allUuids(tenantId, eventId) || !wellFormed(invitee)) return undefined;
    const row = await db
      .updateTable('event_invites')
      .set({ ...values, updated_at: sql<Date>`now()` })
      .where('tenant_id', '=', tenantId)
      .where('event_id', '=', eventId)
      .where((eb) => matches(eb, invitee))
      .returningAll()
      .executeTakeFirst();
    return row && toInvite(row);
  };

  return {
    async add(tenantId, eventId, { invitee, role, createdBy }) {
      if (!wellFormed(invitee)) return { ok: false, reason: 'invitee_not_found' };
      const missing = await firstMissing(db, tenantId, [
        ['event_not_found', 'events', eventId],
        ...('userId' in invitee ? [['invitee_not_found', 'users', invitee.userId] as const] : []),
        ['creator_not_found', 'users', createdBy],
      ]);
      if (missing) return { ok: false, reason: missing };
      // Either unique key (user or lowercased email) may conflict; both mean the same.
      const row = await db
        .insertInto('event_invites')
        .values({
          tenant_id: tenantId,
          event_id: eventId,
          invitee_user_id: 'userId' in invitee ? invitee.userId : null,
          email: 'email' in invitee ? invitee.email : null,
          role,
          created_by: createdBy,
        })
        .onConflict((conflict) => conflict.doNothing())
        .returningAll()
        .executeTakeFirst();
      return row ? { ok: true, invite: toInvite(row) } : { ok: false, reason: 'already_invited' };
    },

    async listForEvents(tenantId, eventIds) {
      const ids = eventIds.filter(isUuid);
      if (!isUuid(tenantId) || ids.length === 0) return [];
      const rows = await db
        .selectFrom('event_invites')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('event_id', 'in', ids)
        .orderBy('event_id')
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toInvite);
    },

    async listForEvent(tenantId, eventId) {
      if (!allUuids(tenantId, eventId)) return [];
      const rows = await db
        .selectFrom('event_invites')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('event_id', '=', eventId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toInvite);
    },

    updateRole: (tenantId, eventId, invitee, role) => update(tenantId, eventId, invitee, { role }),
    updateStatus: (tenantId, eventId, invitee, status) => update(tenantId, eventId, invitee, { status }),

    async remove(tenantId, eventId, invitee) {
      if (!allUuids(tenantId, eventId) || !wellFormed(invitee)) return false;
      const result = await db
        .deleteFrom('event_invites')
        .where('tenant_id', '=', tenantId)
        .where('event_id', '=', eventId)
        .where((eb) => matches(eb, invitee))
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async listPendingForUser(tenantId, userId) {
      if (!allUuids(tenantId, userId)) return [];
      const rows = await db
        .selectFrom('event_invites')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('invitee_user_id', '=', userId)
        .where('status', '=', 'pending')
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toInvite);
    },

    async claimEmailInvites(tenantId, userId, email) {
      if (!allUuids(tenantId, userId)) return 0;
      return inTransaction(db, async (trx) => {
        const user = await trx
          .selectFrom('users')
          .select('id')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', userId)
          .executeTakeFirst();
        if (!user) return 0;
        const byAddress = (eb: InviteFilter) =>
          eb.and([eb('tenant_id', '=', tenantId), eb(sql<string>`lower(email)`, '=', email.toLowerCase())]);
        // Where the user is invited by id already, the address invite is the duplicate.
        await trx
          .deleteFrom('event_invites')
          .where(byAddress)
          .where('event_id', 'in', (eb) =>
            eb
              .selectFrom('event_invites as mine')
              .select('mine.event_id')
              .where('mine.tenant_id', '=', tenantId)
              .where('mine.invitee_user_id', '=', userId),
          )
          .execute();
        const result = await trx
          .updateTable('event_invites')
          .set({ invitee_user_id: userId, email: null, updated_at: sql<Date>`now()` })
          .where(byAddress)
          .executeTakeFirst();
        return Number(result.numUpdatedRows);
      });
    },
  };
}

function wellFormed(invitee: Invitee): boolean {
  return 'userId' in invitee ? isUuid(invitee.userId) : invitee.email !== '';
}

function matches(eb: InviteFilter, invitee: Invitee) {
  return 'userId' in invitee
    ? eb('invitee_user_id', '=', invitee.userId)
    : eb(sql`lower(email)`, '=', sql`lower(${invitee.email}::text)`);
}

function toInvite(row: Selectable<EventInvitesTable>): Invite {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    eventId: row.event_id,
    inviteeUserId: row.invitee_user_id,
    email: row.email,
    role: row.role,
    status: row.status,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
