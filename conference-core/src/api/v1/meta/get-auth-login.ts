import { z } from 'zod';

import { defineEndpoint } from '../deps.js';

/** Auth discovery: which OIDC issuer and client a browser signs in with (as OpenTalk's). */
export const getAuthLogin = defineEndpoint({
  operationId: 'getAuthLogin',
  method: 'get',
  path: '/v1/auth/login',
  summary: 'Where to sign in',
  tags: ['auth'],
  access: [],
  responses: {
    200: {
      description: 'The OIDC issuer and the public client id of the web app',
      schema: z.object({
        oidc: z
          .object({
            issuer: z.url().describe('The OIDC issuer to sign in at'),
            client_id: z.string().describe('The client id of the browser clients'),
          })
          .describe('Where and as whom clients sign in'),
      }),
    },
  },
  handle: (_input, deps) =>
    Promise.resolve({
      status: 200,
      body: { oidc: { issuer: deps.oidc.issuer, client_id: deps.oidc.clientId } },
    }),
});
