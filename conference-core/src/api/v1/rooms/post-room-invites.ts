import { z } from 'zod';

import { instantSchema } from '../schemas.js';

import { defineEndpoint } from '../deps.js';
import { requirePermission } from '../users/require-permission.js';
import {
  dateOrNull,
  guestLinkJson,
  guestLinkSchema,
  roomParams,
  rooms,
  roomService,
} from './room-support.js';

export const postRoomInvites = defineEndpoint({
  operationId: 'postRoomInvites',
  method: 'post',
  path: '/v1/rooms/{roomId}/invites',
  summary: 'Create a guest link for your room',
  tags: ['rooms'],
  access: ['user'],
  params: roomParams,
  body: z
    .strictObject({
      expiration: instantSchema
        .nullable()
        .optional()
        .describe('When the link stops admitting guests; absent or null: never'),
    })
    .optional(),
  responses: { 201: { description: 'The new guest link', schema: guestLinkSchema } },
  handle: async ({ principal, params, body }, deps) => {
    const me = requirePermission(principal, 'invite_guests');
    const link = await rooms(() =>
      roomService(deps).createGuestLink(me, params.roomId, dateOrNull(body?.expiration)),
    );
    return { status: 201, body: guestLinkJson(link) };
  },
});
