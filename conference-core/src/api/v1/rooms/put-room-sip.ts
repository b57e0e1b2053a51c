import { z } from 'zod';

import { DIAL_IN_PIN_PATTERN } from '../../../storage/dial-in-repository.js';
import { defineEndpoint } from '../deps.js';
import { requirePermission } from '../users/require-permission.js';
import { dialInJson, dialInSchema, roomParams, rooms, roomService } from './room-support.js';

/**
 * Creates the room's dial-in (a fresh 10-digit conference id, and a random 6-digit PIN unless one
 * is given) or changes the PIN and lobby flag of the existing one; the conference id never changes,
 * so numbers already sent in invitations keep working.
 */
export const putRoomSip = defineEndpoint({
  operationId: 'putRoomSip',
  method: 'put',
  path: '/v1/rooms/{roomId}/sip',
  summary: 'Enable or change the dial-in of your room',
  tags: ['rooms'],
  access: ['user'],
  params: roomParams,
  body: z
    .strictObject({
      password: z
        .string()
        .regex(DIAL_IN_PIN_PATTERN, 'expected 4 to 12 digits')
        .optional()
        .describe('The PIN callers type (default for a new dial-in: 6 random digits)'),
      lobby: z.boolean().optional().describe('Whether callers wait in the waiting room until admitted'),
    })
    .optional(),
  responses: {
    200: { description: 'The changed dial-in', schema: dialInSchema },
    201: { description: 'The new dial-in', schema: dialInSchema },
  },
  handle: async ({ principal, params, body }, deps) => {
    const me = requirePermission(principal, 'dial_in');
    const { created, dialIn } = await rooms(() =>
      roomService(deps).setDialIn(me, params.roomId, {
        ...(body?.password === undefined ? {} : { pin: body.password }),
        ...(body?.lobby === undefined ? {} : { lobby: body.lobby }),
      }),
    );
    return { status: created ? 201 : 200, body: dialInJson(dialIn, deps.dialInNumber) };
  },
});
