import { describe, expect, it } from 'vitest';

import { buildOpenApiDocument } from './openapi.js';
import {
  operationsOf,
  schemasOf,
  undescribedOpenApiFields,
  type OpenApiOperation,
  type OpenApiPaths,
} from './openapi-walk.js';
import { apiV1Endpoints } from './v1/registry.js';

/**
 * The API document is what client authors read: every field of every operation says what it is,
 * times show by example that they need an offset, and a body the server does without is optional.
 */

type Operation = OpenApiOperation;

const document = buildOpenApiDocument(apiV1Endpoints, { title: 'API v1', version: 'test' }) as {
  paths: OpenApiPaths['paths'];
};
const operations = operationsOf(document);

describe('the OpenAPI document of API v1', () => {
  it('describes every parameter and every field of every body and response', () => {
    const missing = undescribedOpenApiFields(document);
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
