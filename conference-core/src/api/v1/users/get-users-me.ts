import { z } from 'zod';

import { createUserService } from '../../../users/index.js';
import { ApiProblem } from '../../problem.js';
import { defineEndpoint } from '../deps.js';
import { permissions } from '../../../roles/permissions.js';
import { userProfile, userProfileSchema } from '../schemas.js';
import { requireUser } from './require-user.js';

export const getUsersMe = defineEndpoint({
  operationId: 'getUsersMe',
  method: 'get',
  path: '/v1/users/me',
  summary: 'The signed-in person',
  tags: ['users'],
  access: ['user'],
  responses: {
    200: {
      description: 'Your profile, and what you may do (decision 0027)',
      schema: userProfileSchema.extend({
        permissions: z
          .array(z.enum(permissions))
          .describe('Permissions you hold under your organization\'s group mapping, e.g. "schedule"'),
      }),
    },
  },
  handle: async ({ principal }, deps) => {
    const me = requireUser(principal);
    const user = await createUserService(deps).profile(me);
    if (user === undefined) throw new ApiProblem({ status: 404, code: 'not_found', title: 'No such user' });
    return { status: 200, body: { ...userProfile(user), permissions: me.permissions } };
  },
});
