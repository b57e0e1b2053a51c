import { z } from 'zod';

import { ApiProblem, requireTenantAdmin, validationProblem } from '@vc/conference-core';

import { validateOnSave } from '../appointments/validate-on-save.js';
import { createConnectorLifecycle } from '../connectors/connector-lifecycle.js';
import { prepareSettings } from '../sync/connector-settings.js';
import { defaultSchedule } from '../sync/default-schedule.js';
import { defineAdminEndpoint } from './deps.js';
import { instanceFields } from './instance-input.js';
import { instanceSchema, publicInstance } from './schemas.js';

export const postConnectors = defineAdminEndpoint({
  operationId: 'postConnectors',
  method: 'post',
  path: '/v1/admin/connectors',
  summary: 'Connect a directory: create a connector with its settings',
  tags: ['admin'],
  access: ['user'],
  body: z.object({
    type: z.string().min(1).max(100).describe('The connector type (see GET /v1/admin/connector-types)'),
    name: instanceFields.name,
    enabled: instanceFields.enabled.default(true),
    settings: instanceFields.settings,
    // Absent: the default schedule; null: that kind of run only when someone starts it.
    incremental_every_ms: instanceFields.incremental_every_ms.default(defaultSchedule.incrementalEveryMs),
    full_cron: instanceFields.full_cron.default(defaultSchedule.fullCron),
    guard_share: instanceFields.guard_share.optional(),
  }),
  responses: { 201: { description: 'Created', schema: instanceSchema } },
  handle: async ({ principal, body }, deps) => {
    const admin = requireTenantAdmin(principal);
    const definition = deps.registry.find(body.type);
    if (definition === undefined) {
      throw validationProblem([
        {
          field: 'body.type',
          message: `unknown connector type; known: ${deps.registry.all.map((d) => d.id).join(', ')}`,
        },
      ]);
    }
    const prepared = prepareSettings(definition, deps.secrets, admin.tenantId, body.settings);
    if (!prepared.ok) throw validationProblem(prepared.problems);
    const misfit = await validateOnSave(definition, prepared.parsed, deps.logger);
    if (misfit !== undefined) throw validationProblem([misfit]);
    const created = await createConnectorLifecycle(deps).create(
      admin.tenantId,
      {
        actor: admin.userId,
        details: { type: definition.id, name: body.name, settings: Object.keys(body.settings).sort() },
      },
      {
        connectorType: definition.id,
        name: body.name,
        enabled: body.enabled,
        settings: prepared.stored.settings,
        secrets: prepared.stored.secrets,
        incrementalEveryMs: body.incremental_every_ms,
        fullCron: body.full_cron,
        guardShare: body.guard_share ?? deps.defaultGuardShare,
      },
    );
    if (!created.ok && created.reason === 'name_taken') {
      throw new ApiProblem({
        status: 409,
        code: 'conflict',
        title: 'Another connector already has this name',
      });
    }
    if (!created.ok) throw validationProblem([{ field: 'body.full_cron', message: created.message }]);
    deps.connectorChanged?.(admin.tenantId, created.instance.id);
    return { status: 201, body: await publicInstance(deps.db, created.instance) };
  },
});
