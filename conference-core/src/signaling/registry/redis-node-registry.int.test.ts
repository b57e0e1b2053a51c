import { randomUUID } from 'node:crypto';

import { expect, it } from 'vitest';

import { testEnv } from '../../testing/test-env.js';
import { describeNodeRegistryContract } from './node-registry.contract.js';
import { RedisNodeRegistry } from './redis-node-registry.js';

describeNodeRegistryContract('Redis', () => {
  const prefix = `test-signaling-${randomUUID()}`;
  return {
    make: () => new RedisNodeRegistry({ redisUrl: testEnv.redisUrl, prefix, nodeTtlMs: 600 }),
    single: false,
    nodeTtlMs: 600,
  };
});

it('gives the room of a node whose heartbeat stopped to a live node once the heartbeat is stale', async () => {
  const prefix = `test-signaling-${randomUUID()}`;
  const dead = new RedisNodeRegistry({ redisUrl: testEnv.redisUrl, prefix, nodeTtlMs: 600 });
  const live = new RedisNodeRegistry({ redisUrl: testEnv.redisUrl, prefix, nodeTtlMs: 600 });
  try {
    const [deadId, liveId] = [randomUUID(), randomUUID()];
    await dead.register({ id: deadId, url: 'ws://dead/signaling', load: () => 0 });
    await live.register({ id: liveId, url: 'ws://live/signaling', load: () => 5 });
    expect(await live.isAlive(deadId)).toBe(true);
    const room = randomUUID();
    expect(await live.locate(room)).toBe('ws://dead/signaling');
    // A crash: the heartbeat stops, nothing is cleaned up.
    clearInterval((dead as unknown as { heartbeat: NodeJS.Timeout }).heartbeat);
    expect(await live.locate(room)).toBe('ws://dead/signaling');
    await new Promise((r) => setTimeout(r, 800));
    expect(await live.locate(room)).toBe('ws://live/signaling');
    // What the media sweep asks before it removes a node's Janus rooms.
    expect(await live.isAlive(deadId)).toBe(false);
    expect(await live.isAlive(liveId)).toBe(true);
  } finally {
    await Promise.all([dead.close(), live.close()]);
  }
});
