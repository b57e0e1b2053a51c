import { defineEndpoint } from '../deps.js';
import { requireUser } from '../users/require-user.js';
import { roomParams, rooms, roomService } from './room-support.js';

/**
 * Deletes a room with its guest links and dial-in. A meeting's room is refused: deleting the
 * meeting (`DELETE /v1/events/{id}`) cancels it properly (outbox, cancellation mail) and removes
 * its room too, while deleting the room underneath would drop the meeting without a word.
 */
export const deleteRoom = defineEndpoint({
  operationId: 'deleteRoom',
  method: 'delete',
  path: '/v1/rooms/{roomId}',
  summary: 'Delete your room',
  tags: ['rooms'],
  access: ['user'],
  params: roomParams,
  responses: { 204: { description: 'Deleted' } },
  handle: async ({ principal, params }, deps) => {
    const me = requireUser(principal);
    await rooms(() => roomService(deps).delete(me, params.roomId));
    return { status: 204 };
  },
});
