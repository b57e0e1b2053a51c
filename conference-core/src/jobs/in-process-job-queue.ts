import { randomUUID } from 'node:crypto';
import type { JsonValue } from '../json.js';
import { silentLogger } from '../logging/logger.js';
import type { Logger } from '../logging/logger.js';
import {
  asError,
  assertValidId,
  assertValidRepeat,
  defaultListLimit,
  errorMessage,
  nextCronTime,
  resolveConcurrency,
  resolveEnqueueOptions,
} from './job-options.js';
import type { ResolvedEnqueueOptions } from './job-options.js';
import { UnrecoverableJobError } from './job-queue.js';
import { withinBound } from './bounded-wait.js';
import { FinishedIds, toInfo } from './in-process-records.js';
import type { JobRecord, Registration, Run, Schedule } from './in-process-records.js';
import type {
  CloseOptions,
  EnqueueOptions,
  JobContext,
  JobHandler,
  JobInfo,
  JobQueue,
  JobType,
  RepeatSpec,
  WorkerOptions,
} from './job-queue.js';

export interface InProcessJobQueueOptions {
  readonly logger?: Logger;
  /** Completed jobs kept for `getJob` and `jobId` idempotency; older ones are forgotten (default 1000). */
  readonly keepCompleted?: number;
  /** Failed jobs kept for `listFailed` (default 1000). */
  readonly keepFailed?: number;
}

/**
 * The job queue of embedded mode: one process, no Redis, nothing survives a restart of the process.
 *
 * `close()` is not final: jobs it hands back (and delayed ones) stay in memory, and a later
 * `start()` of the same instance takes them again. Repeat schedules behave like BullMQ's job
 * schedulers: one pending iteration at a time, the next one created when the current one starts,
 * so slow runs never pile up.
 */
export class InProcessJobQueue implements JobQueue {
  readonly kind = 'in-process';
  private readonly logger: Logger;
  private readonly keepCompleted: number;
  private readonly keepFailed: number;
  private readonly registrations = new Map<string, Registration>();
  private readonly jobs = new Map<string, JobRecord>();
  private readonly waiting = new Map<string, string[]>();
  private readonly delayed = new Set<JobRecord>();
  private readonly active = new Set<JobRecord>();
  // In finishing order: the first entry is the oldest.
  private readonly completedIds = new FinishedIds();
  private readonly failedIds = new FinishedIds();
  private readonly schedules = new Map<string, Schedule>();
  private scheduleGeneration = 0;
  private started = false;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(options: InProcessJobQueueOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.keepCompleted = options.keepCompleted ?? 1000;
    this.keepFailed = options.keepFailed ?? 1000;
  }

  register<P extends JsonValue>(type: JobType<P>, handler: JobHandler<P>, options: WorkerOptions = {}): void {
    if (this.registrations.has(type.name)) throw new Error(`job type ${type.name} is already registered`);
    if (this.started) throw new Error(`register job type ${type.name} before start()`);
    const concurrency = resolveConcurrency(options);
    // The payload was typed by the same JobType at enqueue time, so widening the handler is safe.
    this.registrations.set(type.name, { handler: handler as JobHandler<JsonValue>, concurrency, running: 0 });
  }

  start(): Promise<void> {
    if (this.started) return Promise.resolve();
    this.started = true;
    this.closed = false;
    this.closing = undefined;
    for (const record of this.delayed) this.arm(record);
    for (const name of this.registrations.keys()) this.pump(name);
    return Promise.resolve();
  }

  enqueue<P extends JsonValue>(type: JobType<P>, payload: P, options: EnqueueOptions = {}): Promise<string> {
    try {
      const resolved = resolveEnqueueOptions(options);
      const id = resolved.jobId ?? randomUUID();
      if (!this.jobs.has(id)) this.add(id, type.name, payload, resolved, undefined);
      return Promise.resolve(id);
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  async schedule<P extends JsonValue>(
    scheduleId: string,
    type: JobType<P>,
    repeat: RepeatSpec,
    payload: P,
  ): Promise<void> {
    assertValidId('scheduleId', scheduleId);
    assertValidRepeat(repeat);
    await this.unschedule(scheduleId);
    this.scheduleGeneration += 1;
    const schedule: Schedule = {
      typeName: type.name,
      repeat,
      payload,
      generation: this.scheduleGeneration,
      pendingJobId: undefined,
    };
    this.schedules.set(scheduleId, schedule);
    const now = Date.now();
    // Like BullMQ: an interval schedule runs once right away, a cron schedule at its next match.
    this.addIteration(
      scheduleId,
      schedule,
      'everyMs' in repeat ? now : nextCronTime(repeat.cron, repeat.timeZone, now),
    );
  }

  unschedule(scheduleId: string): Promise<boolean> {
    const schedule = this.schedules.get(scheduleId);
    if (!schedule) return Promise.resolve(false);
    this.schedules.delete(scheduleId);
    const pending = schedule.pendingJobId === undefined ? undefined : this.jobs.get(schedule.pendingJobId);
    if (pending && (pending.state === 'waiting' || pending.state === 'delayed')) {
      clearTimeout(pending.timer);
      this.delayed.delete(pending);
      // Its id may stay in a waiting list; pump() skips ids it no longer knows.
      this.jobs.delete(pending.id);
    }
    return Promise.resolve(true);
  }

  getJob(id: string): Promise<JobInfo | undefined> {
    const record = this.jobs.get(id);
    return Promise.resolve(record ? toInfo(record) : undefined);
  }

  listFailed(options: { name?: string; limit?: number } = {}): Promise<JobInfo[]> {
    const { name, limit = defaultListLimit } = options;
    const result: JobInfo[] = [];
    for (const id of this.failedIds.newestFirst()) {
      if (result.length >= limit) break;
      const record = this.jobs.get(id);
      if (record && (name === undefined || record.name === name)) result.push(toInfo(record));
    }
    return Promise.resolve(result);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(options: CloseOptions): Promise<void> {
    if (this.closed) return this.closing ?? Promise.resolve();
    this.closed = true;
    this.started = false;
    for (const record of this.delayed) {
      clearTimeout(record.timer);
      record.timer = undefined;
    }
    this.closing = this.drain(options.timeoutMs);
    return this.closing;
  }

  private async drain(timeoutMs: number): Promise<void> {
    const runs = [...this.active].flatMap((record) => (record.run ? [record.run.done] : []));
    await withinBound(Promise.all(runs), timeoutMs);
    for (const record of [...this.active]) {
      const run = record.run;
      if (!run) continue;
      this.logger.warn(
        { job: record.name, jobId: record.id },
        'job still running at shutdown; aborted and returned',
      );
      this.release(record);
      run.controller.abort(new Error('job queue is closing'));
      record.state = 'waiting';
      this.waitingList(record.name).unshift(record.id);
    }
  }

  private add(
    id: string,
    name: string,
    payload: JsonValue,
    options: ResolvedEnqueueOptions,
    scheduleId: string | undefined,
  ): void {
    if (this.jobs.has(id)) return;
    const record: JobRecord = {
      id,
      name,
      payload,
      maxAttempts: options.attempts,
      initialBackoffMs: options.initialBackoffMs,
      createdAt: new Date(),
      scheduleId,
      state: 'waiting',
      attemptsMade: 0,
      failedReason: undefined,
      finishedAt: undefined,
      runAt: Date.now() + options.delayMs,
      timer: undefined,
      run: undefined,
    };
    this.jobs.set(id, record);
    if (options.delayMs > 0) this.delay(record, record.runAt);
    else this.makeWaiting(record);
  }

  private addIteration(scheduleId: string, schedule: Schedule, atMs: number): void {
    // ':' cannot clash with callers' ids, which may not contain it. The generation keeps a replaced
    // schedule's first iteration apart from an old one due in the same millisecond.
    const id = `repeat:${scheduleId}:${schedule.generation}:${atMs}`;
    schedule.pendingJobId = id;
    const options = resolveEnqueueOptions({ delayMs: Math.max(0, atMs - Date.now()) });
    this.add(id, schedule.typeName, schedule.payload, options, scheduleId);
  }

  private makeWaiting(record: JobRecord): void {
    record.state = 'waiting';
    this.waitingList(record.name).push(record.id);
    this.pump(record.name);
  }

  private delay(record: JobRecord, runAt: number): void {
    record.state = 'delayed';
    record.runAt = runAt;
    this.delayed.add(record);
    this.arm(record);
  }

  private arm(record: JobRecord): void {
    if (this.closed) return;
    clearTimeout(record.timer);
    record.timer = setTimeout(
      () => {
        record.timer = undefined;
        this.delayed.delete(record);
        this.makeWaiting(record);
      },
      Math.max(0, record.runAt - Date.now()),
    );
    record.timer.unref();
  }

  private waitingList(name: string): string[] {
    let list = this.waiting.get(name);
    if (!list) this.waiting.set(name, (list = []));
    return list;
  }

  private pump(name: string): void {
    const registration = this.registrations.get(name);
    const list = this.waiting.get(name);
    if (!this.started || !registration || !list) return;
    while (registration.running < registration.concurrency && list.length > 0) {
      const record = this.jobs.get(list.shift() ?? '');
      if (record?.state === 'waiting') this.run(record, registration);
    }
  }

  private run(record: JobRecord, registration: Registration): void {
    record.state = 'active';
    registration.running += 1;
    this.active.add(record);
    if (record.scheduleId !== undefined) this.scheduleNext(record.scheduleId, record);
    const run: Run = { controller: new AbortController(), done: Promise.resolve() };
    record.run = run;
    run.done = this.execute(record, run, registration);
  }

  private async execute(record: JobRecord, run: Run, registration: Registration): Promise<void> {
    const context: JobContext = {
      id: record.id,
      name: record.name,
      attempt: record.attemptsMade + 1,
      // Made when a handler asks for it: most never do, and each signal is an EventTarget to set up
      // (about 2% of the CPU per mail in the mail benchmark, two jobs per mail).
      get signal() {
        return run.controller.signal;
      },
    };
    let failure: { error: unknown } | undefined;
    try {
      await registration.handler(record.payload, context);
    } catch (error) {
      failure = { error };
    }
    // close() gave up on this try and handed the job back; what the handler did no longer counts.
    if (record.run !== run) return;
    this.release(record);
    record.attemptsMade += 1;
    if (!failure) {
      this.finish(record, 'completed');
    } else {
      record.failedReason = errorMessage(failure.error);
      const fields = {
        job: record.name,
        jobId: record.id,
        attempt: record.attemptsMade,
        error: record.failedReason,
      };
      if (failure.error instanceof UnrecoverableJobError || record.attemptsMade >= record.maxAttempts) {
        this.logger.warn(fields, 'job failed');
        this.finish(record, 'failed');
      } else {
        this.logger.info(fields, 'job try failed; will retry');
        this.delay(record, Date.now() + record.initialBackoffMs * 2 ** (record.attemptsMade - 1));
      }
    }
    this.pump(record.name);
  }

  private release(record: JobRecord): void {
    record.run = undefined;
    this.active.delete(record);
    const registration = this.registrations.get(record.name);
    if (registration) registration.running -= 1;
  }

  private finish(record: JobRecord, state: 'completed' | 'failed'): void {
    record.state = state;
    record.finishedAt = new Date();
    const retained = state === 'completed' ? this.completedIds : this.failedIds;
    const keep = state === 'completed' ? this.keepCompleted : this.keepFailed;
    retained.add(record.id);
    while (retained.size > keep) {
      const oldest = retained.shift();
      if (oldest !== undefined) this.jobs.delete(oldest);
    }
  }

  private scheduleNext(scheduleId: string, started: JobRecord): void {
    const schedule = this.schedules.get(scheduleId);
    if (schedule?.pendingJobId !== started.id) return;
    // Counted from the iteration's own slot too: a timer may fire a millisecond early, and "now"
    // would then still fall in that slot and schedule it a second time.
    const now = Math.max(Date.now(), started.runAt);
    const { repeat } = schedule;
    const next =
      'everyMs' in repeat
        ? Math.floor(now / repeat.everyMs) * repeat.everyMs + repeat.everyMs
        : nextCronTime(repeat.cron, repeat.timeZone, now);
    this.addIteration(scheduleId, schedule, next);
  }
}
