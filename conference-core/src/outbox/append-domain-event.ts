import type { Transaction } from 'kysely';

import { createOutboxRepository, type OutboxMessage } from '../storage/outbox-repository.js';
import type { DatabaseSchema } from '../storage/schema.js';
import { domainEventSchemas, type DomainEvent } from './domain-events.js';

/**
 * The one writer of domain events: appends `event` to the outbox on the change's own transaction,
 * after checking its payload against the catalogue. A payload that does not fit is a bug in the
 * caller; it throws, and the change rolls back with it rather than leaving a row no consumer reads.
 */
export function appendDomainEvent(
  trx: Transaction<DatabaseSchema>,
  tenantId: string,
  event: DomainEvent,
): Promise<OutboxMessage> {
  const payload = domainEventSchemas[event.topic].parse(event.payload);
  return createOutboxRepository(trx).append(trx, tenantId, {
    topic: event.topic,
    aggregateId: payload.event_id,
    payload,
  });
}
