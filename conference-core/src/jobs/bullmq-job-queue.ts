import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Queue, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JsonValue } from '../json.js';
import type { Logger } from '../logging/logger.js';
import {
  createCommandConnection,
  createProbeConnection,
  quit,
  redactRedisUrl,
  ThrottledErrorLog,
} from './bullmq-connection.js';
import { retryOptions, toInfo, toJobState } from './bullmq-mapping.js';
import type { BullJob } from './bullmq-mapping.js';
import {
  asError,
  assertValidId,
  assertValidRepeat,
  defaultAttempts,
  defaultInitialBackoffMs,
  defaultListLimit,
  resolveConcurrency,
  resolveEnqueueOptions,
} from './job-options.js';
import { UnrecoverableJobError } from './job-queue.js';
import type {
  CloseOptions,
  EnqueueOptions,
  JobHandler,
  JobInfo,
  JobQueue,
  JobType,
  RepeatSpec,
  WorkerOptions,
} from './job-queue.js';
import { untilAborted, withinBound } from './bounded-wait.js';
import { withTimeout } from '../timeout.js';

export interface BullMqJobQueueOptions {
  /** May carry a password; it is never logged. */
  readonly redisUrl: string;
  /** Namespaces every key (`<prefix>:<job type>:...`); instances with the same prefix share their jobs. */
  readonly prefix?: string;
  readonly logger: Logger;
}

/** After aborting overdue jobs, how long `close()` waits for them to be handed back to Redis. */
const handBackGraceMs = 2000;
const pingTimeoutMs = 1000;

type BullQueue = Queue<JsonValue, void, string>;
type BullWorker = Worker<JsonValue, void, string>;

/**
 * The job queue of cluster mode: BullMQ on Redis, one BullMQ queue and worker per job type so each
 * type has its own concurrency. Several processes with the same prefix share the work.
 *
 * BullMQ job ids are unique per queue (that is, per job type); ids this class generates are UUIDs,
 * so `getJob` finds a job by id among all types this instance has registered or used.
 */
export class BullMqJobQueue implements JobQueue {
  readonly kind = 'bullmq';
  private readonly prefix: string;
  private readonly logger: Logger;
  private readonly errors: ThrottledErrorLog;
  /** Shared by every Queue and Worker for ordinary commands; each Worker duplicates it for blocking reads. */
  private readonly connection: Redis;
  private readonly probe: Redis;
  private readonly queues = new Map<string, BullQueue>();
  private readonly registrations = new Map<string, { handler: JobHandler<JsonValue>; concurrency: number }>();
  private readonly workers: BullWorker[] = [];
  private readonly running = new Set<AbortController>();
  private started = false;
  private closing: Promise<void> | undefined;

  constructor(options: BullMqJobQueueOptions) {
    this.prefix = options.prefix ?? 'vc-jobs';
    this.logger = options.logger.child({ redis: redactRedisUrl(options.redisUrl), prefix: this.prefix });
    this.errors = new ThrottledErrorLog(this.logger);
    this.connection = createCommandConnection(options.redisUrl, `${this.prefix}:jobs`);
    this.probe = createProbeConnection(options.redisUrl, `${this.prefix}:jobs-probe`);
    for (const [source, client] of [
      ['redis', this.connection],
      ['redis probe', this.probe],
    ] as const) {
      client.on('error', (error) => this.errors.report(source, error));
      client.on('ready', () => this.errors.recovered());
    }
  }

  register<P extends JsonValue>(type: JobType<P>, handler: JobHandler<P>, options: WorkerOptions = {}): void {
    if (this.registrations.has(type.name)) throw new Error(`job type ${type.name} is already registered`);
    if (this.started) throw new Error(`register job type ${type.name} before start()`);
    const concurrency = resolveConcurrency(options);
    // The payload was typed by the same JobType at enqueue time, so widening the handler is safe.
    this.registrations.set(type.name, { handler: handler as JobHandler<JsonValue>, concurrency });
    // Makes the type known to getJob, listFailed and unschedule before anything is enqueued here.
    this.queueFor(type.name);
  }

  start(): Promise<void> {
    this.assertOpen();
    if (this.started) return Promise.resolve();
    this.started = true;
    for (const [name, { handler, concurrency }] of this.registrations) {
      const worker: BullWorker = new Worker(name, this.processor(name, handler), {
        connection: this.connection,
        prefix: this.prefix,
        concurrency,
        autorun: false,
        // A job whose worker vanished (crash, forced close) goes back to waiting; only a job that
        // keeps taking its workers down fails, after this many recoveries.
        maxStalledCount: 3,
      });
      worker.on('error', (error) => this.errors.report(`worker ${name}`, error));
      worker.on('failed', (job, error) => {
        const fields = { job: name, jobId: job?.id, attempt: job?.attemptsMade, error: error.message };
        // BullMQ sets finishedOn only when no try is left.
        if (job?.finishedOn === undefined) this.logger.info(fields, 'job try failed; will retry');
        else this.logger.warn(fields, 'job failed');
      });
      this.workers.push(worker);
      worker.run().catch((error: unknown) => this.errors.report(`worker ${name}`, error));
    }
    return Promise.resolve();
  }

  async enqueue<P extends JsonValue>(
    type: JobType<P>,
    payload: P,
    options: EnqueueOptions = {},
  ): Promise<string> {
    this.assertOpen();
    const resolved = resolveEnqueueOptions(options);
    const jobId = resolved.jobId ?? randomUUID();
    const job = await this.queueFor(type.name).add(type.name, payload, {
      ...retryOptions(resolved.attempts, resolved.initialBackoffMs),
      jobId,
      delay: resolved.delayMs,
    });
    return job.id ?? jobId;
  }

  async schedule<P extends JsonValue>(
    scheduleId: string,
    type: JobType<P>,
    repeat: RepeatSpec,
    payload: P,
  ): Promise<void> {
    this.assertOpen();
    assertValidId('scheduleId', scheduleId);
    assertValidRepeat(repeat);
    const target = this.queueFor(type.name);
    // BullMQ keeps schedulers per queue; drop a namesake on another type so the id names one schedule.
    const others = [...this.queues].filter(([name]) => name !== type.name);
    await Promise.all(others.map(([, queue]) => queue.removeJobScheduler(scheduleId)));
    const when =
      'everyMs' in repeat
        ? { every: repeat.everyMs }
        : { pattern: repeat.cron, tz: repeat.timeZone ?? 'UTC' };
    await target.upsertJobScheduler(scheduleId, when, {
      name: type.name,
      data: payload,
      opts: retryOptions(defaultAttempts, defaultInitialBackoffMs),
    });
  }

  async unschedule(scheduleId: string): Promise<boolean> {
    this.assertOpen();
    const removed = await Promise.all(
      [...this.queues.values()].map((queue) => queue.removeJobScheduler(scheduleId)),
    );
    return removed.includes(true);
  }

  async getJob(id: string): Promise<JobInfo | undefined> {
    this.assertOpen();
    const found = await Promise.all([...this.queues.values()].map((queue) => queue.getJob(id)));
    const job = found.find((candidate) => candidate !== undefined);
    if (!job) return undefined;
    const state = toJobState(await job.getState());
    return state === undefined ? undefined : toInfo(job, state);
  }

  async listFailed(options: { name?: string; limit?: number } = {}): Promise<JobInfo[]> {
    this.assertOpen();
    const { name, limit = defaultListLimit } = options;
    if (limit < 1) return [];
    const queues = name === undefined ? [...this.queues.values()] : [this.queueFor(name)];
    // Each queue's failed set is ordered by finishing time, so the newest `limit` of each suffice.
    const lists = await Promise.all(queues.map((queue) => queue.getFailed(0, limit - 1)));
    return lists
      .flat()
      .sort((a, b) => (b.finishedOn ?? 0) - (a.finishedOn ?? 0))
      .slice(0, limit)
      .map((job) => toInfo(job, 'failed'));
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await withTimeout(this.probeOnce(), pingTimeoutMs, 'redis did not answer');
  }

  close(options: CloseOptions): Promise<void> {
    this.closing ??= this.shutdown(options.timeoutMs);
    return this.closing;
  }

  private async probeOnce(): Promise<void> {
    // `once` rejects on the connection's next error, so a refused connection fails at once.
    if (this.probe.status !== 'ready') await once(this.probe, 'ready');
    await this.probe.ping();
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    // worker.close() stops fetching at once, then waits for the running jobs.
    const workersClosed = Promise.all(
      this.workers.map((worker) =>
        worker.close().catch((error: unknown) => this.errors.report('worker close', error)),
      ),
    );
    if (!(await withinBound(workersClosed, timeoutMs))) {
      this.logger.warn(
        { running: this.running.size },
        'jobs still running at shutdown; aborting and returning them',
      );
      for (const controller of this.running) controller.abort(new Error('job queue is closing'));
      if (!(await withinBound(workersClosed, handBackGraceMs))) {
        // Redis is unreachable: cut the connection so the workers give up; the jobs' locks expire
        // and another worker's stalled-job check returns them to waiting.
        this.logger.warn({}, 'could not return running jobs; stalled-job recovery will retry them');
        this.connection.disconnect();
        await withinBound(workersClosed, 1000);
      }
    }
    await Promise.all([...this.queues.values()].map((queue) => withinBound(queue.close(), 1000)));
    await Promise.all([quit(this.connection), quit(this.probe)]);
  }

  private processor(name: string, handler: JobHandler<JsonValue>) {
    return async (job: BullJob, token?: string): Promise<void> => {
      const controller = new AbortController();
      const context = { id: job.id ?? '', name, attempt: job.attemptsMade + 1, signal: controller.signal };
      this.running.add(controller);
      try {
        await untilAborted(handler(job.data, context), controller.signal);
      } catch (error) {
        if (controller.signal.aborted) {
          await this.handBack(job, token);
          // Tells BullMQ the job left the active state on purpose: no failed try is counted.
          throw new WaitingError();
        }
        if (error instanceof UnrecoverableJobError) throw new UnrecoverableError(error.message);
        throw asError(error);
      } finally {
        this.running.delete(controller);
      }
    };
  }

  private async handBack(job: BullJob, token: string | undefined): Promise<void> {
    try {
      await job.moveToWait(token);
    } catch (error) {
      this.logger.warn(
        { job: job.name, jobId: job.id, error: String(error) },
        'could not return job; stalled-job recovery will',
      );
    }
  }

  private queueFor(name: string): BullQueue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue<JsonValue, void, string>(name, { connection: this.connection, prefix: this.prefix });
      queue.on('error', (error) => this.errors.report(`queue ${name}`, error));
      this.queues.set(name, queue);
    }
    return queue;
  }

  private assertOpen(): void {
    if (this.closing) throw new Error('job queue is closed');
  }
}
