import { z } from 'zod';

import { instantSchema } from '../schemas.js';

import { createGuestLinkRepository } from '../../../storage/guest-link-repository.js';
import { defineEndpoint } from '../deps.js';
import { requirePermission } from '../users/require-permission.js';
import {
  futureExpiration,
  guestLinkJson,
  guestLinkSchema,
  notFound,
  ownedRoom,
  roomParams,
} from './room-support.js';

export const postRoomInvites = defineEndpoint({
  operationId: 'postRoomInvites',
  method: 'post',
  path: '/v1/rooms/{roomId}/invites',
  summary: 'Create a guest link for your room',
  tags: ['rooms'],
  access: ['user'],
  params: roomParams,
  body: z.strictObject({ expiration: instantSchema.nullable().optional() }).optional(),
  responses: { 201: { description: 'The new guest link', schema: guestLinkSchema } },
  handle: async ({ principal, params, body }, deps) => {
    requirePermission(principal, 'invite_guests');
    const { me, room } = await ownedRoom(principal, params.roomId, deps);
    const expiresAt = futureExpiration(body?.expiration, deps.now());
    const created = await createGuestLinkRepository(deps.db).create(me.tenantId, room.id, {
      createdBy: me.userId,
      ...(expiresAt === undefined ? {} : { expiresAt }),
    });
    if (!created.ok) throw notFound();
    return { status: 201, body: guestLinkJson(created.link) };
  },
});
