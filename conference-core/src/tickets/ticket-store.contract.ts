import { afterEach, describe, expect, it } from 'vitest';

import type { TicketStore } from './ticket-store.js';

/** The behaviour both ticket stores share; each backend's test file runs it. */
export function describeTicketStoreContract(label: string, makeStore: () => TicketStore): void {
  describe(`${label} ticket store`, () => {
    const stores: TicketStore[] = [];
    const open = (): TicketStore => {
      const store = makeStore();
      stores.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(stores.splice(0).map((s) => s.close()));
    });

    it('hands the data to the first redeemer only', async () => {
      const store = open();
      const ticket = await store.issue({ room: 'r1', role: 'moderator' });
      expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await store.redeem(ticket)).toEqual({ room: 'r1', role: 'moderator' });
      expect(await store.redeem(ticket)).toBeUndefined();
    });

    it('lets exactly one of many concurrent redeemers win', async () => {
      const store = open();
      const ticket = await store.issue({ n: 1 });
      const results = await Promise.all(Array.from({ length: 20 }, () => store.redeem(ticket)));
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    });

    it('refuses an expired ticket', async () => {
      const store = open();
      const ticket = await store.issue({ n: 1 }, 50);
      await new Promise((r) => setTimeout(r, 120));
      expect(await store.redeem(ticket)).toBeUndefined();
    });

    it('refuses unknown and malformed tickets without error', async () => {
      const store = open();
      expect(await store.redeem('A'.repeat(43))).toBeUndefined();
      expect(await store.redeem('../../etc/passwd')).toBeUndefined();
      expect(await store.redeem('')).toBeUndefined();
    });

    it('issues a different ticket every time', async () => {
      const store = open();
      const tickets = await Promise.all(Array.from({ length: 50 }, () => store.issue({})));
      expect(new Set(tickets).size).toBe(50);
    });

    it('rejects a lifetime outside 1 ms to 10 minutes', async () => {
      const store = open();
      await expect(store.issue({}, 0)).rejects.toThrow(RangeError);
      await expect(store.issue({}, 600_001)).rejects.toThrow(RangeError);
    });
  });
}
