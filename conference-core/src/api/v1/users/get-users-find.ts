import { z } from 'zod';

import { createUserService } from '../../../users/index.js';
import { defineEndpoint } from '../deps.js';
import { publicUser, publicUserSchema } from '../schemas.js';
import { requireUser } from './require-user.js';

/** People of your tenant whose email or name starts with the query, for inviting them. */
export const getUsersFind = defineEndpoint({
  operationId: 'getUsersFind',
  method: 'get',
  path: '/v1/users/find',
  summary: 'Find people to invite',
  tags: ['users'],
  access: ['user'],
  query: z.object({
    q: z
      .string()
      .trim()
      .min(1, 'expected at least one character')
      .max(100)
      .describe('The start of an email address or name'),
    limit: z.coerce.number().int().min(1).max(50).default(20).describe('People at most'),
  }),
  responses: { 200: { description: 'Matching people', schema: z.array(publicUserSchema) } },
  handle: async ({ principal, query }, deps) => {
    const me = requireUser(principal);
    const users = await createUserService(deps).search(me, query.q, query.limit);
    return { status: 200, body: users.map(publicUser) };
  },
});
