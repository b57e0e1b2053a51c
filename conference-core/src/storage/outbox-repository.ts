import { sql, type Selectable, type Transaction } from 'kysely';
import type { JsonValue } from '../json.js';
import { jsonb } from './jsonb.js';
import { isUuid, type Db } from './repository-support.js';
import type { DatabaseSchema, OutboxTable } from './schema.js';

/** A domain event to hand to the job queue once the transaction that wrote it commits. */
export interface OutboxEntry {
  /** What happened, like `event.created` or `invite.removed`. */
  readonly topic: string;
  /** The id of what it happened to (an event, a room, ...). */
  readonly aggregateId: string;
  readonly payload: JsonValue;
}

export interface OutboxMessage extends OutboxEntry {
  /** Increases with every append; consumers deduplicate by it (delivery is at least once). */
  readonly id: number;
  readonly tenantId: string;
  readonly createdAt: Date;
}

/**
 * The transactional outbox. A change and its domain event commit or roll back together because
 * `append` runs on the change's own transaction. The dispatcher works for all tenants at once,
 * so `claimBatch` and `markDispatched` are not scoped to one:
 *
 * ```ts
 * await db.transaction().execute(async (trx) => {
 *   const outbox = createOutboxRepository(trx);
 *   const batch = await outbox.claimBatch(100);
 *   await handOver(batch); // if the commit below fails, these are handed over again later
 *   await outbox.markDispatched(batch.map((message) => message.id));
 * });
 * ```
 */
export interface OutboxRepository {
  /** Typed to take only a transaction: an outbox row written outside one defeats its purpose. */
  append(trx: Transaction<DatabaseSchema>, tenantId: string, entry: OutboxEntry): Promise<OutboxMessage>;
  /**
   * Undispatched messages in id order, locked until the transaction ends. Rows another
   * dispatcher holds are skipped (FOR UPDATE SKIP LOCKED), so concurrent dispatchers never take
   * the same message and never wait for each other. Needs a repository made on a transaction.
   *
   * Ids come from a sequence when rows are inserted, not when they commit, so a message can
   * become visible after one with a higher id: order across aggregates is not guaranteed.
   */
  claimBatch(limit: number): Promise<OutboxMessage[]>;
  /** Returns how many of them were still undispatched. */
  markDispatched(ids: readonly number[]): Promise<number>;
}

export function createOutboxRepository(db: Db): OutboxRepository {
  return {
    async append(trx, tenantId, { topic, aggregateId, payload }) {
      if (!trx.isTransaction) throw new Error('outbox append must run on the transaction of the change');
      // Ids and topics come from our own code, never from a client: a bad one is a bug here.
      if (!isUuid(tenantId) || !isUuid(aggregateId)) {
        throw new RangeError(`outbox ids must be uuids: tenant ${tenantId}, aggregate ${aggregateId}`);
      }
      if (topic === '') throw new RangeError('an outbox topic must not be empty');
      const row = await trx
        .insertInto('outbox')
        .values({ tenant_id: tenantId, topic, aggregate_id: aggregateId, payload: jsonb(payload) })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toMessage(row);
    },

    async claimBatch(limit) {
      if (!db.isTransaction) {
        throw new Error(
          'claimBatch must run on a transaction: its row locks are what keeps dispatchers apart',
        );
      }
      if (!Number.isInteger(limit) || limit < 1)
        throw new RangeError(`a batch size must be >= 1, got ${limit}`);
      const rows = await db
        .selectFrom('outbox')
        .selectAll()
        .where('dispatched_at', 'is', null)
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      return rows.map(toMessage);
    },

    async markDispatched(ids) {
      if (ids.length === 0) return 0;
      const result = await db
        .updateTable('outbox')
        .set({ dispatched_at: sql<Date>`now()` })
        .where('id', '=', sql<number>`any(${[...ids]}::bigint[])`)
        .where('dispatched_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}

function toMessage(row: Selectable<OutboxTable>): OutboxMessage {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    topic: row.topic,
    aggregateId: row.aggregate_id,
    payload: row.payload,
    createdAt: row.created_at,
  };
}
