import { z } from 'zod';

import { defineEndpoint } from '../deps.js';
import { requirePermission } from '../users/require-permission.js';
import {
  dialInJson,
  dialInSchema,
  guestAccessSchema,
  roomJson,
  roomPasswordSchema,
  roomSchema,
  rooms,
  roomService,
} from './room-support.js';

export const postRooms = defineEndpoint({
  operationId: 'postRooms',
  method: 'post',
  path: '/v1/rooms',
  summary: 'Create a room',
  tags: ['rooms'],
  access: ['user'],
  body: z.strictObject({
    password: roomPasswordSchema.nullable().optional(),
    waiting_room: z.boolean().optional().describe('Whether everyone but the owner waits to be admitted'),
    guest_access: guestAccessSchema.optional(),
    enable_sip: z.boolean().optional().describe('Also give the room a dial-in (conference id and PIN)'),
  }),
  responses: {
    201: {
      description: 'The new room (with its dial-in when enable_sip was set)',
      schema: roomSchema.extend({
        sip: dialInSchema.optional().describe('The dial-in, when enable_sip was set'),
      }),
    },
  },
  handle: async ({ principal, body }, deps) => {
    // Decision 0027: creating a room is scheduling; one with a dial-in also needs dial_in.
    const me = requirePermission(principal, 'schedule');
    if (body.enable_sip === true) requirePermission(principal, 'dial_in');
    const created = await rooms(() =>
      roomService(deps).create(me, {
        ...(body.password === undefined ? {} : { password: body.password }),
        ...(body.waiting_room === undefined ? {} : { waitingRoom: body.waiting_room }),
        ...(body.guest_access === undefined ? {} : { guestAccess: body.guest_access }),
        withDialIn: body.enable_sip === true,
      }),
    );
    return {
      status: 201,
      body: {
        ...roomJson(created.room, me.userId),
        ...(created.dialIn === undefined ? {} : { sip: dialInJson(created.dialIn, deps.dialInNumber) }),
      },
    };
  },
});
