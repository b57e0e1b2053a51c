import { defineEndpoint } from '../deps.js';
import { requireUser } from '../users/require-user.js';
import { guestLinkJson, guestLinkSchema, inviteParams, rooms, roomService } from './room-support.js';

export const getRoomInvite = defineEndpoint({
  operationId: 'getRoomInvite',
  method: 'get',
  path: '/v1/rooms/{roomId}/invites/{inviteCode}',
  summary: 'One guest link of your room',
  tags: ['rooms'],
  access: ['user'],
  params: inviteParams,
  responses: { 200: { description: 'The guest link', schema: guestLinkSchema } },
  handle: async ({ principal, params }, deps) => {
    const me = requireUser(principal);
    const link = await rooms(() => roomService(deps).guestLink(me, params.roomId, params.inviteCode));
    return { status: 200, body: guestLinkJson(link) };
  },
});
