import { Redis } from 'ioredis';

import { ignoreRedisErrors, viaRedis, type RedisErrorReporter } from '../dependencies/redis-errors.js';

import { verdict, type AttemptLimiter, type AttemptPolicy, type AttemptVerdict } from './attempt-limiter.js';

/**
 * Counts one failure for a key and sets the wait it earns, atomically, so concurrent failures on
 * several API nodes never lose a count. The wait formula mirrors `delayAfter` (the shared
 * contract suite checks that both limiters impose the same waits). The key expires a window
 * after its last failure. Returns the wait in milliseconds.
 * ARGV: now, freeFailures, baseDelayMs, maxDelayMs, windowMs.
 */
const failScript = `
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local free = tonumber(ARGV[2])
local delay = 0
if failures > free then
  delay = math.min(tonumber(ARGV[3]) * 2 ^ math.min(failures - free - 1, 30), tonumber(ARGV[4]))
end
redis.call('HSET', KEYS[1], 'blockedUntil', tostring(tonumber(ARGV[1]) + delay))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return delay
`;

interface WithFailScript {
  vcCountFailure(key: string, ...args: (string | number)[]): Promise<number>;
}

/** Cluster mode: every API node counts against the same keys in Redis. */
export class RedisAttemptLimiter implements AttemptLimiter {
  readonly kind = 'redis';
  private readonly redis: Redis & WithFailScript;
  private readonly prefix: string;
  private readonly policy: AttemptPolicy;
  private readonly now: () => number;

  constructor(
    policy: AttemptPolicy,
    options: { redisUrl: string; prefix: string; now?: () => number; onError?: RedisErrorReporter },
  ) {
    this.policy = policy;
    this.prefix = options.prefix;
    this.now = options.now ?? Date.now;
    const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2, connectionName: this.prefix });
    // Failed commands reject on their own (as a Redis outage); the connection reconnects by
    // itself. Its errors go to the reporter, which logs and counts them.
    const onError = options.onError ?? ignoreRedisErrors;
    redis.on('error', (error) => onError('attempt-limiter', error));
    redis.defineCommand('vcCountFailure', { numberOfKeys: 1, lua: failScript });
    this.redis = redis as Redis & WithFailScript;
  }

  async check(keys: readonly string[]): Promise<AttemptVerdict> {
    if (keys.length === 0) return verdict(0);
    const now = this.now();
    const until = await viaRedis(() =>
      Promise.all(keys.map((key) => this.redis.hget(this.key(key), 'blockedUntil'))),
    );
    return verdict(Math.max(0, ...until.map((value) => Number(value ?? 0) - now)));
  }

  async fail(keys: readonly string[]): Promise<AttemptVerdict> {
    const { freeFailures, baseDelayMs, maxDelayMs, windowMs } = this.policy;
    const now = this.now();
    const waits = await viaRedis(() =>
      Promise.all(
        keys.map((key) =>
          this.redis.vcCountFailure(this.key(key), now, freeFailures, baseDelayMs, maxDelayMs, windowMs),
        ),
      ),
    );
    return verdict(Math.max(0, ...waits.map(Number)));
  }

  async reset(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await viaRedis(() => this.redis.del(...keys.map((key) => this.key(key))));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private key(key: string): string {
    return `${this.prefix}:${key}`;
  }
}
