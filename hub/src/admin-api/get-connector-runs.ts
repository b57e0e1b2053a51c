import { z } from 'zod';

import { createSyncRunRepository, requireTenantAdmin } from '@vc/conference-core';

import { defineAdminEndpoint } from './deps.js';
import { connectorIdParams, findInstanceOr404, publicRun, runSchema } from './schemas.js';

export const getConnectorRuns = defineAdminEndpoint({
  operationId: 'getConnectorRuns',
  method: 'get',
  path: '/v1/admin/connectors/{connectorId}/runs',
  summary: 'Recent sync runs of a connector, newest first, with live counters',
  tags: ['admin'],
  access: ['user'],
  params: connectorIdParams,
  query: z.object({
    limit: z.coerce.number().int().min(1).max(100).default(20).describe('At most this many, newest first'),
  }),
  responses: {
    200: {
      description: 'Runs',
      schema: z.object({ items: z.array(runSchema).describe('Runs, newest first') }),
    },
  },
  handle: async ({ principal, params, query }, deps) => {
    const admin = requireTenantAdmin(principal);
    const instance = await findInstanceOr404(deps.db, admin.tenantId, params.connectorId);
    const runs = await createSyncRunRepository(deps.db).listForInstance(
      admin.tenantId,
      instance.id,
      query.limit,
    );
    return { status: 200, body: { items: runs.map(publicRun) } };
  },
});
