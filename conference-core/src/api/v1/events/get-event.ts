import { defineEndpoint } from '../deps.js';
import {
  actorOf,
  etag,
  eventIdParams,
  eventJson,
  eventSchema,
  eventService,
  scheduling,
} from './event-support.js';

export const getEvent = defineEndpoint({
  operationId: 'getEvent',
  method: 'get',
  path: '/v1/events/{eventId}',
  summary: 'One meeting you created or are invited to',
  tags: ['events'],
  access: ['user'],
  params: eventIdParams,
  responses: { 200: { description: 'The event; its ETag is its revision', schema: eventSchema } },
  handle: async ({ principal, params }, deps) => {
    const event = await scheduling(() => eventService(deps).get(actorOf(principal), params.eventId));
    return { status: 200, body: eventJson(event), headers: etag(event) };
  },
});
