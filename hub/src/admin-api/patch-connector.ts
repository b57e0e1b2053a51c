import { z } from 'zod';

import { ApiProblem, requireTenantAdmin, validationProblem } from '@vc/conference-core';

import { validateOnSave } from '../appointments/validate-on-save.js';
import { createConnectorLifecycle } from '../connectors/connector-lifecycle.js';
import { prepareSettings } from '../sync/connector-settings.js';
import { defineAdminEndpoint } from './deps.js';
import { instanceFields } from './instance-input.js';
import { connectorIdParams, findInstanceOr404, instanceSchema, publicInstance } from './schemas.js';

/**
 * Changes a connector. `settings` is merged over the stored ones: a secret left out (or sent back
 * as `"<set>"`) keeps its stored value.
 */
export const patchConnector = defineAdminEndpoint({
  operationId: 'patchConnector',
  method: 'patch',
  path: '/v1/admin/connectors/{connectorId}',
  summary: 'Change a connector (settings, schedules, guard, enabled)',
  tags: ['admin'],
  access: ['user'],
  params: connectorIdParams,
  body: z.object({
    name: instanceFields.name.optional(),
    enabled: instanceFields.enabled.optional(),
    settings: instanceFields.settings.optional(),
    incremental_every_ms: instanceFields.incremental_every_ms.optional(),
    full_cron: instanceFields.full_cron.optional(),
    guard_share: instanceFields.guard_share.optional(),
  }),
  responses: { 200: { description: 'The changed connector', schema: instanceSchema } },
  handle: async ({ principal, params, body }, deps) => {
    const admin = requireTenantAdmin(principal);
    const current = await findInstanceOr404(deps.db, admin.tenantId, params.connectorId);
    const definition = deps.registry.find(current.connectorType);
    let stored;
    if (body.settings !== undefined) {
      if (definition === undefined) {
        throw validationProblem([
          { field: 'body.settings', message: 'this hub no longer knows the connector type' },
        ]);
      }
      const prepared = prepareSettings(definition, deps.secrets, admin.tenantId, body.settings, current);
      if (!prepared.ok) throw validationProblem(prepared.problems);
      const misfit = await validateOnSave(definition, prepared.parsed, deps.logger);
      if (misfit !== undefined) throw validationProblem([misfit]);
      stored = prepared.stored;
    }
    const patch = {
      ...(body.name === undefined ? {} : { name: body.name }),
      ...(body.enabled === undefined ? {} : { enabled: body.enabled }),
      ...(body.incremental_every_ms === undefined ? {} : { incrementalEveryMs: body.incremental_every_ms }),
      ...(body.full_cron === undefined ? {} : { fullCron: body.full_cron }),
      ...(body.guard_share === undefined ? {} : { guardShare: body.guard_share }),
      ...(stored === undefined ? {} : { settings: stored.settings, secrets: stored.secrets }),
    };
    const updated = await createConnectorLifecycle(deps).update(
      admin.tenantId,
      {
        actor: admin.userId,
        // Which fields changed, never their values (secrets among them).
        details: {
          fields: Object.keys(body).sort(),
          ...(body.settings === undefined ? {} : { settings: Object.keys(body.settings).sort() }),
        },
      },
      current,
      patch,
    );
    if (!updated.ok) {
      if (updated.reason === 'not_found')
        throw new ApiProblem({ status: 404, code: 'not_found', title: 'No such connector' });
      if (updated.reason === 'name_taken')
        throw new ApiProblem({
          status: 409,
          code: 'conflict',
          title: 'Another connector already has this name',
        });
      throw validationProblem([{ field: 'body.full_cron', message: updated.message }]);
    }
    deps.connectorChanged?.(admin.tenantId, current.id);
    return { status: 200, body: await publicInstance(deps.db, updated.instance) };
  },
});
