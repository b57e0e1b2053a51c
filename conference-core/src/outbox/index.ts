export { createOutboxDispatcher, readOutboxJob } from './outbox-dispatcher.js';
export type {
  OutboxDispatcher,
  OutboxDispatcherOptions,
  OutboxDomainEvent,
  OutboxJobPayload,
  OutboxSubscription,
  ReadOutboxJob,
} from './outbox-dispatcher.js';
export { appendDomainEvent } from './append-domain-event.js';
export { domainEventSchemas, domainEventTopics, readDomainEvent } from './domain-events.js';
export type {
  DomainEvent,
  DomainEventPattern,
  DomainEventPayload,
  DomainEventTopic,
  ReadDomainEvent,
} from './domain-events.js';
