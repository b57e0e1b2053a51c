import {
  BullMqJobQueue,
  InProcessJobQueue,
  MemoryAttemptLimiter,
  MemoryNodeRegistry,
  MemoryTicketStore,
  RedisAttemptLimiter,
  RedisNodeRegistry,
  RedisTicketStore,
  passwordBySource,
  secretByTarget,
  type AttemptLimiter,
  type AttemptPolicy,
  type JobQueue,
  type Logger,
  type NodeRegistry,
  type RedisErrorReporter,
  type TicketStore,
} from '@vc/conference-core';

import type { HubConfig } from '../config.js';

/**
 * The shared state a hub keeps outside its database: in memory when it runs alone (embedded
 * mode), in Redis when REDIS_URL is set (cluster mode). Each pick is made here and only here.
 */

export function createQueue(config: HubConfig, logger: Logger): JobQueue {
  return config.redisUrl === undefined
    ? new InProcessJobQueue({ logger })
    : new BullMqJobQueue({ redisUrl: config.redisUrl, logger });
}

/** Start tickets (one-time, short-lived) handed from the API to signaling. */
export function createTicketStore(config: HubConfig, onError: RedisErrorReporter): TicketStore {
  return config.redisUrl === undefined
    ? new MemoryTicketStore()
    : new RedisTicketStore({ redisUrl: config.redisUrl, onError });
}

/** Failed-secret counters: per source address and per target (room, guest link). */
export function createAttemptLimiters(
  config: HubConfig,
  onError: RedisErrorReporter,
): { readonly bySource: AttemptLimiter; readonly byTarget: AttemptLimiter } {
  const limiter = (policy: AttemptPolicy, prefix: string): AttemptLimiter =>
    config.redisUrl === undefined
      ? new MemoryAttemptLimiter(policy)
      : new RedisAttemptLimiter(policy, { redisUrl: config.redisUrl, prefix, onError });
  return {
    bySource: limiter(passwordBySource, 'vc-attempts-source'),
    byTarget: limiter(secretByTarget, 'vc-attempts-target'),
  };
}

/** Which signaling node holds which room (room affinity across nodes). */
export function createNodeRegistry(config: HubConfig, onError: RedisErrorReporter): NodeRegistry {
  return config.redisUrl === undefined
    ? new MemoryNodeRegistry()
    : new RedisNodeRegistry({
        redisUrl: config.redisUrl,
        nodeTtlMs: config.signalingNodeTtlMs,
        prefix: config.signalingRedisPrefix,
        onError,
      });
}
