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

async function waitUntil(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached within 2 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
