import { MemoryNodeRegistry } from './memory-node-registry.js';
import { describeNodeRegistryContract } from './node-registry.contract.js';

describeNodeRegistryContract('memory', () => ({
  make: () => new MemoryNodeRegistry(),
  single: true,
  nodeTtlMs: 0,
}));
