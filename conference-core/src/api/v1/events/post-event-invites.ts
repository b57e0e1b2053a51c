import { z } from 'zod';

import { createUserRepository } from '../../../storage/user-repository.js';
import { defineEndpoint } from '../deps.js';
import { missingRole } from '../users/require-permission.js';
import { requireUser } from '../users/require-user.js';
import {
  actorOf,
  eventIdParams,
  eventService,
  inviteJson,
  inviteSchema,
  mutationOptions,
  mutationQuery,
  scheduling,
} from './event-support.js';

const inviteBody = z.union([
  z.strictObject({
    invitee: z.uuid().describe('A user of your tenant'),
    role: z.enum(['user', 'moderator']).default('user').describe('Their role in the meeting'),
  }),
  z.strictObject({
    email: z.email().max(320).describe('An address: a guest, or someone without an account yet'),
    role: z.enum(['guest', 'moderator']).default('guest').describe('Their role in the meeting'),
  }),
]);

export const postEventInvites = defineEndpoint({
  operationId: 'postEventInvites',
  method: 'post',
  path: '/v1/events/{eventId}/invites',
  summary: 'Invite a person (by user id) or an email address to a meeting you created',
  tags: ['events', 'invites'],
  access: ['user'],
  params: eventIdParams,
  query: mutationQuery,
  body: inviteBody,
  responses: {
    201: {
      description: 'The invite; an email of a registered user of your organization invites that user',
      schema: inviteSchema,
    },
  },
  handle: async ({ principal, params, query, body }, deps) => {
    // An address no account of the tenant has is a guest from outside (decision 0027).
    const me = requireUser(principal);
    if ('email' in body && !me.permissions.includes('invite_guests')) {
      const member = await createUserRepository(deps.db).findByEmail(me.tenantId, body.email);
      if (member === undefined) throw missingRole('invite_guests');
    }
    const invite = await scheduling(() =>
      eventService(deps).invite(actorOf(principal), params.eventId, body, mutationOptions(query)),
    );
    return { status: 201, body: inviteJson(invite) };
  },
});
