import { z } from 'zod';

import { requireTenantAdmin } from '@vc/conference-core';
import { secretKeys } from '@vc/connector-sdk';

import { settingsJsonSchema } from '../sync/connector-settings.js';
import { defineAdminEndpoint } from './deps.js';

const connectorTypeSchema = z.object({
  id: z.string(),
  version: z.string(),
  display_name: z.string(),
  description: z.string(),
  capabilities: z.object({ users: z.object({ supports_incremental: z.boolean() }).nullable() }),
  /** JSON Schema of the settings; secret fields carry `writeOnly` and `x-secret`. */
  settings_schema: z.record(z.string(), z.unknown()),
  secret_fields: z.array(z.string()),
});

/** The connectors this hub can run, with their settings as JSON Schema for forms. */
export const getConnectorTypes = defineAdminEndpoint({
  operationId: 'getConnectorTypes',
  method: 'get',
  path: '/v1/admin/connector-types',
  summary: 'List the connector types this hub knows',
  tags: ['admin'],
  access: ['user'],
  responses: { 200: { description: 'Connector types', schema: z.array(connectorTypeSchema) } },
  handle: ({ principal }, deps) => {
    requireTenantAdmin(principal);
    return Promise.resolve({
      status: 200,
      body: deps.registry.all.map((definition) => ({
        id: definition.id,
        version: definition.version,
        display_name: definition.displayName,
        description: definition.description,
        capabilities: {
          users:
            definition.capabilities.users === undefined
              ? null
              : { supports_incremental: definition.capabilities.users.supportsIncremental },
        },
        settings_schema: settingsJsonSchema(definition),
        secret_fields: secretKeys(definition.settings),
      })),
    });
  },
});
