import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../logging/logger.js';
import type { LogFields, Logger } from '../logging/logger.js';
import { testEnv } from '../testing/test-env.js';
import { BullMqJobQueue } from './bullmq-job-queue.js';
import { describeJobQueueContract } from './job-queue.contract.js';
import type { JobQueue } from './job-queue.js';

// Each queue gets a prefix of its own; `reopen` shares it, the way a restarted process would.
const prefixes = new WeakMap<JobQueue, string>();
const used = new Set<string>();

function makeQueue(prefix = `test-jobs-${randomBytes(6).toString('hex')}`): Promise<JobQueue> {
  used.add(prefix);
  const queue = new BullMqJobQueue({ redisUrl: testEnv.redisUrl, prefix, logger: silentLogger });
  prefixes.set(queue, prefix);
  return Promise.resolve(queue);
}

describeJobQueueContract('bullmq', () => makeQueue(), {
  reopen: (closed) => makeQueue(prefixes.get(closed)),
});

describe('BullMqJobQueue', () => {
  it('fails a ping within about a second when Redis cannot be reached', async () => {
    // Port 1 on loopback: nothing listens there, so connecting is refused at once.
    const queue = new BullMqJobQueue({
      redisUrl: 'redis://127.0.0.1:1',
      prefix: 'unreachable',
      logger: silentLogger,
    });
    const started = Date.now();
    await expect(queue.ping()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1500);
    await queue.close({ timeoutMs: 100 });
  });

  it('fails a ping within about a second when Redis accepts the connection but never answers', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const queue = new BullMqJobQueue({
      redisUrl: `redis://127.0.0.1:${port}`,
      prefix: 'silent',
      logger: silentLogger,
    });
    const started = Date.now();
    await expect(queue.ping()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1500);
    await queue.close({ timeoutMs: 100 });
    silent.close();
  });

  it('keeps the password of the redis url out of its logs', async () => {
    const lines: string[] = [];
    const recording = (fields: LogFields): Logger => {
      const write = (more: LogFields, message: string) =>
        void lines.push(JSON.stringify({ ...fields, ...more, message }));
      return {
        debug: write,
        info: write,
        warn: write,
        error: write,
        child: (more) => recording({ ...fields, ...more }),
      };
    };
    const queue = new BullMqJobQueue({
      redisUrl: 'redis://user:s3cret-pass@127.0.0.1:1',
      prefix: 'secret',
      logger: recording({}),
    });
    await expect(queue.ping()).rejects.toThrow();
    await queue.close({ timeoutMs: 100 });
    expect(lines.join('\n')).toContain('127.0.0.1:1');
    expect(lines.join('\n')).not.toContain('s3cret-pass');
  });
});

afterAll(async () => {
  const redis = new Redis(testEnv.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    for (const prefix of used) {
      const keys: string[] = [];
      for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 500 }) as AsyncIterable<
        string[]
      >)
        keys.push(...batch);
      for (let i = 0; i < keys.length; i += 500) await redis.unlink(...keys.slice(i, i + 500));
    }
  } finally {
    redis.disconnect();
  }
});
