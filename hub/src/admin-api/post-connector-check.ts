import { z } from 'zod';

import { createConnectorAuditRepository, requireTenantAdmin } from '@vc/conference-core';

import { defineAdminEndpoint } from './deps.js';
import { connectorIdParams, findInstanceOr404 } from './schemas.js';

/** "Test connection": the connector's own check with the stored settings; the outcome is the answer. */
export const postConnectorCheck = defineAdminEndpoint({
  operationId: 'postConnectorCheck',
  method: 'post',
  path: '/v1/admin/connectors/{connectorId}/check',
  summary: 'Test the connection and credentials of a connector',
  tags: ['admin'],
  access: ['user'],
  params: connectorIdParams,
  responses: {
    200: {
      description: 'Whether the upstream answered with these settings',
      schema: z.object({
        ok: z.boolean().describe('True when the connector reached its upstream with these settings'),
        code: z.string().optional().describe('Why not, as a stable code'),
        message: z.string().optional().describe('Why not, for people'),
      }),
    },
  },
  handle: async ({ principal, params }, deps) => {
    const admin = requireTenantAdmin(principal);
    const instance = await findInstanceOr404(deps.db, admin.tenantId, params.connectorId);
    const result = await deps.engine.check(instance);
    await createConnectorAuditRepository(deps.db).append(admin.tenantId, {
      instanceId: instance.id,
      actor: admin.userId,
      action: 'connector.checked',
      details: { ok: result.ok, ...(result.ok ? {} : { code: result.code }) },
    });
    return { status: 200, body: result };
  },
});
