import { z } from 'zod';

import { defineEndpoint } from '../deps.js';
import { requireUser } from '../users/require-user.js';
import {
  guestAccessSchema,
  roomJson,
  roomParams,
  roomPasswordSchema,
  roomSchema,
  rooms,
  roomService,
} from './room-support.js';

export const patchRoom = defineEndpoint({
  operationId: 'patchRoom',
  method: 'patch',
  path: '/v1/rooms/{roomId}',
  summary: 'Change the password, waiting room or guest access of your room',
  tags: ['rooms'],
  access: ['user'],
  params: roomParams,
  body: z
    .strictObject({
      password: roomPasswordSchema.nullable().optional().describe('The new room password; null removes it'),
      waiting_room: z.boolean().optional().describe('Whether everyone but the owner waits to be admitted'),
      guest_access: guestAccessSchema.optional(),
    })
    .refine((patch) => Object.keys(patch).length > 0, 'expected at least one field to change'),
  responses: { 200: { description: 'The changed room', schema: roomSchema } },
  handle: async ({ principal, params, body }, deps) => {
    const me = requireUser(principal);
    const room = await rooms(() =>
      roomService(deps).update(me, params.roomId, {
        ...(body.password === undefined ? {} : { password: body.password }),
        ...(body.waiting_room === undefined ? {} : { waitingRoom: body.waiting_room }),
        ...(body.guest_access === undefined ? {} : { guestAccess: body.guest_access }),
      }),
    );
    return { status: 200, body: roomJson(room, me.userId) };
  },
});
