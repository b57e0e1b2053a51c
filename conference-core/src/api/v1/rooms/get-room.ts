import { defineEndpoint } from '../deps.js';
import { requireUser } from '../users/require-user.js';
import { roomJson, roomParams, roomSchema, rooms, roomService } from './room-support.js';

/** Owner only: anyone else, in this tenant or another, gets 404 (see `ownedRoom`). */
export const getRoom = defineEndpoint({
  operationId: 'getRoom',
  method: 'get',
  path: '/v1/rooms/{roomId}',
  summary: 'One of your rooms',
  tags: ['rooms'],
  access: ['user'],
  params: roomParams,
  responses: { 200: { description: 'The room', schema: roomSchema } },
  handle: async ({ principal, params }, deps) => {
    const me = requireUser(principal);
    const room = await rooms(() => roomService(deps).owned(me, params.roomId));
    return { status: 200, body: roomJson(room, me.userId) };
  },
});
