import { outboxJobId } from '../jobs/job-ids.js';
import type { JobQueue, JobType } from '../jobs/job-queue.js';
import type { Logger } from '../logging/logger.js';
import type { JsonValue } from '../json.js';
import { withTimeout } from '../timeout.js';
import { createOutboxRepository, type OutboxMessage } from '../storage/outbox-repository.js';
import type { Db } from '../storage/repository-support.js';
import {
  matchesPattern,
  readDomainEvent,
  type DomainEvent,
  type DomainEventPattern,
} from './domain-events.js';

/**
 * What a consumer's job receives for one domain event: JSON, as the queue carries it (through
 * Redis in cluster mode). Read it with `readOutboxJob`, which checks it against the catalogue.
 */
export type OutboxJobPayload = {
  /** The outbox id: consumers deduplicate by it (delivery is at least once). */
  readonly messageId: number;
  readonly tenantId: string;
  readonly topic: string;
  readonly aggregateId: string;
  readonly payload: JsonValue;
  readonly createdAt: string;
};

/** A consumer of domain events: every message whose topic it names becomes one of its jobs. */
export interface OutboxSubscription {
  readonly job: JobType<OutboxJobPayload>;
  /** Topics like `event.created`; `event.*` takes every topic starting with `event.`. */
  readonly topics: readonly DomainEventPattern[];
}

export interface OutboxDispatcherOptions {
  readonly db: Db;
  readonly queue: JobQueue;
  readonly subscriptions: readonly OutboxSubscription[];
  readonly logger: Logger;
  readonly batchSize?: number;
  /** How often to look for messages when nobody calls `wake()` (other processes write too). */
  readonly pollIntervalMs?: number;
  /** How long one enqueue may take before the batch is given up and retried (Redis away). */
  readonly enqueueTimeoutMs?: number;
}

export interface OutboxDispatcher {
  /** Starts polling. */
  start(): void;
  /** Asks for a dispatch soon, e.g. right after a transaction that appended messages commits. */
  wake(): void;
  /** Dispatches until no message is left; returns how many messages were handed over. */
  dispatchPending(): Promise<number>;
  /** Stops polling and waits for a dispatch in progress. */
  stop(): Promise<void>;
}

/**
 * Hands committed outbox messages to the job queue. Each batch is claimed, enqueued and marked
 * dispatched in one transaction; a crash or an unreachable queue before the commit leaves the
 * batch undispatched, and the next attempt enqueues it again under the same job ids, which the
 * queue deduplicates. Messages no subscription names are marked dispatched at once.
 */
export function createOutboxDispatcher(options: OutboxDispatcherOptions): OutboxDispatcher {
  const batchSize = options.batchSize ?? 100;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const enqueueTimeoutMs = options.enqueueTimeoutMs ?? 5000;
  const log = options.logger.child({ component: 'outbox' });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = false;

  async function dispatchBatch(): Promise<number> {
    return options.db.transaction().execute(async (trx) => {
      const outbox = createOutboxRepository(trx);
      const batch = await outbox.claimBatch(batchSize);
      for (const message of batch) await handOver(message);
      await outbox.markDispatched(batch.map((m) => m.id));
      return batch.length;
    });
  }

  async function handOver(message: OutboxMessage): Promise<void> {
    const payload: OutboxJobPayload = {
      messageId: message.id,
      tenantId: message.tenantId,
      topic: message.topic,
      aggregateId: message.aggregateId,
      payload: message.payload,
      createdAt: message.createdAt.toISOString(),
    };
    for (const subscription of options.subscriptions) {
      if (!subscription.topics.some((topic) => matchesPattern(topic, message.topic))) continue;
      const jobId = outboxJobId(message.id, subscription.job.name);
      await withTimeout(
        options.queue.enqueue(subscription.job, payload, { jobId }),
        enqueueTimeoutMs,
        'the job queue did not take the message',
      );
    }
  }

  async function dispatchPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await dispatchBatch();
      total += count;
      if (count < batchSize) return total;
    }
  }

  function run(): void {
    if (stopped) return;
    if (running !== undefined) {
      again = true;
      return;
    }
    running = dispatchPending();
    running
      .then(
        (count) => {
          if (count > 0) log.debug({ count }, 'outbox messages dispatched');
        },
        (err: unknown) =>
          log.warn(
            { error: err instanceof Error ? err.message : String(err) },
            'outbox dispatch failed; will retry',
          ),
      )
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        }
      })
      .catch(() => undefined);
  }

  return {
    start() {
      if (timer !== undefined || stopped) return;
      timer = setInterval(run, pollIntervalMs);
      timer.unref();
      run();
    },
    wake: run,
    dispatchPending,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}

/** A domain event as a consumer's job holds it, typed. */
export interface OutboxDomainEvent {
  readonly messageId: number;
  readonly tenantId: string;
  readonly createdAt: string;
  readonly event: DomainEvent;
}

export type ReadOutboxJob =
  { readonly ok: true; readonly message: OutboxDomainEvent } | { readonly ok: false; readonly error: string };

/** A consumer's job read back through the catalogue (`readDomainEvent`); never throws. */
export function readOutboxJob(job: OutboxJobPayload): ReadOutboxJob {
  const read = readDomainEvent(job.topic, job.payload);
  if (!read.ok) return read;
  if (read.event.payload.event_id !== job.aggregateId) {
    return {
      ok: false,
      error: `'${job.topic}' payload names event ${read.event.payload.event_id}, the row ${job.aggregateId}`,
    };
  }
  return {
    ok: true,
    message: {
      messageId: job.messageId,
      tenantId: job.tenantId,
      createdAt: job.createdAt,
      event: read.event,
    },
  };
}
