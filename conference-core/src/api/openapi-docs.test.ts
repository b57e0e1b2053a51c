import { describe, expect, it } from 'vitest';

import { buildOpenApiDocument } from './openapi.js';
import { apiV1Endpoints } from './v1/registry.js';

/**
 * The API document is what client authors read: every field of every operation says what it is,
 * times show by example that they need an offset, and a body the server does without is optional.
 */

interface Schema {
  readonly $ref?: string;
  readonly description?: string;
  readonly example?: unknown;
  readonly format?: string;
  readonly properties?: Record<string, Schema>;
  readonly items?: Schema;
  readonly anyOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
  readonly allOf?: readonly Schema[];
}
interface Operation {
  readonly parameters?: readonly { name: string; in: string; description?: string; schema?: Schema }[];
  readonly requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  readonly responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}

const document = buildOpenApiDocument(apiV1Endpoints, { title: 'API v1', version: 'test' }) as {
  paths: Record<string, Record<string, Operation>>;
};
const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({
    name: `${method.toUpperCase()} ${path}`,
    operation,
  })),
);

/** Every schema under `schema` with the path to it (`body.starts_at.datetime`). */
function* walk(schema: Schema | undefined, path: string): Generator<{ path: string; schema: Schema }> {
  if (schema === undefined || schema.$ref !== undefined) return; // components are checked where defined
  yield { path, schema };
  for (const [key, child] of Object.entries(schema.properties ?? {})) yield* walk(child, `${path}.${key}`);
  yield* walk(schema.items, `${path}[]`);
  for (const variant of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) {
    yield* walk(variant, path);
  }
}

function schemasOf(operation: Operation): { path: string; schema: Schema }[] {
  return [
    ...Object.values(operation.requestBody?.content ?? {}).flatMap((c) => [...walk(c.schema, 'body')]),
    ...Object.entries(operation.responses).flatMap(([status, response]) =>
      Object.values(response.content ?? {}).flatMap((c) => [...walk(c.schema, status)]),
    ),
  ];
}

describe('the OpenAPI document of API v1', () => {
  it('describes every parameter and every field of every body and response', () => {
    const missing: string[] = [];
    for (const { name, operation } of operations) {
      for (const parameter of operation.parameters ?? []) {
        if (parameter.description === undefined && parameter.schema?.description === undefined) {
          missing.push(`${name}: ${parameter.in} ${parameter.name}`);
        }
      }
      for (const { path, schema } of schemasOf(operation)) {
        for (const [key, field] of Object.entries(schema.properties ?? {})) {
          if (field.description === undefined && field.$ref === undefined)
            missing.push(`${name}: ${path}.${key}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('shows by example that a time needs its offset', () => {
    const times = operations.flatMap(({ name, operation }) => [
      ...(operation.parameters ?? []).flatMap((p) =>
        p.schema?.format === 'date-time' ? [{ where: `${name}: ${p.name}`, schema: p.schema }] : [],
      ),
      ...schemasOf(operation)
        .filter(({ path, schema }) => schema.format === 'date-time' && path.startsWith('body'))
        .map(({ path, schema }) => ({ where: `${name}: ${path}`, schema })),
    ]);
    expect(times.length).toBeGreaterThan(5);
    for (const { where, schema } of times) {
      expect(schema.example, where).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    }
    // The zoned time of a meeting: an instant with its offset, and the zone it is meant in.
    const postEvents = document.paths['/v1/events']?.['post'];
    const startsAt = schemasOf(postEvents as Operation).find(({ path }) => path === 'body.starts_at');
    expect(startsAt?.schema.example).toEqual({
      datetime: '2026-07-06T09:00:00+02:00',
      timezone: 'Europe/Berlin',
    });
  });

  it('marks a request body optional exactly when the server accepts a request without one', () => {
    for (const endpoint of apiV1Endpoints) {
      if (endpoint.body === undefined) continue;
      const operation = document.paths[endpoint.path.replace(/\{(\w+)\}/g, '{$1}')]?.[endpoint.method];
      const acceptsNone = (endpoint.body as { safeParse(v: unknown): { success: boolean } }).safeParse(
        undefined,
      ).success;
      expect(operation?.requestBody?.required, endpoint.operationId).toBe(!acceptsNone);
    }
    expect(document.paths['/v1/rooms/{roomId}/start']?.['post']?.requestBody?.required).toBe(false);
    expect(document.paths['/v1/rooms']?.['post']?.requestBody?.required).toBe(true);
  });
});
