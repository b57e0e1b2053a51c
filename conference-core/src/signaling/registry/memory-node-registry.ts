import type { NodeRegistry, SignalingNode } from './node-registry.js';

/** Embedded mode: one process, one node; every room is this node's. */
export class MemoryNodeRegistry implements NodeRegistry {
  readonly kind = 'memory';
  private node: SignalingNode | undefined;
  private readonly rooms = new Set<string>();

  register(node: SignalingNode): Promise<void> {
    this.node = node;
    return Promise.resolve();
  }

  locate(roomId: string): Promise<string | undefined> {
    if (this.node === undefined) return Promise.resolve(undefined);
    this.rooms.add(roomId);
    return Promise.resolve(this.node.url);
  }

  claim(roomId: string): Promise<boolean> {
    if (this.node === undefined) return Promise.resolve(false);
    this.rooms.add(roomId);
    return Promise.resolve(true);
  }

  /** Only this node is known here; any other id may be a live hub elsewhere. */
  isAlive(nodeId: string): Promise<boolean | undefined> {
    return Promise.resolve(nodeId === this.node?.id ? true : undefined);
  }

  release(roomId: string): Promise<void> {
    this.rooms.delete(roomId);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.node = undefined;
    this.rooms.clear();
    return Promise.resolve();
  }
}
