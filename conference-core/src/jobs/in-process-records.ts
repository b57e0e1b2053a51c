import type { JsonValue } from '../json.js';
import type { JobHandler, JobInfo, JobState, RepeatSpec } from './job-queue.js';

/** The in-process queue's bookkeeping: what it knows about each job type, job and schedule. */

export interface Registration {
  readonly handler: JobHandler<JsonValue>;
  readonly concurrency: number;
  running: number;
}

/** One try of a job; `close()` may disown it, after which its outcome is ignored. */
export interface Run {
  readonly controller: AbortController;
  done: Promise<void>;
}

export interface JobRecord {
  readonly id: string;
  readonly name: string;
  readonly payload: JsonValue;
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly createdAt: Date;
  readonly scheduleId: string | undefined;
  state: JobState;
  attemptsMade: number;
  failedReason: string | undefined;
  finishedAt: Date | undefined;
  runAt: number;
  timer: NodeJS.Timeout | undefined;
  run: Run | undefined;
}

export interface Schedule {
  readonly typeName: string;
  readonly repeat: RepeatSpec;
  readonly payload: JsonValue;
  readonly generation: number;
  pendingJobId: string | undefined;
}

export function toInfo(record: JobRecord): JobInfo {
  return {
    id: record.id,
    name: record.name,
    payload: record.payload,
    state: record.state,
    attemptsMade: record.attemptsMade,
    maxAttempts: record.maxAttempts,
    createdAt: record.createdAt,
    ...(record.failedReason === undefined ? {} : { failedReason: record.failedReason }),
    ...(record.finishedAt === undefined ? {} : { finishedAt: record.finishedAt }),
  };
}
