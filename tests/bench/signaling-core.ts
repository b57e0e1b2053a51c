/**
 * The signaling server's own modules, imported directly rather than through the package index, so
 * `BENCH_SIGNALING_CORE=signaling` measures signaling without the rest of the core loaded (the
 * default loads the whole index, as the hub does; see signaling-server.ts).
 */
export { silentLogger } from '@vc/conference-core/testing';
export { MemoryNodeRegistry } from '@vc/conference-core/testing';
export type { RoomDirectory } from '@vc/conference-core/testing';
export { createSignalingServer } from '@vc/conference-core/testing';
export { MemoryTicketStore } from '@vc/conference-core/testing';
