import { requireTenantAdmin } from '@vc/conference-core';

import { createConnectorLifecycle } from '../connectors/connector-lifecycle.js';
import { defineAdminEndpoint } from './deps.js';
import { connectorIdParams, findInstanceOr404 } from './schemas.js';

/** Deletes a connector, its schedules and runs; the users it brought in stay (as they are). */
export const deleteConnector = defineAdminEndpoint({
  operationId: 'deleteConnector',
  method: 'delete',
  path: '/v1/admin/connectors/{connectorId}',
  summary: 'Delete a connector',
  tags: ['admin'],
  access: ['user'],
  params: connectorIdParams,
  responses: { 204: { description: 'Deleted' } },
  handle: async ({ principal, params }, deps) => {
    const admin = requireTenantAdmin(principal);
    const instance = await findInstanceOr404(deps.db, admin.tenantId, params.connectorId);
    await createConnectorLifecycle(deps).delete(
      admin.tenantId,
      {
        actor: admin.userId,
        details: { type: instance.connectorType, name: instance.name },
      },
      instance,
    );
    deps.connectorChanged?.(admin.tenantId, instance.id);
    return { status: 204 };
  },
});
