import { z } from 'zod';

import { defineEndpoint } from '../deps.js';
import { requireUser } from '../users/require-user.js';
import { roomJson, roomSchema, rooms, roomService } from './room-support.js';

/** The rooms you own, newest first, a page at a time. */
export const getRooms = defineEndpoint({
  operationId: 'getRooms',
  method: 'get',
  path: '/v1/rooms',
  summary: 'List your rooms',
  tags: ['rooms'],
  access: ['user'],
  query: z.object({
    after: z.string().min(1).max(500).optional().describe('The next_cursor of the page before'),
    limit: z.coerce.number().int().min(1).max(100).default(20).describe('Rooms per page'),
  }),
  responses: {
    200: {
      description: 'A page of your rooms',
      schema: z.object({
        items: z.array(roomSchema).describe('Your rooms, newest first'),
        next_cursor: z
          .string()
          .nullable()
          .describe('Pass as after for the next page; null: this was the last'),
      }),
    },
  },
  handle: async ({ principal, query }, deps) => {
    const me = requireUser(principal);
    const page = await rooms(() =>
      roomService(deps).listOwned(me, { limit: query.limit, cursor: query.after }),
    );
    return {
      status: 200,
      body: {
        items: page.items.map((room) => roomJson(room, me.userId)),
        next_cursor: page.nextCursor ?? null,
      },
    };
  },
});
