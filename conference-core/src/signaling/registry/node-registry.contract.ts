import { randomUUID } from 'node:crypto';

import { afterEach, describe, expect, it } from 'vitest';

import type { NodeRegistry } from './node-registry.js';

/**
 * What both registries promise. `makeRegistry` returns a registry sharing state with the others it
 * made in the same test (for Redis: same prefix), standing for several processes; `single` says
 * the backend holds one node only (memory).
 */
export function describeNodeRegistryContract(
  label: string,
  makeGroup: () => { make: () => NodeRegistry; single: boolean; nodeTtlMs: number },
): void {
  describe(`${label} node registry`, () => {
    const made: NodeRegistry[] = [];
    afterEach(async () => {
      await Promise.all(made.splice(0).map((r) => r.close()));
    });
    const group = () => {
      const g = makeGroup();
      return {
        ...g,
        make: () => {
          const r = g.make();
          made.push(r);
          return r;
        },
      };
    };
    const node = (url: string, load = 0) => ({ id: randomUUID(), url, load: () => load });

    it('locates nothing before a node registered, and this node once it did', async () => {
      const g = group();
      const registry = g.make();
      expect(await registry.locate(randomUUID())).toBeUndefined();
      await registry.register(node('ws://a/signaling'));
      const room = randomUUID();
      expect(await registry.locate(room)).toBe('ws://a/signaling');
      expect(await registry.claim(room)).toBe(true);
      expect(await registry.locate(room)).toBe('ws://a/signaling');
    });

    it('keeps a room on its node and gives a new room to the least loaded node', async () => {
      const g = group();
      if (g.single) return;
      const busy = g.make();
      const idle = g.make();
      await busy.register(node('ws://busy/signaling', 50));
      await idle.register(node('ws://idle/signaling', 1));
      const room = randomUUID();
      const first = await busy.locate(room);
      expect(first).toBe('ws://idle/signaling');
      // Asked through any node, many times, concurrently: one answer.
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? busy : idle).locate(room)),
      );
      expect(new Set(answers)).toEqual(new Set([first]));
      expect(await busy.claim(room)).toBe(false);
      expect(await idle.claim(room)).toBe(true);
    });

    it('lets concurrent first starts of a fresh room agree on one node', async () => {
      const g = group();
      if (g.single) return;
      const one = g.make();
      const two = g.make();
      await one.register(node('ws://one/signaling'));
      await two.register(node('ws://two/signaling'));
      const room = randomUUID();
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).locate(room)),
      );
      expect(new Set(answers).size).toBe(1);
    });

    it('moves the rooms of a node that left (or stopped beating) and frees released rooms', async () => {
      const g = group();
      if (g.single) return;
      const leaving = g.make();
      const staying = g.make();
      await leaving.register(node('ws://leaving/signaling', 0));
      await staying.register(node('ws://staying/signaling', 10));
      const room = randomUUID();
      expect(await staying.locate(room)).toBe('ws://leaving/signaling');
      await leaving.close();
      expect(await staying.locate(room)).toBe('ws://staying/signaling');
      expect(await staying.claim(room)).toBe(true);
      await staying.release(room);
      expect(await staying.claim(room)).toBe(true);
    });
  });
}
