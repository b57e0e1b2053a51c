import { sql, type Selectable } from 'kysely';

import { allUuids, assertPageSize, type Db } from '../storage/repository-support.js';
import type { OutboxMessage } from '../storage/outbox-repository.js';
import type { MailDeliveriesTable, MailKind, MailStatus } from '../storage/schema.js';
import { Utf8TextArray } from '../storage/utf8-text-array.js';

export type { MailKind, MailStatus } from '../storage/schema.js';

/** One rendered message and how far its delivery got. */
export interface MailDelivery {
  readonly messageId: string;
  readonly tenantId: string;
  readonly eventId: string;
  readonly kind: MailKind;
  readonly recipient: string;
  readonly subject: string;
  readonly sender: string;
  readonly raw: string;
  readonly status: MailStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly transport: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly sentAt: Date | null;
}

export interface NewMailDelivery {
  readonly messageId: string;
  readonly eventId: string;
  readonly kind: MailKind;
  readonly recipient: string;
  readonly subject: string;
  readonly sender: string;
  readonly raw: string;
  /** `raw` as UTF-8, when the caller has encoded it already: the record is written from these bytes. */
  readonly bytes?: Buffer;
}

/** A delivery across tenants, for the start-up sweep: enough to enqueue its job. */
export interface UnfinishedDelivery {
  readonly tenantId: string;
  readonly messageId: string;
}

export interface MailRepository {
  /** Records a rendered message; false when the tenant has one with that Message-ID (rendered before). */
  record(tenantId: string, delivery: NewMailDelivery): Promise<boolean>;
  find(tenantId: string, messageId: string): Promise<MailDelivery | undefined>;
  /** Several at once (one round trip); the ones the tenant does not have are missing. */
  findMany(tenantId: string, messageIds: readonly string[]): Promise<MailDelivery[]>;
  /** A try that failed and will be retried. */
  recordFailure(tenantId: string, messageId: string, error: string): Promise<void>;
  /** Only a pending delivery becomes sent; false when it was sent (or given up) before. */
  markSent(tenantId: string, messageId: string, transport: string): Promise<boolean>;
  /** `markSent` for several in one statement; returns the Message-IDs that became sent. */
  markSentMany(tenantId: string, messageIds: readonly string[], transport: string): Promise<string[]>;
  /** Gives up on a pending delivery: it joins the dead-letter list. */
  markDead(tenantId: string, messageId: string, error: string): Promise<boolean>;
  /** Newest first. */
  listByStatus(tenantId: string, status: MailStatus, limit: number): Promise<MailDelivery[]>;
  /**
   * Records the mails of an outbox message and that it is planned, in one statement (atomic, one
   * round trip); a mail whose Message-ID the tenant has already is left as it is.
   */
  recordPlan(tenantId: string, outboxId: number, deliveries: readonly NewMailDelivery[]): Promise<void>;
  /**
   * `recordPlan` for several outbox messages of one tenant planned in one pass: all their mails
   * and all their plan rows in one statement. A Message-ID that occurs twice is recorded once.
   * Returns the Message-IDs recorded now (the others were there before, with their own bytes).
   */
  recordPlans(
    tenantId: string,
    plans: readonly { outboxId: number; messages: number }[],
    deliveries: readonly NewMailDelivery[],
  ): Promise<string[]>;
  /** The status of several deliveries (one round trip, no message bodies); missing ones are absent. */
  findStatuses(tenantId: string, messageIds: readonly string[]): Promise<Map<string, MailStatus>>;
  /** Remembers that the mails of an outbox message are recorded. */
  markPlanned(tenantId: string, outboxId: number, messages: number): Promise<void>;
  isPlanned(tenantId: string, outboxId: number): Promise<boolean>;
  /**
   * System-wide on purpose (the sweep at start-up runs for every tenant): pending deliveries
   * created before `before`, oldest first.
   */
  listUnfinished(before: Date, limit: number): Promise<UnfinishedDelivery[]>;
  /**
   * System-wide on purpose (retention runs for every tenant): deletes up to `limit` deliveries
   * that are sent or dead and were last changed before `before`; pending ones are never touched.
   * Returns how many went. The plan rows stay: they are small and keep planning idempotent.
   */
  purgeFinished(before: Date, limit: number): Promise<number>;
  /**
   * System-wide on purpose: outbox messages with one of `topics`, handed to the queue after
   * `since` and before `before`, whose mails were never planned (the queue lost the job).
   */
  listUnplanned(
    topics: readonly string[],
    since: Date,
    before: Date,
    limit: number,
  ): Promise<OutboxMessage[]>;
}

export function createMailRepository(db: Db): MailRepository {
  const finish = async (
    tenantId: string,
    messageId: string,
    values: { status: MailStatus; transport?: string; last_error?: string },
  ): Promise<boolean> => {
    if (!allUuids(tenantId)) return false;
    const result = await db
      .updateTable('mail_deliveries')
      .set({
        ...values,
        attempts: sql<number>`attempts + 1`,
        updated_at: sql<Date>`now()`,
        ...(values.status === 'sent' && { sent_at: sql<Date>`now()` }),
      })
      .where('tenant_id', '=', tenantId)
      .where('message_id', '=', messageId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  };

  const toRow = (tenantId: string, delivery: NewMailDelivery) => ({
    tenant_id: tenantId,
    message_id: delivery.messageId,
    event_id: delivery.eventId,
    kind: delivery.kind,
    recipient: delivery.recipient,
    subject: delivery.subject,
    sender: delivery.sender,
    raw: delivery.raw,
  });

  const recordPlans: MailRepository['recordPlans'] = async (tenantId, plans, deliveries) => {
    const planRows = [...new Map(plans.map((p) => [p.outboxId, p])).values()].map((p) => ({
      tenant_id: tenantId,
      outbox_id: p.outboxId,
      messages: p.messages,
    }));
    const unique = [...new Map(deliveries.map((d) => [d.messageId, d])).values()];
    if (unique.length === 0) {
      if (planRows.length > 0) {
        await db
          .insertInto('mail_plans')
          .values(planRows)
          .onConflict((conflict) => conflict.columns(['tenant_id', 'outbox_id']).doNothing())
          .execute();
      }
      return [];
    }
    // One array per column (unnest): a pass records up to a few hundred 7 KiB messages, and a
    // VALUES list of them cost kysely and the driver a node and a parameter per cell.
    const column = <K extends keyof NewMailDelivery>(key: K) => unique.map((d) => d[key]);
    // Messages encoded once already go as those bytes (binary `text[]`, see `Utf8TextArray`).
    const encoded = unique.flatMap((d) => (d.bytes === undefined ? [] : [d.bytes]));
    const raws = encoded.length === unique.length ? new Utf8TextArray(encoded) : column('raw');
    const recorded = sql<{ message_id: string }>`insert into mail_deliveries
        (tenant_id, message_id, event_id, kind, recipient, subject, sender, raw)
      select ${tenantId}::uuid, *
        from unnest(${column('messageId')}::text[], ${column('eventId')}::uuid[], ${column('kind')}::text[],
          ${column('recipient')}::text[], ${column('subject')}::text[], ${column('sender')}::text[],
          ${raws}::text[])
      on conflict (tenant_id, message_id) do nothing
      returning message_id`;
    // One statement, so atomic: the plans are there exactly when their mails are.
    const rows =
      planRows.length === 0
        ? await recorded.execute(db)
        : await sql<{ message_id: string }>`with recorded as (${recorded}),
            planned as (
              insert into mail_plans (tenant_id, outbox_id, messages)
              select ${tenantId}::uuid, *
                from unnest(${planRows.map((p) => p.outbox_id)}::bigint[], ${planRows.map((p) => p.messages)}::int[])
              on conflict (tenant_id, outbox_id) do nothing
            )
          select message_id from recorded`.execute(db);
    return rows.rows.map((row) => row.message_id);
  };

  return {
    async recordPlan(tenantId, outboxId, deliveries) {
      await recordPlans(tenantId, [{ outboxId, messages: deliveries.length }], deliveries);
    },

    recordPlans,

    async record(tenantId, delivery) {
      const inserted = await db
        .insertInto('mail_deliveries')
        .values(toRow(tenantId, delivery))
        .onConflict((conflict) => conflict.columns(['tenant_id', 'message_id']).doNothing())
        .returning('message_id')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    async find(tenantId, messageId) {
      if (!allUuids(tenantId)) return undefined;
      const row = await db
        .selectFrom('mail_deliveries')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('message_id', '=', messageId)
        .executeTakeFirst();
      return row && toDelivery(row);
    },

    async findMany(tenantId, messageIds) {
      if (!allUuids(tenantId) || messageIds.length === 0) return [];
      const rows = await db
        .selectFrom('mail_deliveries')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('message_id', 'in', [...new Set(messageIds)])
        .execute();
      return rows.map(toDelivery);
    },

    async findStatuses(tenantId, messageIds) {
      if (!allUuids(tenantId) || messageIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('mail_deliveries')
        .select(['message_id', 'status'])
        .where('tenant_id', '=', tenantId)
        .where('message_id', 'in', [...new Set(messageIds)])
        .execute();
      return new Map(rows.map((row) => [row.message_id, row.status] as const));
    },

    async markSentMany(tenantId, messageIds, transport) {
      if (!allUuids(tenantId) || messageIds.length === 0) return [];
      // The ids as one array parameter: an `in` list cost kysely a node and a parameter per id,
      // and this statement runs for every few mails sent.
      const rows = await sql<{ message_id: string }>`update mail_deliveries
          set status = 'sent', transport = ${transport}, attempts = attempts + 1,
            updated_at = now(), sent_at = now()
        where tenant_id = ${tenantId} and message_id = any(${[...new Set(messageIds)]}::text[])
          and status = 'pending'
        returning message_id`.execute(db);
      return rows.rows.map((row) => row.message_id);
    },

    async recordFailure(tenantId, messageId, error) {
      if (!allUuids(tenantId)) return;
      await db
        .updateTable('mail_deliveries')
        .set({ attempts: sql<number>`attempts + 1`, last_error: error, updated_at: sql<Date>`now()` })
        .where('tenant_id', '=', tenantId)
        .where('message_id', '=', messageId)
        .where('status', '=', 'pending')
        .execute();
    },

    markSent: (tenantId, messageId, transport) => finish(tenantId, messageId, { status: 'sent', transport }),
    async purgeFinished(before, limit) {
      const gone = await sql<{ message_id: string }>`
        with old as (
          select tenant_id, message_id from mail_deliveries
          where status in ('sent', 'dead') and updated_at < ${before}
          limit ${limit}
        )
        delete from mail_deliveries d using old
        where d.tenant_id = old.tenant_id and d.message_id = old.message_id
        returning d.message_id`.execute(db);
      return gone.rows.length;
    },

    markDead: (tenantId, messageId, error) =>
      finish(tenantId, messageId, { status: 'dead', last_error: error }),

    async listByStatus(tenantId, status, limit) {
      assertPageSize(limit);
      if (!allUuids(tenantId)) return [];
      const rows = await db
        .selectFrom('mail_deliveries')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('status', '=', status)
        .orderBy('updated_at', 'desc')
        .orderBy('message_id')
        .limit(limit)
        .execute();
      return rows.map(toDelivery);
    },

    async markPlanned(tenantId, outboxId, messages) {
      await db
        .insertInto('mail_plans')
        .values({ tenant_id: tenantId, outbox_id: outboxId, messages })
        .onConflict((conflict) => conflict.columns(['tenant_id', 'outbox_id']).doNothing())
        .execute();
    },

    async isPlanned(tenantId, outboxId) {
      if (!allUuids(tenantId)) return false;
      const row = await db
        .selectFrom('mail_plans')
        .select('outbox_id')
        .where('tenant_id', '=', tenantId)
        .where('outbox_id', '=', outboxId)
        .executeTakeFirst();
      return row !== undefined;
    },

    async listUnfinished(before, limit) {
      const rows = await db
        .selectFrom('mail_deliveries')
        .select(['tenant_id', 'message_id'])
        .where('status', '=', 'pending')
        .where('created_at', '<', before)
        .orderBy('created_at')
        .limit(limit)
        .execute();
      return rows.map((row) => ({ tenantId: row.tenant_id, messageId: row.message_id }));
    },

    async listUnplanned(topics, since, before, limit) {
      if (topics.length === 0) return [];
      const rows = await db
        .selectFrom('outbox')
        .selectAll('outbox')
        .where('outbox.topic', 'in', [...topics])
        .where('outbox.dispatched_at', 'is not', null)
        .where('outbox.created_at', '>=', since)
        .where('outbox.dispatched_at', '<', before)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('mail_plans')
                .select('outbox_id')
                .whereRef('mail_plans.tenant_id', '=', 'outbox.tenant_id')
                .whereRef('mail_plans.outbox_id', '=', 'outbox.id'),
            ),
          ),
        )
        .orderBy('outbox.id')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        id: row.id,
        tenantId: row.tenant_id,
        topic: row.topic,
        aggregateId: row.aggregate_id,
        payload: row.payload,
        createdAt: row.created_at,
      }));
    },
  };
}

function toDelivery(row: Selectable<MailDeliveriesTable>): MailDelivery {
  return {
    messageId: row.message_id,
    tenantId: row.tenant_id,
    eventId: row.event_id,
    kind: row.kind,
    recipient: row.recipient,
    subject: row.subject,
    sender: row.sender,
    raw: row.raw,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    transport: row.transport,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    sentAt: row.sent_at,
  };
}
