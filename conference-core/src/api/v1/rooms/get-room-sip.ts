import { defineEndpoint } from '../deps.js';
import { requireUser } from '../users/require-user.js';
import { dialInJson, dialInSchema, roomParams, rooms, roomService } from './room-support.js';

export const getRoomSip = defineEndpoint({
  operationId: 'getRoomSip',
  method: 'get',
  path: '/v1/rooms/{roomId}/sip',
  summary: 'The dial-in of your room',
  tags: ['rooms'],
  access: ['user'],
  params: roomParams,
  responses: { 200: { description: 'Conference id, PIN and lobby flag', schema: dialInSchema } },
  handle: async ({ principal, params }, deps) => {
    const me = requireUser(principal);
    const dialIn = await rooms(() => roomService(deps).dialIn(me, params.roomId));
    return { status: 200, body: dialInJson(dialIn, deps.dialInNumber) };
  },
});
