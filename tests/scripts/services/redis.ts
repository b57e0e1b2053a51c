import { spawn, spawnSync } from 'node:child_process';

import { Redis } from 'ioredis';

import { freePort } from '../free-port.js';
import type { RunningService } from './postgres.js';

const standardUrl = 'redis://127.0.0.1:6379';

/** Whether a Redis answers PING at `url` (within about two seconds). */
export async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export function redisServerBinary(): string {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  return found === '' ? '/usr/bin/redis-server' : found;
}

/** The machine's Redis when it answers on 127.0.0.1:6379, else a private one on a free port. */
export async function findOrStartRedis(log: (line: string) => void): Promise<RunningService> {
  if (await redisAnswers(standardUrl)) {
    log('Redis: using the server on 127.0.0.1:6379');
    return { url: standardUrl, started: false, stop: () => Promise.resolve() };
  }
  const port = await freePort();
  log(`Redis: starting a private server on 127.0.0.1:${port}`);
  const child = spawn(
    redisServerBinary(),
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50 && !(await redisAnswers(url)); i++) await new Promise((r) => setTimeout(r, 100));
  if (!(await redisAnswers(url))) throw new Error('the private redis-server did not answer within 5 s');
  return {
    url,
    started: true,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
