import { z } from 'zod';

import { defineEndpoint } from '../deps.js';
import {
  actorOf,
  eventIdParams,
  eventService,
  inviteJson,
  inviteSchema,
  mutationOptions,
  mutationQuery,
  scheduling,
} from './event-support.js';

export const patchEventInvite = defineEndpoint({
  operationId: 'patchEventInvite',
  method: 'patch',
  path: '/v1/events/{eventId}/invite',
  summary: 'Accept (or tentatively accept) your invitation to a meeting',
  tags: ['events', 'invites'],
  access: ['user'],
  params: eventIdParams,
  query: mutationQuery,
  body: z
    .strictObject({
      status: z.enum(['accepted', 'tentative']).optional().describe('Your answer (default: accepted)'),
    })
    .optional(),
  responses: { 200: { description: 'Your invitation with its new status', schema: inviteSchema } },
  handle: async ({ principal, params, query, body }, deps) => {
    const invite = await scheduling(() =>
      eventService(deps).respond(
        actorOf(principal),
        params.eventId,
        body?.status ?? 'accepted',
        mutationOptions(query),
      ),
    );
    return { status: 200, body: inviteJson(invite) };
  },
});
