import { z } from 'zod';

import { createConnectorAuditRepository, requireTenantAdmin } from '@vc/conference-core';

import { defineAdminEndpoint } from './deps.js';

const auditEntrySchema = z.object({
  id: z.uuid().describe('The entry id'),
  connector_id: z.uuid().nullable().describe('The connector concerned; null once it was deleted'),
  actor: z.string().describe('Who made the change: a user id, or ucs-join-script for the connector file'),
  action: z.string().describe('e.g. connector.created, connector.updated, connector.deleted, connector.checked, run.started'),
  details: z
    .record(z.string(), z.unknown())
    .describe('Which fields changed and similar facts; never secret values'),
  at: z.iso.datetime().describe('When'),
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
    connector_id: z.uuid().optional().describe('Only the entries of this connector'),
    limit: z.coerce.number().int().min(1).max(500).default(100).describe('At most this many, newest first'),
  }),
  responses: {
    200: {
      description: 'Entries',
      schema: z.object({ items: z.array(auditEntrySchema).describe('Audit entries, newest first') }),
    },
  },
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
