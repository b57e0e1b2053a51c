export { createOutboxDispatcher } from './outbox-dispatcher.js';
export type {
  OutboxDispatcher,
  OutboxDispatcherOptions,
  OutboxJobPayload,
  OutboxSubscription,
} from './outbox-dispatcher.js';
