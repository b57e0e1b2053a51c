export { MemoryTicketStore } from './memory-ticket-store.js';
export { RedisTicketStore } from './redis-ticket-store.js';
export { defaultTicketTtlMs, isWellFormedTicket } from './ticket-store.js';
export type { TicketStore } from './ticket-store.js';
