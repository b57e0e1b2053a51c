import { z } from 'zod';

import {
  ApiProblem,
  createConnectorAuditRepository,
  requireTenantAdmin,
  validationProblem,
} from '@vc/conference-core';

import { defineAdminEndpoint } from './deps.js';
import { connectorIdParams, findInstanceOr404, publicRun, runSchema } from './schemas.js';

export const postConnectorRuns = defineAdminEndpoint({
  operationId: 'postConnectorRuns',
  method: 'post',
  path: '/v1/admin/connectors/{connectorId}/runs',
  summary: 'Start a sync run now (full or incremental, optionally a dry run)',
  tags: ['admin'],
  access: ['user'],
  params: connectorIdParams,
  body: z.object({
    mode: z
      .enum(['full', 'incremental'])
      .describe('full: the whole directory; incremental: changes since the cursor'),
    dry_run: z.boolean().default(false).describe('True: only report what the run would change'),
  }),
  responses: { 202: { description: 'Queued; poll the run for progress', schema: runSchema } },
  handle: async ({ principal, params, body }, deps) => {
    const admin = requireTenantAdmin(principal);
    const instance = await findInstanceOr404(deps.db, admin.tenantId, params.connectorId);
    const result = await deps.engine.requestRun(admin.tenantId, instance.id, {
      mode: body.mode,
      dryRun: body.dry_run,
      trigger: 'manual',
      actor: admin.userId,
    });
    if (!result.ok) {
      switch (result.reason) {
        case 'run_open':
          throw new ApiProblem({
            status: 409,
            code: 'conflict',
            title: 'A run of this connector is already active',
            detail: `Run ${result.openRunId} is queued, running or waiting for approval; one run per connector at a time.`,
          });
        case 'incremental_unsupported':
          throw validationProblem([{ field: 'body.mode', message: 'this connector only runs full syncs' }]);
        case 'instance_not_found':
        case 'disabled':
          throw new ApiProblem({ status: 404, code: 'not_found', title: 'No such connector' });
      }
    }
    await createConnectorAuditRepository(deps.db).append(admin.tenantId, {
      instanceId: instance.id,
      actor: admin.userId,
      action: 'run.started',
      details: { run: result.run.id, mode: body.mode, dry_run: body.dry_run },
    });
    return {
      status: 202,
      body: publicRun(result.run),
      headers: { location: `${params.connectorId}/runs/${result.run.id}` },
    };
  },
});
