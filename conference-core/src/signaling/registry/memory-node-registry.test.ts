import { expect, it } from 'vitest';

import { MemoryNodeRegistry } from './memory-node-registry.js';
import { describeNodeRegistryContract } from './node-registry.contract.js';

describeNodeRegistryContract('memory', () => ({
  make: () => new MemoryNodeRegistry(),
  single: true,
  nodeTtlMs: 0,
}));

it('knows only its own node alive and cannot tell of any other (the media sweep then leaves it be)', async () => {
  const registry = new MemoryNodeRegistry();
  await registry.register({ id: 'me', url: 'ws://me/signaling', load: () => 0 });
  expect(await registry.isAlive('me')).toBe(true);
  expect(await registry.isAlive('someone-else')).toBeUndefined();
  await registry.close();
});
