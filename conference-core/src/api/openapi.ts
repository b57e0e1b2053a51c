import { OpenAPIRegistry, OpenApiGeneratorV31, extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

import type { EndpointMeta } from './endpoint.js';
import { problemCodes } from './problem.js';
import { permissions } from '../roles/permissions.js';

// zod-to-openapi reads metadata through a method it adds to zod's prototype; once per process.
extendZodWithOpenApi(z);

/** The problem+json body every error response has. */
export const problemSchema = z.object({
  type: z.string(),
  status: z.number().int(),
  code: z.enum(problemCodes),
  title: z.string(),
  detail: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  permission: z.enum(permissions).optional(),
});

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly serverUrl?: string;
}

/**
 * The OpenAPI 3.1 document, generated from the same endpoint list (and zod schemas) the router
 * mounts, so a route cannot exist undocumented or be documented without existing.
 */
export function buildOpenApiDocument(
  endpoints: readonly EndpointMeta[],
  info: OpenApiInfo,
): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  const problem = registry.register('Problem', problemSchema);
  const bearer = registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An access token of the configured OIDC issuer.',
  });
  const inviteCode = registry.registerComponent('securitySchemes', 'inviteCode', {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: 'Guests: `Authorization: InviteCode <code>` with a room guest link code.',
  });

  for (const endpoint of endpoints) {
    const security = endpoint.access.flatMap((kind) =>
      kind === 'guest' ? [{ [inviteCode.name]: [] }] : [{ [bearer.name]: [] }],
    );
    const responses = Object.fromEntries(
      Object.entries(endpoint.responses).map(([status, spec]) => [
        status,
        {
          description: spec.description,
          ...(spec.schema === undefined && spec.contentType === undefined
            ? {}
            : {
                content: {
                  [spec.contentType ?? 'application/json']: { schema: spec.schema ?? z.string() },
                },
              }),
        },
      ]),
    );
    registry.registerPath({
      method: endpoint.method,
      path: endpoint.path,
      operationId: endpoint.operationId,
      summary: endpoint.summary,
      tags: [...endpoint.tags],
      ...(security.length > 0 ? { security: dedupe(security) } : {}),
      request: {
        ...(endpoint.params === undefined ? {} : { params: endpoint.params as never }),
        ...(endpoint.query === undefined ? {} : { query: endpoint.query as never }),
        ...(endpoint.body === undefined
          ? {}
          : {
              body: {
                // Optional where the server accepts a request without one (`z.object(...).optional()`).
                required: !endpoint.body.safeParse(undefined).success,
                content: { 'application/json': { schema: endpoint.body } },
              },
            }),
      },
      responses: {
        ...responses,
        default: { description: 'An error', content: { 'application/problem+json': { schema: problem } } },
      },
    });
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: info.title, version: info.version },
    ...(info.serverUrl === undefined ? {} : { servers: [{ url: info.serverUrl }] }),
  }) as unknown as Record<string, unknown>;
}

function dedupe<T>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = JSON.stringify(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
