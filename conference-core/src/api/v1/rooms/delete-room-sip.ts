import { defineEndpoint } from '../deps.js';
import { requireUser } from '../users/require-user.js';
import { roomParams, rooms, roomService } from './room-support.js';

export const deleteRoomSip = defineEndpoint({
  operationId: 'deleteRoomSip',
  method: 'delete',
  path: '/v1/rooms/{roomId}/sip',
  summary: 'Disable the dial-in of your room',
  tags: ['rooms'],
  access: ['user'],
  params: roomParams,
  responses: { 204: { description: 'Deleted; the conference id admits no caller any more' } },
  handle: async ({ principal, params }, deps) => {
    const me = requireUser(principal);
    await rooms(() => roomService(deps).deleteDialIn(me, params.roomId));
    return { status: 204 };
  },
});
