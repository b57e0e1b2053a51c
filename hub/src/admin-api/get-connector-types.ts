import { z } from 'zod';

import { requireTenantAdmin } from '@vc/conference-core';
import { secretKeys } from '@vc/connector-sdk';

import { settingsJsonSchema } from '../sync/connector-settings.js';
import { defineAdminEndpoint } from './deps.js';

const connectorTypeSchema = z.object({
  id: z.string().describe('The type, as POST /v1/admin/connectors takes it'),
  version: z.string().describe("The connector's version"),
  display_name: z.string().describe('Its name for people'),
  description: z.string().describe('What it connects'),
  capabilities: z
    .object({
      users: z
        .object({
          supports_incremental: z
            .boolean()
            .describe('True when it can read only what changed since a cursor'),
        })
        .nullable()
        .describe('Directory sync of users; null when the type does not sync users'),
    })
    .describe('What the type can do'),
  /** JSON Schema of the settings; secret fields carry `writeOnly` and `x-secret`. */
  settings_schema: z.record(z.string(), z.unknown()).describe('JSON Schema of its settings'),
  secret_fields: z.array(z.string()).describe('Settings stored encrypted and shown only as "<set>"'),
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
