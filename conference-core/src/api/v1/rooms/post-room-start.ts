import { z } from 'zod';

import type { JsonValue } from '../../../json.js';
import { ApiProblem } from '../../problem.js';
import { defineEndpoint } from '../deps.js';
import {
  checkSecret,
  issueTicket,
  notFound,
  roomParams,
  roomService,
  sourceKey,
  startResponseSchema,
} from './room-support.js';

/**
 * Join a room: checks who may enter and with which role, then hands out a single-use signaling
 * ticket valid for 30 s. A signed-in person may start any room of their tenant (the owner as
 * moderator); a guest (`Authorization: InviteCode <code>`) only the room of its code, and only
 * while the room admits guests. The room password is asked of everyone but the owner.
 */
export const postRoomStart = defineEndpoint({
  operationId: 'postRoomStart',
  method: 'post',
  path: '/v1/rooms/{roomId}/start',
  summary: 'Get a signaling ticket to join a room',
  tags: ['rooms'],
  access: ['user', 'guest'],
  params: roomParams,
  body: z
    .strictObject({
      password: z.string().max(100).optional().describe('The room password, when the room has one'),
    })
    .optional(),
  responses: { 200: { description: 'A single-use ticket and where to use it', schema: startResponseSchema } },
  handle: async ({ principal, params, body, ip }, deps) => {
    if (principal?.kind !== 'user' && principal?.kind !== 'guest') {
      throw new ApiProblem({
        status: 403,
        code: 'forbidden',
        title: 'Only people and guests may join rooms',
      });
    }
    if (principal.kind === 'guest' && principal.roomId !== params.roomId) {
      throw new ApiProblem({
        status: 403,
        code: 'forbidden',
        title: 'Not allowed',
        detail: 'This invite code opens another room.',
      });
    }
    const room = await roomService(deps).find(principal.tenantId, params.roomId);
    if (room === undefined) throw notFound();
    const isOwner = principal.kind === 'user' && room.ownerId === principal.userId;
    if (principal.kind === 'guest' && room.guestAccess === 'disabled') {
      throw new ApiProblem({
        status: 403,
        code: 'forbidden',
        title: 'Not allowed',
        detail: 'This room does not admit guests.',
      });
    }
    if (room.password !== null && !isOwner) {
      if (body?.password === undefined) {
        throw new ApiProblem({
          status: 401,
          code: 'unauthorized',
          title: 'Access denied',
          detail: 'room password required',
        });
      }
      await checkSecret(
        deps,
        // Guests' failures and members' failures count apart: a guest-link holder guessing
        // cannot lock the room for its members (members still slow each other down).
        { source: sourceKey(ip), target: `room:${room.id}:${principal.kind}` },
        body.password,
        room.password,
        'wrong room password',
      );
    }
    const participant: { [key: string]: JsonValue } =
      principal.kind === 'user'
        ? { kind: 'user', user_id: principal.userId }
        : { kind: 'guest', invite_code: principal.inviteCode };
    const role = principal.kind === 'guest' ? 'guest' : isOwner ? 'moderator' : 'user';
    // The owner never waits; guests wait when the room says so or when it admits them only via the waiting room.
    const waitingRoom = isOwner
      ? false
      : room.waitingRoom || (principal.kind === 'guest' && room.guestAccess === 'waiting_room');
    const answer = await issueTicket(
      { tenant_id: room.tenantId, room_id: room.id, participant, role, waiting_room: waitingRoom },
      deps,
    );
    return { status: 200, body: answer };
  },
});
