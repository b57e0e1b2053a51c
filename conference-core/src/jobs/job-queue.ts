import type { JsonValue } from '../json.js';

/**
 * The job queue port. Two implementations keep one contract (proven by `job-queue.contract.ts`):
 * BullMQ on Redis in cluster mode, and an in-process queue in embedded mode.
 *
 * Out of scope on purpose: job priorities, flows/parent jobs, progress events. Add them to the
 * contract (and both implementations and the suite) only when a feature needs them.
 */

/** A named kind of job with a typed payload; declare one per job kind, next to its handler. */
export interface JobType<P extends JsonValue> {
  readonly name: string;
  /** Phantom field: carries the payload type, never read at run time. */
  readonly __payload?: P;
}

export function jobType<P extends JsonValue>(name: string): JobType<P> {
  if (!/^[a-z][a-z0-9._-]{0,63}$/.test(name)) throw new Error(`invalid job type name: ${name}`);
  return { name };
}

export interface JobContext {
  readonly id: string;
  readonly name: string;
  /** 1 on the first try, 2 on the first retry, ... */
  readonly attempt: number;
  /** Aborted when the queue shuts down and the running job should stop and return to the queue. */
  readonly signal: AbortSignal;
}

export type JobHandler<P extends JsonValue> = (payload: P, context: JobContext) => Promise<void>;

export interface WorkerOptions {
  /** How many jobs of this type run at the same time in this process (default 1). */
  concurrency?: number;
}

export interface BackoffOptions {
  /** The wait before the first retry; each later retry waits twice as long as the one before. */
  initialDelayMs: number;
}

export interface EnqueueOptions {
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Total tries including the first (default 3). */
  attempts?: number;
  /** Exponential backoff between tries (default 1000 ms initial delay). */
  backoff?: BackoffOptions;
  /**
   * Idempotency key: enqueueing a job with the id of a job that is still known to the queue
   * (waiting, delayed, running, failed or completed and retained) adds nothing and returns that id.
   * Finished jobs are retained only up to a count (BullMQ: the last 1000 completed and 5000 failed
   * per type; in-process: 1000 each), after which the id may be used again. BullMQ keeps ids per
   * job type, so make ids unique across types (e.g. `invite-mail-<invitation id>`). An id must not
   * contain ':' and must not be a plain integer (BullMQ reserves both); enqueue rejects such ids.
   */
  jobId?: string;
}

/**
 * When a schedule enqueues its job. As with BullMQ's job schedulers, a schedule has one pending
 * iteration at a time and creates the next when the current one starts, so slow runs never pile up.
 */
export type RepeatSpec =
  /** Runs once right away, then at each multiple of `everyMs` since the epoch. */
  | { readonly everyMs: number }
  /** Five- or six-field cron pattern, evaluated in `timeZone` (IANA name, default UTC). */
  | { readonly cron: string; readonly timeZone?: string };

export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';

export interface JobInfo {
  readonly id: string;
  readonly name: string;
  readonly payload: JsonValue;
  readonly state: JobState;
  /** Tries made so far. */
  readonly attemptsMade: number;
  readonly maxAttempts: number;
  /** The message of the last error, for failed (and retried) jobs. */
  readonly failedReason?: string;
  readonly createdAt: Date;
  readonly finishedAt?: Date;
}

export interface CloseOptions {
  /**
   * How long running jobs may take to finish. After it, their `signal` is aborted and they are
   * returned to the queue (as waiting) so another worker or the next start takes them.
   */
  timeoutMs: number;
}

export interface JobQueue {
  /** Which implementation this is, for logs and `/readyz`. */
  readonly kind: 'in-process' | 'bullmq';
  /** Registers the handler for a job type. Call before `start()`; once per type. */
  register<P extends JsonValue>(type: JobType<P>, handler: JobHandler<P>, options?: WorkerOptions): void;
  /** Begins taking jobs for every registered type. Enqueueing works before start. */
  start(): Promise<void>;
  /** Adds a job; resolves with its id once the job is stored (acknowledged). */
  enqueue<P extends JsonValue>(type: JobType<P>, payload: P, options?: EnqueueOptions): Promise<string>;
  /**
   * Creates or replaces the repeat schedule `scheduleId` (same rules as a `jobId`), which enqueues
   * `type` with `payload`. Rejects a spec that could never run (bad cron pattern or time zone).
   */
  schedule<P extends JsonValue>(
    scheduleId: string,
    type: JobType<P>,
    repeat: RepeatSpec,
    payload: P,
  ): Promise<void>;
  /** Removes a repeat schedule; resolves false if there was none. */
  unschedule(scheduleId: string): Promise<boolean>;
  /**
   * A BullMQ queue looks among the job types this instance has registered or used; so do
   * `unschedule` and `listFailed` without a name.
   */
  getJob(id: string): Promise<JobInfo | undefined>;
  /** Failed jobs (all tries used, or unrecoverable), newest first; at most `limit` (default 100). */
  listFailed(options?: { name?: string; limit?: number }): Promise<JobInfo[]>;
  /** Throws (within about a second) when the backend cannot be reached; used by `/readyz`. */
  ping(): Promise<void>;
  /**
   * Stops taking jobs, lets running ones finish within the bound, returns the rest, releases
   * connections. Idempotent. A returned job's interrupted try does not count as an attempt.
   */
  close(options: CloseOptions): Promise<void>;
}

/** Thrown by a handler when retrying cannot help (bad payload, permanent upstream refusal). */
export class UnrecoverableJobError extends Error {
  override readonly name = 'UnrecoverableJobError';
  readonly code = 'job_unrecoverable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
