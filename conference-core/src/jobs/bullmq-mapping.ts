import type { Job, JobsOptions, JobState as BullJobState } from 'bullmq';
import type { JsonValue } from '../json.js';
import type { JobInfo, JobState } from './job-queue.js';

/** Translation between the port's vocabulary and BullMQ's. */

export type BullJob = Job<JsonValue, void, string>;

/**
 * Finished jobs kept in Redis. A `jobId` stays reserved only while its job is kept, so idempotency
 * holds for the last 1000 completed (5000 failed) jobs of a type, not forever.
 */
export const retention = { removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } } as const;

export function retryOptions(attempts: number, initialBackoffMs: number): JobsOptions {
  return { attempts, backoff: { type: 'exponential', delay: initialBackoffMs }, ...retention };
}

export function toJobState(state: BullJobState | 'unknown'): JobState | undefined {
  switch (state) {
    case 'waiting':
    case 'prioritized':
    case 'waiting-children':
      return 'waiting';
    case 'delayed':
    case 'active':
    case 'completed':
    case 'failed':
      return state;
    case 'unknown':
      return undefined;
  }
}

export function toInfo(job: BullJob, state: JobState): JobInfo {
  const finished = state === 'completed' || state === 'failed';
  return {
    id: job.id ?? '',
    name: job.name,
    payload: job.data,
    state,
    attemptsMade: job.attemptsMade,
    maxAttempts: job.opts.attempts ?? 1,
    createdAt: new Date(job.timestamp),
    ...(job.failedReason ? { failedReason: job.failedReason } : {}),
    ...(finished && job.finishedOn ? { finishedAt: new Date(job.finishedOn) } : {}),
  };
}
