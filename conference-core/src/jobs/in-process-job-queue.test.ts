import { describe, expect, it } from 'vitest';
import { InProcessJobQueue } from './in-process-job-queue.js';
import { describeJobQueueContract } from './job-queue.contract.js';
import { jobType } from './job-queue.js';

describeJobQueueContract('in-process', () => Promise.resolve(new InProcessJobQueue()));

describe('InProcessJobQueue', () => {
  const work = jobType<{ n: number }>('unit.work');

  it('forgets the oldest completed jobs beyond its retention, freeing their job ids', async () => {
    const queue = new InProcessJobQueue({ keepCompleted: 2 });
    let runs = 0;
    queue.register(work, async () => {
      runs += 1;
      await Promise.resolve();
    });
    await queue.start();
    for (const jobId of ['job-a', 'job-b', 'job-c']) await queue.enqueue(work, { n: 1 }, { jobId });
    await waitUntil(() => runs === 3);
    expect(await queue.getJob('job-a')).toBeUndefined();
    expect((await queue.getJob('job-c'))?.state).toBe('completed');
    await queue.enqueue(work, { n: 2 }, { jobId: 'job-a' });
    await waitUntil(() => runs === 4);
    await queue.close({ timeoutMs: 100 });
  });

  it('keeps the newest finished jobs over thousands, and lists the failed ones newest first', async () => {
    const queue = new InProcessJobQueue({ keepCompleted: 3, keepFailed: 2 });
    let runs = 0;
    queue.register(work, async ({ n }) => {
      runs += 1;
      await Promise.resolve();
      if (n % 2 === 1) throw new Error(`odd ${n}`);
    });
    await queue.start();
    const total = 2500;
    for (let n = 0; n < total; n++) await queue.enqueue(work, { n }, { jobId: `job-${n}`, attempts: 1 });
    const kept = async (n: number) => (await queue.getJob(`job-${n}`))?.state;
    // A handler has run once `runs` counts it; its job is recorded as finished just after.
    await waitUntil(async () => runs === total && (await kept(total - 1)) === 'failed');
    expect([await kept(2494), await kept(2496), await kept(2498)]).toEqual([
      'completed',
      'completed',
      'completed',
    ]);
    expect(await kept(2492)).toBeUndefined();
    expect((await queue.listFailed()).map((job) => job.id)).toEqual(['job-2499', 'job-2497']);
    expect(await kept(2495)).toBeUndefined();
    await queue.close({ timeoutMs: 100 });
  });

  it('keeps delayed jobs over a close and runs them after the next start', async () => {
    const queue = new InProcessJobQueue();
    let runs = 0;
    queue.register(work, async () => {
      runs += 1;
      await Promise.resolve();
    });
    await queue.start();
    const id = await queue.enqueue(work, { n: 1 }, { delayMs: 30 });
    await queue.close({ timeoutMs: 100 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(runs).toBe(0);
    expect((await queue.getJob(id))?.state).toBe('delayed');
    await queue.start();
    await waitUntil(() => runs === 1);
    await queue.close({ timeoutMs: 100 });
  });
});

/** Polls `check`; generous, because `npm test` runs this beside typecheck and lint on two cores. */
async function waitUntil(check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached within 20 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
