import { createCalendarFeedService } from '../../../calendar/index.js';
import { ApiProblem } from '../../problem.js';
import { defineEndpoint } from '../deps.js';
import { requireUser } from '../users/require-user.js';

export const deleteCalendarFeed = defineEndpoint({
  operationId: 'deleteCalendarFeed',
  method: 'delete',
  path: '/v1/users/me/calendar_feed',
  summary: 'Revoke the secret URL of your calendar feed',
  tags: ['users'],
  access: ['user'],
  responses: { 204: { description: 'The feed URL no longer works' } },
  handle: async ({ principal }, deps) => {
    const me = requireUser(principal);
    const revoked = await createCalendarFeedService(deps).revoke(me);
    if (!revoked)
      throw new ApiProblem({ status: 404, code: 'not_found', title: 'You have no calendar feed' });
    return { status: 204 };
  },
});
