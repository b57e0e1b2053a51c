import { defineEndpoint } from '../deps.js';
import {
  actorOf,
  eventIdParams,
  eventService,
  ifMatchRevision,
  mutationOptions,
  mutationQuery,
  scheduling,
} from './event-support.js';

export const deleteEvent = defineEndpoint({
  operationId: 'deleteEvent',
  method: 'delete',
  path: '/v1/events/{eventId}',
  summary: 'Cancel a meeting you created (with its room); If-Match optional',
  tags: ['events'],
  access: ['user'],
  params: eventIdParams,
  query: mutationQuery,
  responses: { 204: { description: 'Cancelled; invitees are told unless suppressed' } },
  handle: async ({ principal, params, query, headers }, deps) => {
    const actor = actorOf(principal);
    await scheduling(() =>
      eventService(deps).cancel(actor, params.eventId, ifMatchRevision(headers), mutationOptions(query)),
    );
    return { status: 204 };
  },
});
