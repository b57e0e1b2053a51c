import { z } from 'zod';

import { defineEndpoint } from '../deps.js';
import {
  actorOf,
  eventIdParams,
  eventService,
  instanceJson,
  instanceSchema,
  scheduling,
  windowOf,
  windowQuery,
} from './event-support.js';

export const getEventInstances = defineEndpoint({
  operationId: 'getEventInstances',
  method: 'get',
  path: '/v1/events/{eventId}/instances',
  summary: 'The occurrences of a meeting in a time window, with changed and cancelled ones applied',
  tags: ['events'],
  access: ['user'],
  params: eventIdParams,
  query: z.object({
    ...windowQuery,
    limit: z.coerce.number().int().min(1).max(1000).default(100).describe('Occurrences at most'),
  }),
  responses: {
    200: {
      description: 'Occurrences by start; cancelled ones are kept with status cancelled',
      schema: z.object({
        items: z.array(instanceSchema).describe('The occurrences in the window, by start'),
        truncated: z.boolean().describe('Whether more occurrences fall in the window than limit'),
      }),
    },
  },
  handle: async ({ principal, params, query }, deps) => {
    const window = windowOf(query, deps.now(), 90);
    const result = await scheduling(() =>
      eventService(deps).instances(actorOf(principal), params.eventId, window, query.limit),
    );
    return {
      status: 200,
      body: {
        items: result.instances.map((instance) => instanceJson(result.event, instance)),
        truncated: result.truncated,
      },
    };
  },
});
