import { describe, expect, it } from 'vitest';

import {
  buildOpenApiDocument,
  undescribedOpenApiFields,
  type OpenApiPaths,
} from '@vc/conference-core/testing';

import { adminEndpoints } from './registry.js';

describe('the OpenAPI document of the admin endpoints', () => {
  it('describes every parameter and every field of every body and response, as API v1 does', () => {
    const document = buildOpenApiDocument(adminEndpoints, {
      title: 'admin',
      version: 'test',
    }) as {
      paths: OpenApiPaths['paths'];
    };
    expect(undescribedOpenApiFields(document)).toEqual([]);
  });
});
