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

/**
 * Ids of finished jobs, oldest first, as a queue: the oldest is forgotten for each new one once
 * the limit is reached. (A Set used this way iterates over the holes its deletions leave at its
 * front, which cost about a microsecond a job at 1,000 kept.)
 */
export class FinishedIds {
  #ids: string[] = [];
  #head = 0;

  get size(): number {
    return this.#ids.length - this.#head;
  }

  add(id: string): void {
    this.#ids.push(id);
  }

  /** Removes the oldest id and returns it. */
  shift(): string | undefined {
    if (this.#head >= this.#ids.length) return undefined;
    const id = this.#ids[this.#head];
    this.#head += 1;
    if (this.#head >= 1024 && this.#head * 2 >= this.#ids.length) {
      this.#ids = this.#ids.slice(this.#head);
      this.#head = 0;
    }
    return id;
  }

  newestFirst(): string[] {
    return this.#ids.slice(this.#head).reverse();
  }
}
