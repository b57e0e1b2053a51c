/**
 * Room affinity (docs/decisions/0002): which signaling node holds a room's live state. The start
 * endpoint asks `locate`; a signaling node announces itself with `register`, confirms a room with
 * `claim` when the first participant connects, and gives it up with `release` when it empties.
 * In memory (one node, embedded mode) or in Redis (cluster mode); both pass one contract suite.
 */
export interface NodeRegistry {
  readonly kind: 'memory' | 'redis';
  /** Starts announcing this node (heartbeat with its load) until `close`. */
  register(node: SignalingNode): Promise<void>;
  /**
   * The base URL of the node that owns the room, assigning the least loaded live node when the room
   * has none or its node is dead. Undefined when no signaling node is alive.
   */
  locate(roomId: string): Promise<string | undefined>;
  /** True when this node owns the room now (taking it over when its owner is gone or unset). */
  claim(roomId: string): Promise<boolean>;
  /** This node no longer holds the room. */
  release(roomId: string): Promise<void>;
  /**
   * Is the node with this id alive (heartbeat not expired)? `undefined` when this registry cannot
   * know about other nodes (memory: one process).
   */
  isAlive(nodeId: string): Promise<boolean | undefined>;
  /** Stops the heartbeat and removes this node (its rooms go to others on the next start). */
  close(): Promise<void>;
}

export interface SignalingNode {
  readonly id: string;
  /** Where clients reach this node's signaling: `<url>/<ticket>` (ws:// or wss://). */
  readonly url: string;
  /** Current load (connections); sent with every heartbeat. */
  load(): number;
}
