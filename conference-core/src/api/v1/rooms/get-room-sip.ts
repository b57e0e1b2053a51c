import { createDialInRepository } from '../../../storage/dial-in-repository.js';
import { defineEndpoint } from '../deps.js';
import { dialInJson, dialInSchema, notFound, ownedRoom, roomParams } from './room-support.js';

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
    const { me, room } = await ownedRoom(principal, params.roomId, deps);
    const dialIn = await createDialInRepository(deps.db).get(me.tenantId, room.id);
    if (dialIn === undefined) throw notFound('The room has no dial-in');
    return { status: 200, body: dialInJson(dialIn, deps.dialInNumber) };
  },
});
