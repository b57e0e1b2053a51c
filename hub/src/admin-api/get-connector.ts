import { requireTenantAdmin } from '@vc/conference-core';

import { defineAdminEndpoint } from './deps.js';
import { connectorIdParams, findInstanceOr404, instanceSchema, publicInstance } from './schemas.js';

export const getConnector = defineAdminEndpoint({
  operationId: 'getConnector',
  method: 'get',
  path: '/v1/admin/connectors/{connectorId}',
  summary: 'A connector with its health, current and last run',
  tags: ['admin'],
  access: ['user'],
  params: connectorIdParams,
  responses: { 200: { description: 'The connector', schema: instanceSchema } },
  handle: async ({ principal, params }, deps) => {
    const admin = requireTenantAdmin(principal);
    const instance = await findInstanceOr404(deps.db, admin.tenantId, params.connectorId);
    return { status: 200, body: await publicInstance(deps.db, instance) };
  },
});
