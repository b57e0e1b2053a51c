import { z } from 'zod';

import { MAX_PAGE_SIZE } from '../../../storage/repository-support.js';
import { defineEndpoint } from '../deps.js';
import {
  actorOf,
  eventJson,
  eventSchema,
  eventService,
  scheduling,
  windowOf,
  windowQuery,
} from './event-support.js';

export const getEvents = defineEndpoint({
  operationId: 'getEvents',
  method: 'get',
  path: '/v1/events',
  summary: 'Your meetings (created or invited to) with an occurrence in a time window',
  tags: ['events'],
  access: ['user'],
  query: z.object({
    ...windowQuery,
    after: z.string().min(1).max(500).optional().describe('The next_cursor of the page before'),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50).describe('Events per page at most'),
  }),
  responses: {
    200: {
      description:
        'One page, by start (time-independent ones last); a page may hold fewer than limit (series without an occurrence in the window are left out); pass next_cursor as after',
      schema: z.object({
        items: z.array(eventSchema).describe('The meetings of this page'),
        next_cursor: z
          .string()
          .nullable()
          .describe('Pass as after for the next page; null: this was the last'),
      }),
    },
  },
  handle: async ({ principal, query }, deps) => {
    const actor = actorOf(principal);
    const window = windowOf(query, deps.now(), 30);
    const page = await scheduling(() =>
      eventService(deps).list(actor, { ...window, cursor: query.after, limit: query.limit }),
    );
    return { status: 200, body: { items: page.items.map(eventJson), next_cursor: page.nextCursor ?? null } };
  },
});
