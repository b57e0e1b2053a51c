import { z } from 'zod';

import { createMailRepository } from '../../../mail/mail-repository.js';
import { ApiProblem } from '../../problem.js';
import { defineEndpoint } from '../deps.js';
import { requireTenantAdmin } from '../users/require-tenant-admin.js';
import { mailListQuery, outboxMailJson, outboxMailSchema } from './mail-support.js';

export const getAdminMailOutbox = defineEndpoint({
  operationId: 'getAdminMailOutbox',
  method: 'get',
  path: '/v1/admin/mail/outbox',
  summary:
    'Invitation mails of your tenant written to the outbox folder (embedded mode; tenant administrators)',
  tags: ['admin', 'mail'],
  access: ['user'],
  query: mailListQuery,
  responses: {
    200: {
      description: 'Mails written as .eml files to DATA_DIR/mail-outbox, newest first',
      schema: z.object({
        directory: z.string().describe('The outbox folder on the server'),
        items: z.array(outboxMailSchema).describe('The mails written there, newest first'),
      }),
    },
    409: { description: 'Mail goes to an SMTP server (SMTP_URL is set); there is no outbox folder' },
  },
  handle: async ({ principal, query }, deps) => {
    const admin = requireTenantAdmin(principal);
    if (deps.mailOutboxDir === undefined) {
      throw new ApiProblem({
        status: 409,
        code: 'conflict',
        title: 'There is no mail outbox folder',
        detail:
          'Mail is sent through SMTP (SMTP_URL is set); undeliverable mail is at /v1/admin/mail/dead-letters.',
      });
    }
    const sent = await createMailRepository(deps.db).listByStatus(admin.tenantId, 'sent', query.limit);
    return { status: 200, body: { directory: deps.mailOutboxDir, items: sent.map(outboxMailJson) } };
  },
});
