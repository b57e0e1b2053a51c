import { z } from 'zod';

import { parseInstanceId } from '../../../recurrence/index.js';
import { defineEndpoint } from '../deps.js';
import {
  actorOf,
  etag,
  eventService,
  instanceIdSchema,
  instanceJson,
  instanceSchema,
  scheduling,
} from './event-support.js';

export const getEventInstance = defineEndpoint({
  operationId: 'getEventInstance',
  method: 'get',
  path: '/v1/events/{eventId}/instances/{instanceId}',
  summary: 'One occurrence of a meeting, by its original start, with its changes applied',
  tags: ['events'],
  access: ['user'],
  params: z.object({ eventId: z.uuid().describe('The event id'), instanceId: instanceIdSchema }),
  responses: {
    200: {
      description: 'The occurrence as it is now; its ETag is the event revision',
      schema: instanceSchema,
    },
  },
  handle: async ({ principal, params }, deps) => {
    const instanceStart = parseInstanceId(params.instanceId);
    if (instanceStart === undefined) throw new Error('the schema let a malformed instance id through');
    const result = await scheduling(() =>
      eventService(deps).instance(actorOf(principal), params.eventId, instanceStart),
    );
    return { status: 200, body: instanceJson(result.event, result.instance), headers: etag(result.event) };
  },
});
