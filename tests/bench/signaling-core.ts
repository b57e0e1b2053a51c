/**
 * The signaling server's own modules, imported directly rather than through the package index, so
 * `BENCH_SIGNALING_CORE=signaling` measures signaling without the rest of the core loaded (the
 * default loads the whole index, as the hub does; see signaling-server.ts).
 */
export { silentLogger } from '../../conference-core/src/logging/logger.js';
export { MemoryNodeRegistry } from '../../conference-core/src/signaling/registry/memory-node-registry.js';
export type { RoomDirectory } from '../../conference-core/src/signaling/runtime/room-info.js';
export { createSignalingServer } from '../../conference-core/src/signaling/transport/signaling-server.js';
export { MemoryTicketStore } from '../../conference-core/src/tickets/memory-ticket-store.js';
