import {
  ApiProblem,
  createConnectorAuditRepository,
  createSyncRunRepository,
  requireTenantAdmin,
} from '@vc/conference-core';

import { defineAdminEndpoint } from './deps.js';
import { findRunOr404, publicRun, runIdParams, runSchema } from './schemas.js';

/** The approve and reject endpoints differ only in the decision; each has its own file. */
export function decisionEndpoint(decision: 'approve' | 'reject') {
  const approve = decision === 'approve';
  return defineAdminEndpoint({
    operationId: approve ? 'postConnectorRunApprove' : 'postConnectorRunReject',
    method: 'post',
    path: `/v1/admin/connectors/{connectorId}/runs/{runId}/${decision}`,
    summary: approve
      ? 'Approve a guarded run: apply the deactivations it holds'
      : 'Reject a guarded run: discard the deactivations it holds',
    tags: ['admin'],
    access: ['user'],
    params: runIdParams,
    responses: { 200: { description: 'The decided run', schema: runSchema } },
    handle: async ({ principal, params }, deps) => {
      const admin = requireTenantAdmin(principal);
      const run = await findRunOr404(deps.db, admin.tenantId, params.connectorId, params.runId);
      const result = approve
        ? await deps.engine.approve(admin.tenantId, run.id, admin.userId)
        : await deps.engine.reject(admin.tenantId, run.id, admin.userId);
      if (!result.ok) {
        throw result.reason === 'not_found'
          ? new ApiProblem({ status: 404, code: 'not_found', title: 'No such sync run' })
          : new ApiProblem({
              status: 409,
              code: 'conflict',
              title: 'The run is not waiting for approval',
              detail: `It is ${run.state}.`,
            });
      }
      await createConnectorAuditRepository(deps.db).append(admin.tenantId, {
        instanceId: run.instanceId,
        actor: admin.userId,
        action: approve ? 'run.approved' : 'run.rejected',
        details: { run: run.id, deactivated: result.deactivated },
      });
      const decided = await createSyncRunRepository(deps.db).findById(admin.tenantId, run.id);
      return { status: 200, body: publicRun(decided ?? run) };
    },
  });
}
