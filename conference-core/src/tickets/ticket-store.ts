import { randomBytes } from 'node:crypto';

import type { JsonValue } from '../json.js';

/**
 * Single-use, short-lived tickets: `POST /v1/rooms/{id}/start` issues one, the signaling node
 * redeems it when the WebSocket connects. A ticket is a random secret that only names what was
 * checked at issue time (tenant, room, who joins, role); whoever redeems it first gets that data,
 * every later redeem gets nothing. In memory in embedded mode, in Redis in cluster mode (so the
 * node that redeems need not be the node that issued).
 */
export interface TicketStore {
  readonly kind: 'memory' | 'redis';
  /** Stores `data` under a new ticket valid for `ttlMs` (default 30 s) and returns the ticket. */
  issue(data: JsonValue, ttlMs?: number): Promise<string>;
  /** Returns the data and removes the ticket, atomically; undefined when unknown, used or expired. */
  redeem(ticket: string): Promise<JsonValue | undefined>;
  close(): Promise<void>;
}

export const defaultTicketTtlMs = 30_000;

/** 32 random bytes, URL-safe: unguessable, and usable as a path segment (`/signaling/{ticket}`). */
export function newTicket(): string {
  return randomBytes(32).toString('base64url');
}

/** A ticket of the shape `newTicket` makes; anything else is refused before any lookup. */
export function isWellFormedTicket(ticket: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(ticket);
}

export function assertTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > 600_000) {
    throw new RangeError(`ticket ttl must be an integer from 1 to 600000 ms, got ${ttlMs}`);
  }
}
