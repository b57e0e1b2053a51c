import { jobNames, mailDeliverJobId, outboxJobId, scheduleIds } from '../jobs/job-ids.js';
import { jobType, UnrecoverableJobError, type JobContext, type JobQueue } from '../jobs/job-queue.js';
import type { Logger } from '../logging/logger.js';
import {
  readOutboxJob,
  type OutboxDomainEvent,
  type OutboxJobPayload,
  type OutboxSubscription,
} from '../outbox/outbox-dispatcher.js';
import type { Db } from '../storage/repository-support.js';
import { createMessageComposer, type ComposedMessage, type DkimSettings } from './compose-message.js';
import { createBatcher } from './batcher.js';
import { createMailRepository, type MailDelivery, type MailStatus } from './mail-repository.js';
import type { MailSettings } from './mail-model.js';
import { MailSendError, type MailTransport, type OutgoingMail } from './mail-transport.js';
import { mailTopics, planEventMails, planGroupKey } from './plan-mails.js';

/**
 * Turns one domain event into its mails (rendered and recorded); one job per outbox message, but
 * the jobs in flight for one event are planned together (see `planner`).
 */
export const mailPlanJob = jobType<OutboxJobPayload>(jobNames.mailPlan);
/** Sends one recorded mail. */
export const mailDeliverJob = jobType<{ tenantId: string; messageId: string }>(jobNames.mailDeliver);
/** Deletes sent and dead mail older than the retention (hourly, worker role). */
export const mailHousekeepingJob = jobType<{ at?: string }>(jobNames.mailHousekeeping);
const housekeepingScheduleId = scheduleIds.mailHousekeeping;
const PURGE_BATCH = 1000;

export interface MailRetryPolicy {
  /** Tries per message including the first (default 8). */
  readonly attempts: number;
  /** The wait before the first retry; doubled for each further one (default 5 s). */
  readonly initialDelayMs: number;
}

export interface MailServiceOptions {
  readonly db: Db;
  readonly queue: JobQueue;
  readonly transport: MailTransport;
  readonly settings: MailSettings;
  /** The base of join and guest links (asked per mail: the hub knows it once it listens). */
  readonly publicUrl: string | (() => string);
  readonly logger: Logger;
  readonly dkim?: DkimSettings;
  readonly retry?: MailRetryPolicy;
  /**
   * Deliveries in flight in this process (default 32: SMTP waits overlap with database commits,
   * and the more wait together, the fewer `sent` updates; the SMTP pool bounds the connections).
   */
  readonly concurrency?: number;
  /**
   * Plan jobs in flight in this process (default 128): the ones waiting while a pass runs are
   * planned together in the next, so this bounds how many outbox messages share one pass.
   */
  readonly planConcurrency?: number;
  /**
   * Days a sent or dead mail (its delivery record with the message bytes) is kept; 0 or absent
   * keeps them for ever. Pending mail is never deleted.
   */
  readonly retentionDays?: number;
  readonly now?: () => Date;
}

export interface MailService {
  /** Hand this to the outbox dispatcher. */
  readonly subscription: OutboxSubscription;
  readonly transport: MailTransport;
  /** Registers the job handlers; call before the queue starts. */
  register(): void;
  /**
   * Re-dispatches what a crash left unfinished: outbox messages handed to the queue whose mails
   * were never recorded, and recorded mails never sent. Jobs keep their ids, so whatever the queue
   * still holds is not doubled. Call after the queue started.
   */
  sweep(): Promise<{ replanned: number; resent: number }>;
  /** Deletes sent and dead mail older than `retentionDays` (nothing when it is 0 or absent). */
  housekeeping(): Promise<{ deleted: number }>;
  /**
   * Worker role, after the queue started: runs `housekeeping` hourly, or removes that schedule
   * when the retention is off.
   */
  scheduleHousekeeping(): Promise<void>;
}

/** How long a `sent` update waits for more sent mails to join it (see `sentMarker`). */
const SENT_LINGER_MS = 2;
const SWEEP_LOOKBACK_MS = 3 * 86_400_000;
const SWEEP_BATCH = 500;
/** How much rendered mail (bytes) is kept for its delivery. */
const FRESH_LIMIT_BYTES = 32 * 1024 * 1024;

/** A mail this process has just recorded, kept for its first delivery try. */
interface FreshMail {
  readonly sender: string;
  readonly recipient: string;
  readonly bytes: Buffer;
}

/** A kept mail as the transport takes it: the bytes; the text only if a transport asks for it. */
function outgoing(messageId: string, { sender, recipient, bytes }: FreshMail): OutgoingMail {
  return {
    messageId,
    sender,
    recipient,
    bytes,
    get raw() {
      return bytes.toString('utf8');
    },
  };
}

/** The delivery job id of a Message-ID (`jobs/job-ids.ts`). */
export const deliverJobId = mailDeliverJobId;

/**
 * Invitation mail: domain events in, one message per recipient and change out, sent at least
 * once and, because each send is recorded under its Message-ID before the job is acknowledged,
 * never twice except in the moment between the server's "250 OK" and that record (see
 * docs/decisions/0005).
 */
export function createMailService(options: MailServiceOptions): MailService {
  const retry = options.retry ?? { attempts: 8, initialDelayMs: 5000 };
  const deliveryConcurrency = options.concurrency ?? 32;
  const now = options.now ?? (() => new Date());
  const log = options.logger.child({ component: 'mail' });
  const composer = createMessageComposer(options.settings, options.dkim);
  const repository = createMailRepository(options.db);
  type Key = { tenantId: string; messageId: string };
  /** One statement per tenant in the batch; results in the callers' order. */
  const perTenant =
    <R>(run: (tenantId: string, messageIds: string[]) => Promise<Map<string, R>>, missing: R) =>
    async (keys: readonly Key[]): Promise<R[]> => {
      const byTenant = new Map<string, string[]>();
      for (const { tenantId, messageId } of keys) {
        const ids = byTenant.get(tenantId);
        if (ids === undefined) byTenant.set(tenantId, [messageId]);
        else ids.push(messageId);
      }
      const found = new Map<string, Map<string, R>>();
      for (const [tenantId, ids] of byTenant) found.set(tenantId, await run(tenantId, ids));
      return keys.map((k) => found.get(k.tenantId)?.get(k.messageId) ?? missing);
    };
  // Deliveries in flight share their reads and their "sent" updates (group commit): each job still
  // waits for its own row to be written before it is acknowledged.
  const finder = createBatcher<Key, MailDelivery | undefined>(
    perTenant(
      async (tenantId, ids) =>
        new Map((await repository.findMany(tenantId, ids)).map((d) => [d.messageId, d] as const)),
      undefined,
    ),
  );
  const statusFinder = createBatcher<Key, MailStatus | undefined>(
    perTenant((tenantId, ids) => repository.findStatuses(tenantId, ids), undefined),
  );
  /**
   * Mails this process recorded itself, new, moments ago: their delivery reads only the status
   * back, not the 7 KiB it already has. Only what this process inserted (the rows that were there
   * before keep their first bytes), bounded, and forgotten once sent or given up; a mail that is
   * not here is read from its record as always. Kept as the bytes it was recorded from, which
   * the SMTP transport sends as they are.
   */
  const fresh = new Map<string, FreshMail>();
  let freshBytes = 0;
  const forget = (messageId: string) => {
    const mail = fresh.get(messageId);
    if (mail === undefined) return;
    fresh.delete(messageId);
    freshBytes -= mail.bytes.length;
  };
  // A sent mail waits a moment for others before its update starts: on their own, about a third
  // of the updates carried a single mail (each a round trip, and a wake-up of the server).
  const sentMarker = createBatcher<Key, boolean>(
    perTenant(
      async (tenantId, ids) =>
        new Map(
          (await repository.markSentMany(tenantId, ids, options.transport.kind)).map(
            (id) => [id, true] as const,
          ),
        ),
      false,
    ),
    { lingerMs: SENT_LINGER_MS, enough: Math.max(1, Math.floor(deliveryConcurrency / 2)) },
  );
  const deliverOptions = (messageId: string) => ({
    jobId: deliverJobId(messageId),
    attempts: retry.attempts,
    backoff: { initialDelayMs: retry.initialDelayMs },
  });

  /**
   * Plans the outbox messages of one event together: one read of the event and everything around
   * it, one statement that records all their mails with their plans, then the delivery jobs.
   */
  async function planTogether(payloads: readonly OutboxDomainEvent[]): Promise<void> {
    const first = payloads[0];
    if (first === undefined) return;
    const { tenantId } = first;
    const base = typeof options.publicUrl === 'string' ? options.publicUrl : options.publicUrl();
    const perMessage = await planEventMails(
      options.db,
      payloads,
      options.settings,
      base.replace(/\/+$/, ''),
      now(),
    );
    const stamp = now();
    // One render cache for the pass: the recipients of these changes share bodies and the ICS.
    const messages: ComposedMessage[] = await composer.composeAll(perMessage.flat(), stamp);
    // Recorded together with the plans, in one statement: after a crash, either both are there
    // (and the sweep sends what is pending) or neither (and the sweep plans the outbox messages
    // again). A second run renders the same Message-IDs, which the records already hold.
    const recorded = new Set(
      await repository.recordPlans(
        tenantId,
        payloads.map((payload, i) => ({ outboxId: payload.messageId, messages: perMessage[i]?.length ?? 0 })),
        messages,
      ),
    );
    for (const { messageId, sender, recipient, bytes } of messages) {
      if (!recorded.has(messageId) || fresh.has(messageId) || freshBytes + bytes.length > FRESH_LIMIT_BYTES)
        continue;
      fresh.set(messageId, { sender, recipient, bytes });
      freshBytes += bytes.length;
    }
    const enqueued = new Set<string>();
    for (const { messageId } of messages) {
      if (enqueued.has(messageId)) continue;
      enqueued.add(messageId);
      await options.queue.enqueue(mailDeliverJob, { tenantId, messageId }, deliverOptions(messageId));
    }
    if (messages.length > 0) {
      log.debug(
        { tenant: tenantId, outboxMessages: payloads.length, count: messages.length },
        'mails planned',
      );
    }
  }

  /**
   * The plan jobs in flight are planned in passes (group commit, like the deliveries): each pass
   * takes every job waiting, one `planTogether` per event, and each job is acknowledged only after
   * its own plan is recorded. A failing event fails only its own jobs, which retry.
   */
  const planner = createBatcher<OutboxDomainEvent, Error | undefined>(async (payloads) => {
    const groups = new Map<string, number[]>();
    payloads.forEach((payload, i) => {
      const key = planGroupKey(payload);
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [i]);
      else group.push(i);
    });
    const results: (Error | undefined)[] = payloads.map(() => undefined);
    for (const indexes of groups.values()) {
      try {
        await planTogether(indexes.flatMap((i) => payloads[i] ?? []));
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        for (const i of indexes) results[i] = failure;
      }
    }
    return results;
  });

  async function plan(job: OutboxJobPayload): Promise<void> {
    const read = readOutboxJob(job);
    if (!read.ok) {
      // It will not fit on a retry either: said once, loudly, and recorded as planned to
      // nothing, so that the start-up sweep does not hand it over again.
      log.error(
        { tenant: job.tenantId, outboxMessage: job.messageId, topic: job.topic, error: read.error },
        'outbox message sends no mail: its payload does not fit the domain event catalogue',
      );
      await repository.recordPlans(job.tenantId, [{ outboxId: job.messageId, messages: 0 }], []);
      return;
    }
    const failure = await planner.run(read.message);
    if (failure !== undefined) throw failure;
  }

  async function deliver(job: { tenantId: string; messageId: string }, context: JobContext): Promise<void> {
    const { tenantId, messageId } = job;
    const kept = fresh.get(messageId);
    let mail: OutgoingMail;
    if (kept !== undefined) {
      // The first try of a mail this process has just recorded as new needs no read: only a
      // delivery job with this Message-ID (so this very job, by its job id) sends it. A retry
      // reads the status, as a job of another process would.
      if (context.attempt > 1 && (await statusFinder.run({ tenantId, messageId })) !== 'pending') {
        forget(messageId);
        return;
      }
      mail = outgoing(messageId, kept);
    } else {
      const delivery = await finder.run({ tenantId, messageId });
      // Sent before (a retry after a crash between send and acknowledge) or given up: nothing to do.
      if (delivery === undefined || delivery.status !== 'pending') return;
      mail = { messageId, sender: delivery.sender, recipient: delivery.recipient, raw: delivery.raw };
    }
    try {
      await options.transport.send(mail);
    } catch (error) {
      const failure =
        error instanceof MailSendError ? error : new MailSendError(String(error), { permanent: false });
      const fields = {
        tenant: tenantId,
        messageId,
        attempt: context.attempt,
        responseCode: failure.responseCode,
      };
      if (failure.permanent || context.attempt >= retry.attempts) {
        const reason = failure.permanent
          ? failure.message
          : `gave up after ${context.attempt} tries: ${failure.message}`;
        await repository.markDead(tenantId, messageId, reason);
        forget(messageId);
        log.warn({ ...fields, error: failure.message }, 'mail moved to the dead-letter list');
        throw new UnrecoverableJobError(reason, { cause: failure });
      }
      await repository.recordFailure(tenantId, messageId, failure.message);
      log.info({ ...fields, error: failure.message }, 'mail not accepted; will retry');
      throw failure;
    }
    await sentMarker.run({ tenantId, messageId });
    forget(messageId);
  }

  const retentionDays = options.retentionDays ?? 0;
  async function housekeeping(): Promise<{ deleted: number }> {
    if (retentionDays <= 0) return { deleted: 0 };
    const before = new Date(now().getTime() - retentionDays * 86_400_000);
    let deleted = 0;
    // In slices, so that a first run over years of mail holds no long transaction.
    for (;;) {
      const gone = await repository.purgeFinished(before, PURGE_BATCH);
      deleted += gone;
      if (gone < PURGE_BATCH) break;
    }
    if (deleted > 0) log.info({ deleted, retentionDays }, 'old sent and dead mail deleted');
    return { deleted };
  }

  return {
    subscription: { job: mailPlanJob, topics: mailTopics },
    transport: options.transport,
    register() {
      options.queue.register(mailPlanJob, plan, { concurrency: options.planConcurrency ?? 128 });
      options.queue.register(mailDeliverJob, deliver, { concurrency: deliveryConcurrency });
      options.queue.register(mailHousekeepingJob, async () => {
        await housekeeping();
      });
    },
    housekeeping,
    async scheduleHousekeeping() {
      if (retentionDays > 0) {
        await options.queue.schedule(housekeepingScheduleId, mailHousekeepingJob, { everyMs: 3_600_000 }, {});
      } else await options.queue.unschedule(housekeepingScheduleId);
    },
    async sweep() {
      const at = now();
      let replanned = 0;
      const unplanned = await repository.listUnplanned(
        mailTopics,
        new Date(at.getTime() - SWEEP_LOOKBACK_MS),
        at,
        SWEEP_BATCH,
      );
      for (const message of unplanned) {
        await options.queue.enqueue(
          mailPlanJob,
          {
            messageId: message.id,
            tenantId: message.tenantId,
            topic: message.topic,
            aggregateId: message.aggregateId,
            payload: message.payload,
            createdAt: message.createdAt.toISOString(),
          },
          // The dispatcher's id for the same message: a job the queue still holds is not doubled.
          { jobId: outboxJobId(message.id, mailPlanJob.name) },
        );
        replanned++;
      }
      let resent = 0;
      for (const pending of await repository.listUnfinished(at, SWEEP_BATCH)) {
        const { tenantId, messageId } = pending;
        await options.queue.enqueue(mailDeliverJob, { tenantId, messageId }, deliverOptions(messageId));
        resent++;
      }
      if (replanned + resent > 0) log.info({ replanned, resent }, 'unfinished mail dispatched again');
      return { replanned, resent };
    },
  };
}
