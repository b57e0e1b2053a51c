import { z } from 'zod';

import { createDialInRepository } from '../../../storage/dial-in-repository.js';
import { inTransaction } from '../../../storage/repository-support.js';
import { createRoomRepository } from '../../../storage/room-repository.js';
import { ApiProblem } from '../../problem.js';
import { defineEndpoint } from '../deps.js';
import { requirePermission } from '../users/require-permission.js';
import {
  dialInJson,
  dialInSchema,
  guestAccessSchema,
  roomJson,
  roomPasswordSchema,
  roomSchema,
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
    waiting_room: z.boolean().optional(),
    guest_access: guestAccessSchema.optional(),
    /** Also give the room a dial-in number (conference id and PIN). */
    enable_sip: z.boolean().optional(),
  }),
  responses: {
    201: {
      description: 'The new room (with its dial-in when enable_sip was set)',
      schema: roomSchema.extend({ sip: dialInSchema.optional() }),
    },
  },
  handle: async ({ principal, body }, deps) => {
    // Decision 0027: creating a room is scheduling; one with a dial-in also needs dial_in.
    const me = requirePermission(principal, 'schedule');
    if (body.enable_sip === true) requirePermission(principal, 'dial_in');
    const created = await inTransaction(deps.db, async (db) => {
      const result = await createRoomRepository(db).create(me.tenantId, {
        ownerId: me.userId,
        ...(body.password === undefined ? {} : { password: body.password }),
        ...(body.waiting_room === undefined ? {} : { waitingRoom: body.waiting_room }),
        ...(body.guest_access === undefined ? {} : { guestAccess: body.guest_access }),
      });
      if (!result.ok) return result;
      if (body.enable_sip !== true) return { ok: true as const, room: result.room, dialIn: undefined };
      const assigned = await createDialInRepository(db).assign(me.tenantId, result.room.id, {});
      if (!assigned.ok) throw new Error(`a new room has no dial-in to assign: ${assigned.reason}`);
      return { ok: true as const, room: result.room, dialIn: assigned.dialIn };
    });
    if (!created.ok) throw new ApiProblem({ status: 404, code: 'not_found', title: 'No such user' });
    return {
      status: 201,
      body: {
        ...roomJson(created.room, me.userId),
        ...(created.dialIn === undefined ? {} : { sip: dialInJson(created.dialIn, deps.dialInNumber) }),
      },
    };
  },
});
