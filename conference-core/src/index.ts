export type { JsonValue } from './json.js';
export type { LogFields, Logger } from './logging/logger.js';
export { silentLogger } from './logging/logger.js';
export * from './storage/index.js';
export * from './jobs/index.js';
export * from './auth/index.js';
export * from './api/index.js';
export * from './dependencies/index.js';
export * from './tickets/index.js';
export * from './security/index.js';
export * from './outbox/index.js';
export * from './sync/index.js';
export * from './recurrence/index.js';
export { withTimeout } from './timeout.js';
export * from './mail/index.js';
export { createEventService, SchedulingError } from './scheduling/event-service.js';
export type {
  Actor,
  EventInput,
  EventService,
  InstanceChange,
  MutationOptions,
  NewInviteInput,
} from './scheduling/event-service.js';
export * from './signaling/index.js';
export * from './media/index.js';
export * from './sip/index.js';
export * from './roles/index.js';
