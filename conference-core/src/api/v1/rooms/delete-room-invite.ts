import { createGuestLinkRepository } from '../../../storage/guest-link-repository.js';
import { defineEndpoint } from '../deps.js';
import { inviteParams, notFound, roomGuestLink } from './room-support.js';

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
    const { me, link } = await roomGuestLink(principal, params.roomId, params.inviteCode, deps);
    const deleted = await createGuestLinkRepository(deps.db).delete(me.tenantId, link.code);
    if (!deleted) throw notFound('No such guest link');
    return { status: 204 };
  },
});
