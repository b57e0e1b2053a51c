import { z } from 'zod';

import { defineEndpoint } from '../deps.js';
import {
  actorOf,
  eventIdParams,
  eventService,
  inviteJson,
  inviteSchema,
  scheduling,
} from './event-support.js';

export const getEventInvites = defineEndpoint({
  operationId: 'getEventInvites',
  method: 'get',
  path: '/v1/events/{eventId}/invites',
  summary: 'Who is invited to a meeting, and their answers',
  tags: ['events', 'invites'],
  access: ['user'],
  params: eventIdParams,
  responses: { 200: { description: 'Invites, oldest first', schema: z.array(inviteSchema) } },
  handle: async ({ principal, params }, deps) => {
    const invites = await scheduling(() =>
      eventService(deps).listInvites(actorOf(principal), params.eventId),
    );
    return { status: 200, body: invites.map(inviteJson) };
  },
});
