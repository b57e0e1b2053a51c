import { defineEndpoint } from '../deps.js';
import { ownedRoom, roomJson, roomParams, roomSchema } from './room-support.js';

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
    const { me, room } = await ownedRoom(principal, params.roomId, deps);
    return { status: 200, body: roomJson(room, me.userId) };
  },
});
