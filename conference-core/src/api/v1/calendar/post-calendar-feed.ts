import { z } from 'zod';

import { createCalendarFeedRepository } from '../../../storage/calendar-feed-repository.js';
import { ApiProblem } from '../../problem.js';
import { defineEndpoint } from '../deps.js';
import { requireUser } from '../users/require-user.js';
import { feedUrl, newFeedToken } from './feed-token.js';

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
      schema: z.object({ url: z.url() }),
    },
  },
  handle: async ({ principal }, deps) => {
    const me = requireUser(principal);
    const { token, hash } = newFeedToken(me.tenantId);
    const stored = await createCalendarFeedRepository(deps.db).setTokenHash(me.tenantId, me.userId, hash);
    if (!stored) throw new ApiProblem({ status: 404, code: 'not_found', title: 'No such user' });
    return {
      status: 201,
      body: { url: feedUrl(deps.publicUrl, token) },
      headers: { 'cache-control': 'no-store' },
    };
  },
});
