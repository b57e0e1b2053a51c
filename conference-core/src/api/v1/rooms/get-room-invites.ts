import { z } from 'zod';

import { defineEndpoint } from '../deps.js';
import { requireUser } from '../users/require-user.js';
import { guestLinkJson, guestLinkSchema, roomParams, rooms, roomService } from './room-support.js';

export const getRoomInvites = defineEndpoint({
  operationId: 'getRoomInvites',
  method: 'get',
  path: '/v1/rooms/{roomId}/invites',
  summary: 'The guest links of your room',
  tags: ['rooms'],
  access: ['user'],
  params: roomParams,
  responses: { 200: { description: 'Guest links, oldest first', schema: z.array(guestLinkSchema) } },
  handle: async ({ principal, params }, deps) => {
    const me = requireUser(principal);
    const links = await rooms(() => roomService(deps).guestLinks(me, params.roomId));
    return { status: 200, body: links.map(guestLinkJson) };
  },
});
