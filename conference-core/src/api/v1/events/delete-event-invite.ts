import { defineEndpoint } from '../deps.js';
import {
  actorOf,
  eventIdParams,
  eventService,
  mutationOptions,
  mutationQuery,
  scheduling,
} from './event-support.js';

export const deleteEventInvite = defineEndpoint({
  operationId: 'deleteEventInvite',
  method: 'delete',
  path: '/v1/events/{eventId}/invite',
  summary: 'Decline your invitation to a meeting (you stay on the list, as declined)',
  tags: ['events', 'invites'],
  access: ['user'],
  params: eventIdParams,
  query: mutationQuery,
  responses: { 204: { description: 'Declined' } },
  handle: async ({ principal, params, query }, deps) => {
    await scheduling(() =>
      eventService(deps).respond(actorOf(principal), params.eventId, 'declined', mutationOptions(query)),
    );
    return { status: 204 };
  },
});
