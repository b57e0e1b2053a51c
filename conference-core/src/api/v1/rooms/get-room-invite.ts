import { defineEndpoint } from '../deps.js';
import { guestLinkJson, guestLinkSchema, inviteParams, roomGuestLink } from './room-support.js';

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
    const { link } = await roomGuestLink(principal, params.roomId, params.inviteCode, deps);
    return { status: 200, body: guestLinkJson(link) };
  },
});
