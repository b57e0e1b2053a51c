import { z } from 'zod';

import { instantSchema } from '../schemas.js';

import { defineEndpoint } from '../deps.js';
import { requirePermission } from '../users/require-permission.js';
import { requireUser } from '../users/require-user.js';
import {
  dateOrNull,
  guestLinkJson,
  guestLinkSchema,
  inviteParams,
  rooms,
  roomService,
} from './room-support.js';

/** Change a guest link's expiry (null: never) or switch it off and on. */
export const putRoomInvite = defineEndpoint({
  operationId: 'putRoomInvite',
  method: 'put',
  path: '/v1/rooms/{roomId}/invites/{inviteCode}',
  summary: 'Change or deactivate a guest link of your room',
  tags: ['rooms'],
  access: ['user'],
  params: inviteParams,
  body: z.strictObject({
    expiration: instantSchema
      .nullable()
      .optional()
      .describe('When the link stops admitting guests; null: never'),
    active: z.boolean().optional().describe('false switches the link off, true on again'),
  }),
  responses: { 200: { description: 'The changed guest link', schema: guestLinkSchema } },
  handle: async ({ principal, params, body }, deps) => {
    // Switching a link off never needs a permission; switching it on or changing its expiry does.
    if (body.active === true || body.expiration !== undefined) requirePermission(principal, 'invite_guests');
    const me = requireUser(principal);
    const expiresAt = dateOrNull(body.expiration);
    const link = await rooms(() =>
      roomService(deps).updateGuestLink(me, params.roomId, params.inviteCode, {
        ...(expiresAt === undefined ? {} : { expiresAt }),
        ...(body.active === undefined ? {} : { active: body.active }),
      }),
    );
    return { status: 200, body: guestLinkJson(link) };
  },
});
