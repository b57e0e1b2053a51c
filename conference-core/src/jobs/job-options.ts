import { CronExpressionParser } from 'cron-parser';
import type { EnqueueOptions, RepeatSpec, WorkerOptions } from './job-queue.js';

/**
 * Validation and defaults shared by both queue implementations, so that code which works in
 * embedded mode is refused or accepted in exactly the same way in cluster mode.
 */

export const defaultAttempts = 3;
export const defaultInitialBackoffMs = 1000;
export const defaultListLimit = 100;

export interface ResolvedEnqueueOptions {
  readonly delayMs: number;
  readonly attempts: number;
  readonly initialBackoffMs: number;
  readonly jobId: string | undefined;
}

export function resolveEnqueueOptions(options: EnqueueOptions): ResolvedEnqueueOptions {
  const { delayMs = 0, attempts = defaultAttempts, backoff, jobId } = options;
  const initialBackoffMs = backoff?.initialDelayMs ?? defaultInitialBackoffMs;
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new RangeError(`delayMs must be >= 0, got ${delayMs}`);
  if (!Number.isInteger(attempts) || attempts < 1)
    throw new RangeError(`attempts must be an integer >= 1, got ${attempts}`);
  if (!Number.isFinite(initialBackoffMs) || initialBackoffMs < 0) {
    throw new RangeError(`backoff.initialDelayMs must be >= 0, got ${initialBackoffMs}`);
  }
  if (jobId !== undefined) assertValidId('jobId', jobId);
  return { delayMs: Math.round(delayMs), attempts, initialBackoffMs: Math.round(initialBackoffMs), jobId };
}

/**
 * BullMQ keys jobs as `<prefix>:<queue>:<id>`, so it refuses ids with ':' and ids that look like
 * its own counter (plain integers). Both implementations refuse them so the two modes agree.
 */
export function assertValidId(what: 'jobId' | 'scheduleId', id: string): void {
  if (id.length === 0 || id.length > 200) throw new RangeError(`${what} must be 1 to 200 characters long`);
  if (id.includes(':')) throw new RangeError(`${what} must not contain ':' (BullMQ reserves it): ${id}`);
  if (/^-?\d+$/.test(id))
    throw new RangeError(`${what} must not be a plain integer (BullMQ reserves those): ${id}`);
}

export function resolveConcurrency(options: WorkerOptions): number {
  const { concurrency = 1 } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
  }
  return concurrency;
}

/** Throws a readable error for a repeat spec that could never run; cron-parser alone accepts too much. */
export function assertValidRepeat(repeat: RepeatSpec): void {
  if ('everyMs' in repeat) {
    if (!Number.isInteger(repeat.everyMs) || repeat.everyMs < 1) {
      throw new RangeError(`everyMs must be a positive integer, got ${repeat.everyMs}`);
    }
    return;
  }
  const fields = repeat.cron.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6)
    throw new RangeError(`cron pattern must have 5 or 6 fields: ${repeat.cron}`);
  if (repeat.timeZone !== undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: repeat.timeZone });
    } catch {
      throw new RangeError(`unknown time zone: ${repeat.timeZone}`);
    }
  }
  try {
    nextCronTime(repeat.cron, repeat.timeZone, Date.now());
  } catch (error) {
    throw new RangeError(`invalid cron pattern ${repeat.cron}: ${errorMessage(error)}`, { cause: error });
  }
}

/** The first time strictly after `afterMs` that matches the pattern, in epoch milliseconds. */
export function nextCronTime(pattern: string, timeZone: string | undefined, afterMs: number): number {
  const expression = CronExpressionParser.parse(pattern, {
    currentDate: new Date(afterMs),
    tz: timeZone ?? 'UTC',
  });
  return expression.next().getTime();
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Handlers may throw anything; queues and promises want an Error. */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
