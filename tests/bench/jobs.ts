import { randomUUID } from 'node:crypto';

import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

import { BullMqJobQueue, InProcessJobQueue, jobType, silentLogger, type JobQueue } from '@vc/conference-core';

import { isQuick, printResult, type Benchmark } from './benchmark.js';

/**
 * Throughput of the job queue port: N jobs enqueued one at a time and processed with a fixed
 * concurrency, through our BullMQ adapter, against raw BullMQ doing the same in the same run.
 * The ratio is the cost of the port (job id generation, validation, handler wrapping). It has no
 * bar of its own: the RESULT line carries the figures and no bar.
 */
const redisUrl = process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
/** Jobs per run: 5,000 (BENCH_JOBS), 500 with `--quick`. */
let jobCount = Number(process.env['BENCH_JOBS'] ?? 5000);
const concurrency = 8;

async function rawBullMq(): Promise<number> {
  const prefix = `bench-raw-${randomUUID().slice(0, 8)}`;
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue('noop', { prefix, connection });
  let done = 0;
  let finish: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (finish = resolve));
  const worker = new Worker(
    'noop',
    () => {
      if (++done === jobCount) finish();
      return Promise.resolve();
    },
    { prefix, connection, concurrency },
  );
  const started = performance.now();
  for (let i = 0; i < jobCount; i++) {
    await queue.add(
      'noop',
      { i },
      { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { count: 1000 } },
    );
  }
  await allDone;
  const elapsed = performance.now() - started;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return elapsed;
}

async function throughPort(queue: JobQueue): Promise<number> {
  const noop = jobType<{ i: number }>('noop');
  let done = 0;
  let finish: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (finish = resolve));
  queue.register(
    noop,
    () => {
      if (++done === jobCount) finish();
      return Promise.resolve();
    },
    { concurrency },
  );
  await queue.start();
  const started = performance.now();
  for (let i = 0; i < jobCount; i++) await queue.enqueue(noop, { i });
  await allDone;
  const elapsed = performance.now() - started;
  await queue.close({ timeoutMs: 5000 });
  return elapsed;
}

async function cleanup(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}

function line(label: string, ms: number): string {
  return `${label.padEnd(28)} ${ms.toFixed(0).padStart(7)} ms  ${((jobCount / ms) * 1000).toFixed(0).padStart(7)} jobs/s`;
}

export const jobsBenchmark: Benchmark = {
  name: 'jobs',
  description: `${jobCount} jobs (500 --quick) through the JobQueue port (BullMQ, in-process) vs raw BullMQ`,
  async run(args) {
    if (isQuick(args)) jobCount = Number(process.env['BENCH_JOBS'] ?? 500);
    console.log(`jobs: ${jobCount} jobs, concurrency ${concurrency}, Redis ${new URL(redisUrl).host}`);
    // Warm-up: connections, Lua script loading, JIT.
    await rawBullMq();
    const raw = await rawBullMq();
    const prefix = `bench-port-${randomUUID().slice(0, 8)}`;
    const port = await throughPort(new BullMqJobQueue({ redisUrl, prefix, logger: silentLogger }));
    await cleanup(prefix);
    const inProcess = await throughPort(new InProcessJobQueue({ logger: silentLogger }));
    console.log(line('raw BullMQ (baseline)', raw));
    console.log(line('JobQueue port on BullMQ', port));
    console.log(line('JobQueue port in-process', inProcess));
    console.log(`ratio port/raw BullMQ: ${(port / raw).toFixed(2)}x time (1.00 = no overhead)`);
    printResult({
      name: 'jobs',
      ratio: port / raw,
      bars: [],
      figures: {
        jobs: jobCount,
        raw_per_s: Math.round((jobCount / raw) * 1000),
        port_bullmq_per_s: Math.round((jobCount / port) * 1000),
        port_in_process_per_s: Math.round((jobCount / inProcess) * 1000),
      },
      ...(isQuick(args) && { quick: true }),
    });
  },
};
