import { z } from 'zod';

import { ApiProblem } from '../../problem.js';
import { defineEndpoint } from '../deps.js';
import { guestAccessSchema, notFound, roomService } from './room-support.js';

/**
 * What a guest link opens (`Authorization: InviteCode <code>`): the room to start, and whether its
 * password will be asked. The web client's `/invite/<code>` page needs it before the lobby; an
 * unknown, deactivated or expired code is refused by authentication already (401 `invalid_token`).
 */
export const getInviteRoom = defineEndpoint({
  operationId: 'getInviteRoom',
  method: 'get',
  path: '/v1/invite/room',
  summary: 'The room a guest link opens',
  tags: ['rooms'],
  access: ['guest'],
  responses: {
    200: {
      description: 'The room behind the invite code',
      schema: z.object({
        room_id: z.uuid().describe('The room to start'),
        password_required: z.boolean().describe('Whether starting the room asks for its password'),
        guest_access: guestAccessSchema,
      }),
    },
  },
  handle: async ({ principal }, deps) => {
    if (principal?.kind !== 'guest') {
      throw new ApiProblem({ status: 403, code: 'forbidden', title: 'Only invite codes open this' });
    }
    const room = await roomService(deps).find(principal.tenantId, principal.roomId);
    if (room === undefined) throw notFound();
    return {
      status: 200,
      body: { room_id: room.id, password_required: room.password !== null, guest_access: room.guestAccess },
    };
  },
});
