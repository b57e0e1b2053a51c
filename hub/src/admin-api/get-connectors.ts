import { z } from 'zod';

import { createConnectorInstanceRepository, requireTenantAdmin } from '@vc/conference-core';

import { defineAdminEndpoint } from './deps.js';
import { instanceSchema, publicInstance } from './schemas.js';

export const getConnectors = defineAdminEndpoint({
  operationId: 'getConnectors',
  method: 'get',
  path: '/v1/admin/connectors',
  summary: 'List the connectors of your tenant with their health and runs',
  tags: ['admin'],
  access: ['user'],
  responses: {
    200: {
      description: 'Connectors',
      schema: z.object({ items: z.array(instanceSchema).describe("The tenant's connectors") }),
    },
  },
  handle: async ({ principal }, deps) => {
    const admin = requireTenantAdmin(principal);
    const instances = await createConnectorInstanceRepository(deps.db).list(admin.tenantId);
    const items = [];
    for (const instance of instances) items.push(await publicInstance(deps.db, instance));
    return { status: 200, body: { items } };
  },
});
