import { createDialInRepository } from '../../../storage/dial-in-repository.js';
import { defineEndpoint } from '../deps.js';
import { notFound, ownedRoom, roomParams } from './room-support.js';

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
    const { me, room } = await ownedRoom(principal, params.roomId, deps);
    const deleted = await createDialInRepository(deps.db).delete(me.tenantId, room.id);
    if (!deleted) throw notFound('The room has no dial-in');
    return { status: 204 };
  },
});
