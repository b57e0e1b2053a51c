import { Redis } from 'ioredis';

import { ignoreRedisErrors, viaRedis, type RedisErrorReporter } from '../dependencies/redis-errors.js';
import type { JsonValue } from '../json.js';
import {
  assertTtl,
  defaultTicketTtlMs,
  isWellFormedTicket,
  newTicket,
  type TicketStore,
} from './ticket-store.js';

/**
 * Cluster mode: tickets live in Redis with a PX expiry and are taken with GETDEL, so exactly one
 * redeemer wins even when two nodes race for the same ticket.
 */
export class RedisTicketStore implements TicketStore {
  readonly kind = 'redis';
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(options: { redisUrl: string; prefix?: string; onError?: RedisErrorReporter }) {
    this.prefix = options.prefix ?? 'vc-tickets';
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2, connectionName: `${this.prefix}` });
    // Commands that fail reject on their own (as a Redis outage); the connection reconnects by
    // itself. Its errors go to the reporter, which logs and counts them.
    const onError = options.onError ?? ignoreRedisErrors;
    this.redis.on('error', (error) => onError('ticket-store', error));
  }

  async issue(data: JsonValue, ttlMs = defaultTicketTtlMs): Promise<string> {
    assertTtl(ttlMs);
    const ticket = newTicket();
    await viaRedis(() => this.redis.set(this.key(ticket), JSON.stringify(data), 'PX', ttlMs));
    return ticket;
  }

  async redeem(ticket: string): Promise<JsonValue | undefined> {
    if (!isWellFormedTicket(ticket)) return undefined;
    const stored = await viaRedis(() => this.redis.getdel(this.key(ticket)));
    return stored === null ? undefined : (JSON.parse(stored) as JsonValue);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private key(ticket: string): string {
    return `${this.prefix}:${ticket}`;
  }
}
