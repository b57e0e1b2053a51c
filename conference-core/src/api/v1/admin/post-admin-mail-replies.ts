import { z } from 'zod';

import { applyImipReply, parseImipReply } from '../../../mail/imip-reply.js';
import { ApiProblem, validationProblem } from '../../problem.js';
import { defineEndpoint } from '../deps.js';
import { requireTenantAdmin } from '../users/require-tenant-admin.js';

export const postAdminMailReplies = defineEndpoint({
  operationId: 'postAdminMailReplies',
  method: 'post',
  path: '/v1/admin/mail/replies',
  summary:
    'Take in an iMIP REPLY (an accept, tentative or decline sent by a calendar app) and record it on the invite',
  tags: ['admin', 'mail'],
  access: ['user'],
  body: z.object({
    ics: z.string().min(1).max(200_000).describe('The text/calendar part of the reply mail, METHOD:REPLY'),
  }),
  responses: {
    200: {
      description: 'The answer is recorded on the invite',
      schema: z.object({
        invite_id: z.uuid().describe('The invitation the answer was recorded on'),
        event_id: z.uuid().describe('The meeting'),
        status: z.enum(['accepted', 'tentative', 'declined']).describe('The answer'),
      }),
    },
    404: { description: 'No such event in your tenant, or the attendee is not invited to it' },
    422: { description: 'Not a usable REPLY' },
  },
  handle: async ({ principal, body }, deps) => {
    const admin = requireTenantAdmin(principal);
    const parsed = await parseImipReply(body.ics);
    if (!parsed.ok) throw validationProblem([{ field: 'body.ics', message: parsed.message }]);
    const result = await applyImipReply(deps.db, admin.tenantId, parsed.reply);
    if (!result.ok) {
      throw new ApiProblem({
        status: 404,
        code: 'not_found',
        title:
          result.reason === 'event_not_found' ? 'No such event' : 'The attendee is not invited to this event',
      });
    }
    deps.outboxWritten();
    return {
      status: 200,
      body: { invite_id: result.inviteId, event_id: result.eventId, status: result.status },
    };
  },
});
