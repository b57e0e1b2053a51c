import { createSyncRunRepository, requireTenantAdmin } from '@vc/conference-core';

import { defineAdminEndpoint } from './deps.js';
import { findRunOr404, publicRunDetail, runDetailSchema, runIdParams } from './schemas.js';

/** Skipped records shown with a run (all are counted in `counters.skipped`). */
const SKIPPED_SHOWN = 200;

export const getConnectorRun = defineAdminEndpoint({
  operationId: 'getConnectorRun',
  method: 'get',
  path: '/v1/admin/connectors/{connectorId}/runs/{runId}',
  summary: 'One sync run: state, live counters, error, skipped records with reasons, dry-run diff',
  tags: ['admin'],
  access: ['user'],
  params: runIdParams,
  responses: { 200: { description: 'The run', schema: runDetailSchema } },
  handle: async ({ principal, params }, deps) => {
    const admin = requireTenantAdmin(principal);
    const run = await findRunOr404(deps.db, admin.tenantId, params.connectorId, params.runId);
    const skipped = await createSyncRunRepository(deps.db).listSkipped(admin.tenantId, run.id, SKIPPED_SHOWN);
    return { status: 200, body: publicRunDetail(run, skipped) };
  },
});
