import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LogFields, Logger } from '../logging/logger.js';
import { testEnv } from '../testing/test-env.js';
import { BullMqJobQueue } from './bullmq-job-queue.js';
import { jobType } from './job-queue.js';

// A private Redis that this suite may kill. Every write is fsynced before Redis answers, so what
// was acknowledged before the crash is still there after the restart.
let dir = '';
let port = 0;
let server: ChildProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jobs-fault-'));
  port = await freePort();
  server = await startRedis();
});

afterAll(async () => {
  if (server) await kill(server);
  await rm(dir, { recursive: true, force: true });
});

const work = jobType<{ seq: number }>('fault.work');

it('loses no acknowledged job and completes none twice when Redis is killed and restarted mid-run', async () => {
  const errorLines: LogFields[] = [];
  const queue = new BullMqJobQueue({
    redisUrl: `redis://127.0.0.1:${port}`,
    prefix: 'fault',
    logger: recordErrors(errorLines),
  });
  const completions = new Map<string, number>();
  queue.register(
    work,
    async (_payload, context) => {
      await sleep(15);
      completions.set(context.id, (completions.get(context.id) ?? 0) + 1);
    },
    { concurrency: 4 },
  );
  await queue.start();

  const acknowledged = new Set<string>();
  const rejected: number[] = [];
  const enqueues: Promise<void>[] = [];
  let outage: Promise<void> | undefined;
  let completedAtKill = 0;
  let issuedDuringOutage = 0;
  let down = false;
  for (let seq = 0; seq < 300; seq += 1) {
    // A job id makes the enqueue idempotent, so ioredis re-sending an add whose reply was lost in
    // the crash cannot create a second job.
    const enqueue = queue.enqueue(work, { seq }, { jobId: `job-${seq}` });
    enqueues.push(
      enqueue.then(
        (id) => void acknowledged.add(id),
        () => void rejected.push(seq),
      ),
    );
    if (down) issuedDuringOutage += 1;
    if (seq === 100) {
      completedAtKill = completions.size;
      down = true;
      outage = (async () => {
        await kill(server);
        await sleep(1500);
        server = await startRedis();
        down = false;
      })();
    }
    await sleep(10);
  }
  await outage;
  await Promise.all(enqueues);
  await waitFor(() => [...acknowledged].every((id) => completions.has(id)), 30_000);
  await sleep(300);
  await queue.close({ timeoutMs: 2000 });

  // The outage really happened in the middle of the run.
  expect(completedAtKill).toBeGreaterThan(0);
  expect(completedAtKill).toBeLessThan(300);
  expect(issuedDuringOutage).toBeGreaterThan(50);
  // Enqueues issued while Redis was down waited for it instead of failing.
  expect(rejected).toEqual([]);
  expect(acknowledged.size).toBe(300);
  expect([...acknowledged].filter((id) => !completions.has(id))).toEqual([]);
  expect([...completions].filter(([, count]) => count > 1)).toEqual([]);
  // The outage is logged, throttled rather than once per reconnect attempt.
  expect(errorLines.length).toBeGreaterThan(0);
  expect(errorLines.length).toBeLessThan(15);
}, 50_000);

async function startRedis(): Promise<ChildProcess> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
  ];
  const child = spawn(
    testEnv.redisServerBin,
    [...args, '--save', '', '--daemonize', 'no', '--logfile', join(dir, 'redis.log')],
    {
      stdio: 'ignore',
    },
  );
  const probe = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  try {
    await waitFor(async () => {
      if (child.exitCode !== null)
        throw new Error(`redis-server exited with ${child.exitCode}; see ${dir}/redis.log`);
      try {
        if (probe.status !== 'ready') await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        probe.disconnect();
        return false;
      }
    }, 10_000);
  } finally {
    probe.disconnect();
  }
  return child;
}

async function kill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function recordErrors(lines: LogFields[]): Logger {
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (fields) => void lines.push(fields),
    child: () => logger,
  };
  return logger;
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms`);
    await sleep(25);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
