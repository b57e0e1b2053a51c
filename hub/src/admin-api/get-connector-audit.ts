import { z } from 'zod';

import { createConnectorAuditRepository, requireTenantAdmin } from '@vc/conference-core';

import { defineAdminEndpoint } from './deps.js';

const auditEntrySchema = z.object({
  id: z.uuid(),
  connector_id: z.uuid().nullable(),
  actor: z.string(),
  action: z.string(),
  details: z.record(z.string(), z.unknown()),
  at: z.iso.datetime(),
});

/** Who changed which connector when (creation, settings fields, runs started, approvals). */
export const getConnectorAudit = defineAdminEndpoint({
  operationId: 'getConnectorAudit',
  method: 'get',
  path: '/v1/admin/connector-audit',
  summary: 'The audit log of connector changes in your tenant, newest first',
  tags: ['admin'],
  access: ['user'],
  query: z.object({
    connector_id: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  }),
  responses: { 200: { description: 'Entries', schema: z.object({ items: z.array(auditEntrySchema) }) } },
  handle: async ({ principal, query }, deps) => {
    const admin = requireTenantAdmin(principal);
    const entries = await createConnectorAuditRepository(deps.db).list(admin.tenantId, {
      ...(query.connector_id === undefined ? {} : { instanceId: query.connector_id }),
      limit: query.limit,
    });
    return {
      status: 200,
      body: {
        items: entries.map((e) => ({
          id: e.id,
          connector_id: e.instanceId,
          actor: e.actor,
          action: e.action,
          details: e.details,
          at: e.createdAt.toISOString(),
        })),
      },
    };
  },
});
