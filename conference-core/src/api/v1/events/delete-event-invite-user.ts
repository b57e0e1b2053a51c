import { z } from 'zod';

import { defineEndpoint } from '../deps.js';
import { actorOf, eventService, mutationOptions, mutationQuery, scheduling } from './event-support.js';

export const deleteEventInviteUser = defineEndpoint({
  operationId: 'deleteEventInviteUser',
  method: 'delete',
  path: '/v1/events/{eventId}/invites/{userId}',
  summary: 'Withdraw the invitation of a registered user from a meeting you created',
  tags: ['events', 'invites'],
  access: ['user'],
  params: z.object({
    eventId: z.uuid().describe('The event id'),
    userId: z.uuid().describe('The invited user'),
  }),
  query: mutationQuery,
  responses: { 204: { description: 'No longer invited' } },
  handle: async ({ principal, params, query }, deps) => {
    await scheduling(() =>
      eventService(deps).uninvite(actorOf(principal), params.eventId, params.userId, mutationOptions(query)),
    );
    return { status: 204 };
  },
});
