/**
 * The signaling server's own modules, imported directly rather than through the package index, so
 * the bench measures signaling without the rest of the core loaded (see signaling-server.ts).
 */
export { silentLogger } from '../../conference-core/src/logging/logger.js';
export { MemoryNodeRegistry } from '../../conference-core/src/signaling/registry/memory-node-registry.js';
export type { RoomDirectory } from '../../conference-core/src/signaling/runtime/room-info.js';
export { createSignalingServer } from '../../conference-core/src/signaling/transport/signaling-server.js';
export { MemoryTicketStore } from '../../conference-core/src/tickets/memory-ticket-store.js';
