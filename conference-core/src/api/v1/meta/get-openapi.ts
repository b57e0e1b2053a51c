import { z } from 'zod';

import { defineEndpoint } from '../deps.js';

export const getOpenApi = defineEndpoint({
  operationId: 'getOpenApi',
  method: 'get',
  path: '/v1/openapi.json',
  summary: 'This OpenAPI 3.1 document',
  tags: ['meta'],
  access: [],
  responses: {
    200: {
      description: 'The OpenAPI document',
      schema: z.object({ openapi: z.string().describe('The OpenAPI version, 3.1.0') }).loose(),
    },
  },
  handle: (_input, deps) => Promise.resolve({ status: 200, body: deps.openApiDocument() }),
});
