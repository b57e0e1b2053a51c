import { Redis } from 'ioredis';

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

  constructor(options: { redisUrl: string; prefix?: string }) {
    this.prefix = options.prefix ?? 'vc-tickets';
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2, connectionName: `${this.prefix}` });
    // Errors surface on the commands that fail; the connection itself reconnects on its own.
    this.redis.on('error', () => undefined);
  }

  async issue(data: JsonValue, ttlMs = defaultTicketTtlMs): Promise<string> {
    assertTtl(ttlMs);
    const ticket = newTicket();
    await this.redis.set(this.key(ticket), JSON.stringify(data), 'PX', ttlMs);
    return ticket;
  }

  async redeem(ticket: string): Promise<JsonValue | undefined> {
    if (!isWellFormedTicket(ticket)) return undefined;
    const stored = await this.redis.getdel(this.key(ticket));
    return stored === null ? undefined : (JSON.parse(stored) as JsonValue);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private key(ticket: string): string {
    return `${this.prefix}:${ticket}`;
  }
}
