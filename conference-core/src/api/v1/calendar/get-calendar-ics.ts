import { z } from 'zod';

import { createCalendarFeedService } from '../../../calendar/index.js';
import { ApiProblem } from '../../problem.js';
import { defineEndpoint } from '../deps.js';

const notFound = () => new ApiProblem({ status: 404, code: 'not_found', title: 'No such calendar feed' });

/**
 * Your meetings as an iCalendar subscription for any calendar app. Calendar apps send no bearer
 * token: the secret `token` from `POST /v1/users/me/calendar_feed` is the credential. An unknown
 * or revoked token gets 404.
 */
export const getCalendarIcs = defineEndpoint({
  operationId: 'getCalendarIcs',
  method: 'get',
  path: '/v1/users/me/calendar.ics',
  summary: 'Your meetings as an iCalendar feed (authenticated by the secret feed token)',
  tags: ['users'],
  access: [],
  query: z.object({
    token: z
      .string()
      .min(1)
      .max(200)
      .describe('The secret token of the feed URL (POST /v1/users/me/calendar_feed)'),
  }),
  responses: {
    200: {
      description: 'The meetings you created or are invited to, 30 days back to 365 days ahead',
      contentType: 'text/calendar',
    },
  },
  handle: async ({ query }, deps) => {
    const body = await createCalendarFeedService(deps).render(query.token);
    if (body === undefined) throw notFound();
    return {
      status: 200,
      body,
      headers: { 'content-type': 'text/calendar; charset=utf-8', 'cache-control': 'private, max-age=300' },
    };
  },
});
