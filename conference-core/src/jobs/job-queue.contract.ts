import { afterEach, describe, expect, it } from 'vitest';
import type { JsonValue } from '../json.js';
import { jobType, UnrecoverableJobError } from './job-queue.js';
import type { JobContext, JobQueue } from './job-queue.js';

/**
 * The conformance suite every `JobQueue` implementation runs (like BullMQ's adapter conformance
 * tests). Import it by path from a test file; it is not part of the package's public surface.
 */
export interface JobQueueContractOptions {
  /**
   * A queue that sees the jobs of `closed`, the way the next process start would. For a shared
   * backend that is a new instance on the same store; by default it is `closed` itself, started again.
   */
  readonly reopen?: (closed: JobQueue) => Promise<JobQueue>;
}

const echo = jobType<{ greeting: string; n: number }>('contract.echo');
const work = jobType<{ n: number }>('contract.work');
const other = jobType<{ n: number }>('contract.other');
const tick = jobType<{ v: string }>('contract.tick');

export function describeJobQueueContract(
  label: string,
  makeQueue: () => Promise<JobQueue>,
  options: JobQueueContractOptions = {},
): void {
  describe(`job queue contract: ${label}`, () => {
    const opened: JobQueue[] = [];
    const open = async (): Promise<JobQueue> => {
      const queue = await makeQueue();
      opened.push(queue);
      return queue;
    };
    const reopen = async (closed: JobQueue): Promise<JobQueue> => {
      const queue = options.reopen ? await options.reopen(closed) : closed;
      if (queue !== closed) opened.push(queue);
      return queue;
    };
    const stateOf = async (queue: JobQueue, id: string) => (await queue.getJob(id))?.state;

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((queue) => queue.close({ timeoutMs: 200 })));
    });

    it('runs an enqueued job once with its payload and marks it completed', async () => {
      const queue = await open();
      const calls: JsonValue[] = [];
      queue.register(echo, async (payload, context) => {
        calls.push({ payload, id: context.id, name: context.name, attempt: context.attempt });
        await Promise.resolve();
      });
      await queue.start();
      const id = await queue.enqueue(echo, { greeting: 'hallo', n: 1 });
      await waitFor(async () => (await stateOf(queue, id)) === 'completed', 'the job to complete');
      expect(calls).toEqual([{ payload: { greeting: 'hallo', n: 1 }, id, name: echo.name, attempt: 1 }]);
      const info = await queue.getJob(id);
      expect(info).toMatchObject({
        id,
        name: echo.name,
        payload: { greeting: 'hallo', n: 1 },
        attemptsMade: 1,
        maxAttempts: 3,
      });
      expect(info?.finishedAt).toBeInstanceOf(Date);
      expect(info?.createdAt).toBeInstanceOf(Date);
    });

    it('returns the existing id and adds nothing when a job id is enqueued again', async () => {
      const queue = await open();
      const seen: number[] = [];
      queue.register(work, async ({ n }) => {
        seen.push(n);
        await Promise.resolve();
      });
      expect(await queue.enqueue(work, { n: 1 }, { jobId: 'invite-42' })).toBe('invite-42');
      expect(await queue.enqueue(work, { n: 2 }, { jobId: 'invite-42' })).toBe('invite-42');
      await queue.start();
      await waitFor(async () => (await stateOf(queue, 'invite-42')) === 'completed', 'the job to complete');
      expect(await queue.enqueue(work, { n: 3 }, { jobId: 'invite-42' })).toBe('invite-42');
      await sleep(150);
      expect(seen).toEqual([1]);
    });

    it('refuses job ids that BullMQ cannot store', async () => {
      const queue = await open();
      await expect(queue.enqueue(work, { n: 1 }, { jobId: 'tenant:42' })).rejects.toThrow(
        /must not contain ':'/,
      );
      await expect(queue.enqueue(work, { n: 1 }, { jobId: '42' })).rejects.toThrow(/plain integer/);
    });

    it('refuses to register a job type twice', async () => {
      const queue = await open();
      queue.register(work, () => Promise.resolve());
      expect(() => queue.register(work, () => Promise.resolve())).toThrow(/already registered/);
    });

    it('does not run a delayed job before its delay has passed', async () => {
      const queue = await open();
      let ranAt: number | undefined;
      queue.register(work, async () => {
        ranAt = Date.now();
        await Promise.resolve();
      });
      await queue.start();
      const before = Date.now();
      const id = await queue.enqueue(work, { n: 1 }, { delayMs: 200 });
      expect(await stateOf(queue, id)).toBe('delayed');
      await waitFor(() => ranAt !== undefined, 'the delayed job to run');
      // A timer may fire a millisecond early; a queue ignoring the delay runs within a few ms.
      expect((ranAt ?? 0) - before).toBeGreaterThanOrEqual(195);
    });

    it('runs an interval schedule repeatedly and stops after unschedule', async () => {
      const queue = await open();
      const runs: number[] = [];
      queue.register(tick, async () => {
        runs.push(Date.now());
        await Promise.resolve();
      });
      await queue.start();
      await queue.schedule('heartbeat', tick, { everyMs: 100 }, { v: 'beat' });
      await waitFor(() => runs.length >= 3, 'three runs of the schedule');
      expect((runs[2] ?? 0) - (runs[0] ?? 0)).toBeGreaterThanOrEqual(95);
      expect(await queue.unschedule('heartbeat')).toBe(true);
      await sleep(150);
      const settled = runs.length;
      await sleep(350);
      expect(runs.length).toBe(settled);
      expect(await queue.unschedule('heartbeat')).toBe(false);
    });

    it('replaces a schedule that is scheduled again under the same id', async () => {
      const queue = await open();
      const seen: string[] = [];
      queue.register(tick, async ({ v }) => {
        seen.push(v);
        await Promise.resolve();
      });
      await queue.start();
      await queue.schedule('report', tick, { everyMs: 100 }, { v: 'old' });
      await waitFor(() => seen.includes('old'), 'a run of the first schedule');
      await queue.schedule('report', tick, { everyMs: 100 }, { v: 'new' });
      await waitFor(() => seen.includes('new'), 'a run of the replacement');
      await sleep(50);
      const from = seen.length;
      await sleep(300);
      expect(seen.slice(from).length).toBeGreaterThanOrEqual(2);
      expect(seen.slice(from).every((v) => v === 'new')).toBe(true);
    });

    it('evaluates a cron pattern in its time zone', async () => {
      const queue = await open();
      const seen: string[] = [];
      queue.register(tick, async ({ v }) => {
        seen.push(v);
        await Promise.resolve();
      });
      await queue.start();
      // Every second of the current Berlin hour: matches only when read in Berlin, never in UTC.
      // Berlin's hours start with UTC's; right before one, wait so the hour cannot change under us.
      const toNextHour = 3_600_000 - (Date.now() % 3_600_000);
      if (toNextHour < 3000) await sleep(toNextHour + 50);
      const berlinHour = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Berlin',
        hour: 'numeric',
        hourCycle: 'h23',
      }).format(new Date());
      const pattern = `* * ${Number(berlinHour)} * * *`;
      await queue.schedule('berlin', tick, { cron: pattern, timeZone: 'Europe/Berlin' }, { v: 'berlin' });
      await queue.schedule('utc', tick, { cron: pattern }, { v: 'utc' });
      await waitFor(() => seen.includes('berlin'), 'the Berlin schedule to run', 3000);
      await sleep(200);
      expect(seen).not.toContain('utc');
    });

    it('refuses a repeat schedule that could never run', async () => {
      const queue = await open();
      await expect(queue.schedule('bad', tick, { cron: 'every day' }, { v: 'x' })).rejects.toThrow(/cron/);
      await expect(
        queue.schedule('bad', tick, { cron: '0 3 * * *', timeZone: 'Mars/Olympus' }, { v: 'x' }),
      ).rejects.toThrow(/time zone/);
      await expect(queue.schedule('bad', tick, { everyMs: 0 }, { v: 'x' })).rejects.toThrow(/everyMs/);
    });

    it('waits twice as long before each further retry', async () => {
      const queue = await open();
      const tries: number[] = [];
      queue.register(work, async () => {
        tries.push(Date.now());
        await Promise.resolve();
        throw new Error('upstream down');
      });
      await queue.start();
      const id = await queue.enqueue(work, { n: 1 }, { attempts: 4, backoff: { initialDelayMs: 50 } });
      await waitFor(async () => (await stateOf(queue, id)) === 'failed', 'the job to fail');
      expect(tries).toHaveLength(4);
      const gaps = tries.slice(1).map((at, i) => at - (tries[i] ?? 0));
      // Lower bounds are exact (a timer may fire a millisecond early); a slow machine only adds.
      expect(gaps[0]).toBeGreaterThanOrEqual(48);
      expect(gaps[1]).toBeGreaterThanOrEqual(98);
      expect(gaps[2]).toBeGreaterThanOrEqual(198);
      // Catches a constant or linear backoff long enough to pass the bounds above.
      expect((gaps[2] ?? 0) - (gaps[0] ?? 0)).toBeGreaterThanOrEqual(100);
    });

    it('completes a job that succeeds on a retry', async () => {
      const queue = await open();
      const attempts: number[] = [];
      queue.register(work, async (_payload, context) => {
        attempts.push(context.attempt);
        await Promise.resolve();
        if (context.attempt === 1) throw new Error('first try fails');
      });
      await queue.start();
      const id = await queue.enqueue(work, { n: 1 }, { attempts: 3, backoff: { initialDelayMs: 20 } });
      await waitFor(async () => (await stateOf(queue, id)) === 'completed', 'the job to complete');
      expect(attempts).toEqual([1, 2]);
      expect(await queue.getJob(id)).toMatchObject({ attemptsMade: 2, failedReason: 'first try fails' });
      expect(await queue.listFailed()).toEqual([]);
    });

    it('lists a job that used all its tries as failed, with the reason and the tries made', async () => {
      const queue = await open();
      queue.register(work, async () => {
        await Promise.resolve();
        throw new Error('mailbox full');
      });
      await queue.start();
      const id = await queue.enqueue(work, { n: 7 }, { attempts: 2, backoff: { initialDelayMs: 10 } });
      await waitFor(async () => (await stateOf(queue, id)) === 'failed', 'the job to fail');
      const failed = await queue.listFailed();
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({
        id,
        name: work.name,
        payload: { n: 7 },
        state: 'failed',
        failedReason: 'mailbox full',
        attemptsMade: 2,
        maxAttempts: 2,
      });
      expect(failed[0]?.finishedAt).toBeInstanceOf(Date);
    });

    it('fails a job after exactly one try when its handler throws UnrecoverableJobError', async () => {
      const queue = await open();
      let tries = 0;
      queue.register(work, async () => {
        tries += 1;
        await Promise.resolve();
        throw new UnrecoverableJobError('payload names no tenant');
      });
      await queue.start();
      const id = await queue.enqueue(work, { n: 1 }, { attempts: 3, backoff: { initialDelayMs: 10 } });
      await waitFor(async () => (await stateOf(queue, id)) === 'failed', 'the job to fail');
      await sleep(100);
      expect(tries).toBe(1);
      expect(await queue.getJob(id)).toMatchObject({
        attemptsMade: 1,
        failedReason: 'payload names no tenant',
      });
    });

    it('lists failed jobs newest first, filtered by type and limited', async () => {
      const queue = await open();
      const refuse = async () => {
        await Promise.resolve();
        throw new UnrecoverableJobError('refused');
      };
      queue.register(work, refuse);
      queue.register(other, refuse);
      await queue.start();
      const ids: string[] = [];
      for (const type of [work, other, work]) {
        const id = await queue.enqueue(type, { n: ids.length });
        await waitFor(async () => (await stateOf(queue, id)) === 'failed', 'the job to fail');
        ids.push(id);
        await sleep(5);
      }
      const [first, second, third] = ids;
      expect((await queue.listFailed()).map((job) => job.id)).toEqual([third, second, first]);
      expect((await queue.listFailed({ name: work.name })).map((job) => job.id)).toEqual([third, first]);
      expect((await queue.listFailed({ limit: 2 })).map((job) => job.id)).toEqual([third, second]);
    });

    it('never runs more jobs of a type at once than its concurrency, and reaches it', async () => {
      const queue = await open();
      let running = 0;
      let most = 0;
      let done = 0;
      queue.register(
        work,
        async () => {
          running += 1;
          most = Math.max(most, running);
          await sleep(60);
          running -= 1;
          done += 1;
        },
        { concurrency: 3 },
      );
      for (let n = 0; n < 9; n += 1) await queue.enqueue(work, { n });
      await queue.start();
      await waitFor(() => done === 9, 'all nine jobs');
      expect(most).toBe(3);
    });

    it('reports waiting, active and completed states, and nothing for an unknown id', async () => {
      const queue = await open();
      const gate = deferred();
      let entered = false;
      queue.register(work, async () => {
        entered = true;
        await gate.promise;
      });
      const id = await queue.enqueue(work, { n: 1 });
      expect(await stateOf(queue, id)).toBe('waiting');
      await queue.start();
      await waitFor(() => entered, 'the job to start');
      expect(await stateOf(queue, id)).toBe('active');
      gate.resolve();
      await waitFor(async () => (await stateOf(queue, id)) === 'completed', 'the job to complete');
      expect(await queue.getJob('no-such-job')).toBeUndefined();
    });

    it('lets a running job finish when it ends within the close bound', async () => {
      const queue = await open();
      let started = false;
      let finished = false;
      let aborted = false;
      const handler = async (_payload: { n: number }, context: JobContext) => {
        started = true;
        await sleep(150);
        aborted = context.signal.aborted;
        finished = true;
      };
      queue.register(work, handler);
      await queue.start();
      const id = await queue.enqueue(work, { n: 1 });
      await waitFor(() => started, 'the job to start');
      await queue.close({ timeoutMs: 3000 });
      expect(finished).toBe(true);
      expect(aborted).toBe(false);
      const next = await reopen(queue);
      if (next !== queue) next.register(work, handler);
      expect(await stateOf(next, id)).toBe('completed');
    });

    it('aborts a job that outlives the close bound and returns it to the queue for the next start', async () => {
      const queue = await open();
      const attempts: number[] = [];
      let abortSeen = false;
      const handler = async (_payload: { n: number }, context: JobContext) => {
        attempts.push(context.attempt);
        if (attempts.length > 1) return;
        await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve()));
        abortSeen = true;
        throw context.signal.reason;
      };
      queue.register(work, handler);
      await queue.start();
      const id = await queue.enqueue(work, { n: 1 });
      await waitFor(() => attempts.length === 1, 'the job to start');
      const closing = Date.now();
      await queue.close({ timeoutMs: 100 });
      expect(Date.now() - closing).toBeLessThan(2000);
      expect(abortSeen).toBe(true);
      const next = await reopen(queue);
      if (next !== queue) next.register(work, handler);
      expect(await next.getJob(id)).toMatchObject({ state: 'waiting', attemptsMade: 0 });
      await next.start();
      await waitFor(async () => (await stateOf(next, id)) === 'completed', 'the returned job to complete');
      // The interrupted try does not count against the job's attempts.
      expect(attempts).toEqual([1, 1]);
    });

    it('answers a ping', async () => {
      const queue = await open();
      await expect(queue.ping()).resolves.toBeUndefined();
    });
  });
}

async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}
