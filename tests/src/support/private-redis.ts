import { spawn, type ChildProcess } from 'node:child_process';

import { freePort } from '../../scripts/free-port.js';
import { redisAnswers, redisServerBinary } from '../../scripts/services/redis.js';

/** A redis-server of the test's own on a free port, which the test may kill and start again. */
export interface PrivateRedis {
  readonly url: string;
  /** SIGKILL: no goodbye to any client. */
  kill(): Promise<void>;
  /** Starts it again on the same port and waits until it answers. */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn(
      redisServerBinary(),
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 20_000;
    while (!(await redisAnswers(url))) {
      if (Date.now() > deadline) throw new Error(`the private redis-server on ${port} did not answer`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url, kill, start, destroy: kill };
}
