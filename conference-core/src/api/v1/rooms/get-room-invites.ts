import { z } from 'zod';

import { createGuestLinkRepository } from '../../../storage/guest-link-repository.js';
import { defineEndpoint } from '../deps.js';
import { guestLinkJson, guestLinkSchema, ownedRoom, roomParams } from './room-support.js';

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
    const { me, room } = await ownedRoom(principal, params.roomId, deps);
    const links = await createGuestLinkRepository(deps.db).listForRoom(me.tenantId, room.id);
    return { status: 200, body: links.map(guestLinkJson) };
  },
});
