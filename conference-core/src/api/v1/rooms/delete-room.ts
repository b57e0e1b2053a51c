import { createRoomRepository } from '../../../storage/room-repository.js';
import { ApiProblem } from '../../problem.js';
import { defineEndpoint } from '../deps.js';
import { notFound, ownedRoom, roomParams } from './room-support.js';

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
    const { me } = await ownedRoom(principal, params.roomId, deps);
    const meeting = await deps.db
      .selectFrom('events')
      .select('id')
      .where('tenant_id', '=', me.tenantId)
      .where('room_id', '=', params.roomId)
      .executeTakeFirst();
    if (meeting !== undefined) {
      throw new ApiProblem({
        status: 409,
        code: 'conflict',
        title: 'This room belongs to a meeting',
        detail: `Delete the meeting instead: DELETE /v1/events/${meeting.id}.`,
      });
    }
    const deleted = await createRoomRepository(deps.db).delete(me.tenantId, params.roomId);
    if (!deleted) throw notFound();
    return { status: 204 };
  },
});
