import { z } from 'zod';

import { createMailRepository } from '../../../mail/mail-repository.js';
import { defineEndpoint } from '../deps.js';
import { requireTenantAdmin } from '../users/require-tenant-admin.js';
import { mailDeliveryJson, mailDeliverySchema, mailListQuery } from './mail-support.js';

export const getAdminMailDeadLetters = defineEndpoint({
  operationId: 'getAdminMailDeadLetters',
  method: 'get',
  path: '/v1/admin/mail/dead-letters',
  summary: 'Invitation mails of your tenant that could not be delivered (tenant administrators)',
  tags: ['admin', 'mail'],
  access: ['user'],
  query: mailListQuery,
  responses: {
    200: {
      description: 'Mails given up on (a permanent 5xx reply, or out of tries), newest first',
      schema: z.object({ items: z.array(mailDeliverySchema).describe('Mails given up, newest first') }),
    },
  },
  handle: async ({ principal, query }, deps) => {
    const admin = requireTenantAdmin(principal);
    const dead = await createMailRepository(deps.db).listByStatus(admin.tenantId, 'dead', query.limit);
    return { status: 200, body: { items: dead.map(mailDeliveryJson) } };
  },
});
