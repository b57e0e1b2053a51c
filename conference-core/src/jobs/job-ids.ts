import { createHash } from 'node:crypto';

/**
 * Every queue job of the conference core by name, and how their job ids (the queue's
 * deduplication keys) are made: in one place, because a job id written two ways is a job sent
 * twice. The payload types stay next to their handlers (`jobType<P>(jobNames.x)`). The hub's own
 * jobs are in `hub/src/jobs/hub-jobs.ts`.
 */
export const jobNames = {
  /** One outbox message in, its invitation mails planned and recorded. */
  mailPlan: 'mail.plan',
  /** One recorded mail sent. */
  mailDeliver: 'mail.deliver',
  /** Sent and dead mail past the retention deleted. */
  mailHousekeeping: 'mail.housekeeping',
} as const;

/** Ids of repeating schedules (`JobQueue.schedule`). */
export const scheduleIds = {
  mailHousekeeping: 'mail-housekeeping',
} as const;

/**
 * The job of one outbox message for one subscriber. The dispatcher and the mail sweep both make
 * it, so a message handed over twice (a crash before the dispatch committed) is one job.
 */
export function outboxJobId(outboxMessageId: number, jobName: string): string {
  return `outbox-${outboxMessageId}-${jobName}`;
}

/** The delivery job of one mail, from its Message-ID: BullMQ refuses ':' in ids, and ids stay short. */
export function mailDeliverJobId(messageId: string): string {
  return `mail-${createHash('sha256').update(messageId).digest('hex').slice(0, 40)}`;
}
