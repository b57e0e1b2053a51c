import {
  createConnectorAuditRepository,
  createConnectorInstanceRepository,
  requireTenantAdmin,
} from '@vc/conference-core';

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
    await deps.engine.removeSchedules(instance.id);
    await createConnectorInstanceRepository(deps.db).delete(admin.tenantId, instance.id);
    await createConnectorAuditRepository(deps.db).append(admin.tenantId, {
      instanceId: instance.id,
      actor: admin.userId,
      action: 'connector.deleted',
      details: { type: instance.connectorType, name: instance.name },
    });
    deps.connectorChanged?.(admin.tenantId, instance.id);
    return { status: 204 };
  },
});
