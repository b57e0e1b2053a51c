import { z } from 'zod';

import { createCalendarFeedService } from '../../../calendar/index.js';
import { ApiProblem } from '../../problem.js';
import { defineEndpoint } from '../deps.js';
import { requireUser } from '../users/require-user.js';

/**
 * A new secret URL of your ICS feed, shown only this once (only its hash is stored). Any
 * earlier URL stops working.
 */
export const postCalendarFeed = defineEndpoint({
  operationId: 'postCalendarFeed',
  method: 'post',
  path: '/v1/users/me/calendar_feed',
  summary: 'Create the secret URL of your calendar feed (revokes the previous one)',
  tags: ['users'],
  access: ['user'],
  responses: {
    201: {
      description: 'The feed URL; it is shown only once',
      schema: z.object({ url: z.url().describe('The secret feed URL to subscribe to') }),
    },
  },
  handle: async ({ principal }, deps) => {
    const me = requireUser(principal);
    const url = await createCalendarFeedService(deps).issue(me);
    if (url === undefined) throw new ApiProblem({ status: 404, code: 'not_found', title: 'No such user' });
    return {
      status: 201,
      body: { url },
      headers: { 'cache-control': 'no-store' },
    };
  },
});
