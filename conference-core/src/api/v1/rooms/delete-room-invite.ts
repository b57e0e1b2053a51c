import { defineEndpoint } from '../deps.js';
import { requireUser } from '../users/require-user.js';
import { inviteParams, rooms, roomService } from './room-support.js';

export const deleteRoomInvite = defineEndpoint({
  operationId: 'deleteRoomInvite',
  method: 'delete',
  path: '/v1/rooms/{roomId}/invites/{inviteCode}',
  summary: 'Delete a guest link of your room',
  tags: ['rooms'],
  access: ['user'],
  params: inviteParams,
  responses: { 204: { description: 'Deleted; the code admits nobody any more' } },
  handle: async ({ principal, params }, deps) => {
    const me = requireUser(principal);
    await rooms(() => roomService(deps).deleteGuestLink(me, params.roomId, params.inviteCode));
    return { status: 204 };
  },
});
