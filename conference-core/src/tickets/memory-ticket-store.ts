import type { JsonValue } from '../json.js';
import {
  assertTtl,
  defaultTicketTtlMs,
  isWellFormedTicket,
  newTicket,
  type TicketStore,
} from './ticket-store.js';

/** Embedded mode: one process issues and redeems. Expired tickets are swept once a second. */
export class MemoryTicketStore implements TicketStore {
  readonly kind = 'memory';
  private readonly tickets = new Map<string, { data: string; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
    this.sweeper = setInterval(() => this.sweep(), 1000);
    this.sweeper.unref();
  }

  issue(data: JsonValue, ttlMs = defaultTicketTtlMs): Promise<string> {
    try {
      assertTtl(ttlMs);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const ticket = newTicket();
    // Stored serialized so the redeemer gets a copy the issuer cannot change afterwards.
    this.tickets.set(ticket, { data: JSON.stringify(data), expiresAt: this.now() + ttlMs });
    return Promise.resolve(ticket);
  }

  redeem(ticket: string): Promise<JsonValue | undefined> {
    if (!isWellFormedTicket(ticket)) return Promise.resolve(undefined);
    const entry = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    if (entry === undefined || entry.expiresAt <= this.now()) return Promise.resolve(undefined);
    return Promise.resolve(JSON.parse(entry.data) as JsonValue);
  }

  close(): Promise<void> {
    clearInterval(this.sweeper);
    this.tickets.clear();
    return Promise.resolve();
  }

  private sweep(): void {
    const now = this.now();
    for (const [ticket, entry] of this.tickets) if (entry.expiresAt <= now) this.tickets.delete(ticket);
  }
}
