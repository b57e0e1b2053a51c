import { z } from 'zod';

import { createDialInRepository, DIAL_IN_PIN_PATTERN } from '../../../storage/dial-in-repository.js';
import { defineEndpoint } from '../deps.js';
import { requirePermission } from '../users/require-permission.js';
import { dialInJson, dialInSchema, notFound, ownedRoom, roomParams } from './room-support.js';

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
      password: z.string().regex(DIAL_IN_PIN_PATTERN, 'expected 4 to 12 digits').optional(),
      lobby: z.boolean().optional(),
    })
    .optional(),
  responses: {
    200: { description: 'The changed dial-in', schema: dialInSchema },
    201: { description: 'The new dial-in', schema: dialInSchema },
  },
  handle: async ({ principal, params, body }, deps) => {
    requirePermission(principal, 'dial_in');
    const { me, room } = await ownedRoom(principal, params.roomId, deps);
    const settings = {
      ...(body?.password === undefined ? {} : { pin: body.password }),
      ...(body?.lobby === undefined ? {} : { lobby: body.lobby }),
    };
    const dialIns = createDialInRepository(deps.db);
    if ((await dialIns.get(me.tenantId, room.id)) === undefined) {
      const assigned = await dialIns.assign(me.tenantId, room.id, settings);
      if (assigned.ok) return { status: 201, body: dialInJson(assigned.dialIn, deps.dialInNumber) };
      if (assigned.reason === 'room_not_found') throw notFound();
      // Assigned concurrently: fall through and change it like an existing one.
    }
    const updated = await dialIns.update(me.tenantId, room.id, settings);
    if (updated === undefined) throw notFound('The room has no dial-in');
    return { status: 200, body: dialInJson(updated, deps.dialInNumber) };
  },
});
