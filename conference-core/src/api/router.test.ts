import type { AddressInfo } from 'node:net';

import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { silentLogger } from '../logging/logger.js';
import { endpointDefiner, type Endpoint } from './endpoint.js';
import { buildOpenApiDocument } from './openapi.js';
import { ApiProblem, errorHandler, notFound } from './problem.js';
import type { Principal } from './principal.js';
import { createApiRouter } from './router.js';

interface Deps {
  readonly greeting: string;
}
const defineEndpoint = endpointDefiner<Deps>();

const greet = defineEndpoint({
  operationId: 'greet',
  method: 'get',
  path: '/v1/greetings/{name}',
  summary: 'Greets someone',
  tags: ['test'],
  access: ['user', 'guest'],
  params: z.object({ name: z.string().min(2) }),
  query: z.object({ loud: z.coerce.boolean().optional() }),
  responses: { 200: { description: 'A greeting', schema: z.object({ text: z.string() }) } },
  handle: ({ params, query, principal }, deps) => {
    const text = `${deps.greeting}, ${params.name} (${principal?.kind ?? 'nobody'})`;
    return Promise.resolve({ status: 200, body: { text: query.loud === true ? text.toUpperCase() : text } });
  },
});

const create = defineEndpoint({
  operationId: 'createThing',
  method: 'post',
  path: '/v1/things',
  summary: 'Creates a thing',
  tags: ['test'],
  access: ['user'],
  body: z.object({ title: z.string().max(5), count: z.number().int() }),
  responses: { 201: { description: 'Created', schema: z.object({ id: z.string() }) } },
  handle: ({ body }) =>
    body.title === 'lie'
      ? Promise.resolve({ status: 201, body: { id: 42 } })
      : Promise.resolve({ status: 201, body: { id: `${body.title}-${body.count}` } }),
});

const refuse = defineEndpoint({
  operationId: 'refuse',
  method: 'delete',
  path: '/v1/things/{id}',
  summary: 'Refuses',
  tags: ['test'],
  access: ['user'],
  responses: { 204: { description: 'Never' } },
  handle: () => Promise.reject(new ApiProblem({ status: 409, code: 'conflict', title: 'Not today' })),
});

const endpoints: Endpoint<Deps>[] = [greet, create, refuse];
let base = '';
let close: () => void = () => undefined;

beforeAll(async () => {
  const app = express();
  app.use(express.json());
  app.use(
    createApiRouter({
      endpoints,
      deps: { greeting: 'Hallo' },
      logger: silentLogger,
      validateResponses: true,
      authenticate: (req) => {
        const header = req.headers.authorization;
        if (header === undefined) return Promise.resolve(undefined);
        if (header === 'Bearer good') {
          const user: Principal = {
            kind: 'user',
            tenantId: 't',
            userId: 'u',
            email: 'a@b.c',
            roles: [],
            groups: [],
            permissions: [],
          };
          return Promise.resolve(user);
        }
        if (header === 'Bearer service') {
          const service: Principal = { kind: 'service', tenantId: 't', clientId: 'sip', roles: ['call-in'] };
          return Promise.resolve(service);
        }
        return Promise.reject(new ApiProblem({ status: 401, code: 'invalid_token', title: 'Bad token' }));
      },
    }),
  );
  app.use(notFound);
  app.use(errorHandler(silentLogger));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

const call = (path: string, init: RequestInit = {}) =>
  fetch(`${base}${path}`, {
    ...init,
    headers: { authorization: 'Bearer good', 'content-type': 'application/json', ...init.headers },
  });

describe('the API router', () => {
  it('hands validated path and query values to the handler', async () => {
    const res = await call('/v1/greetings/Ada?loud=true');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ text: 'HALLO, ADA (USER)' });
  });

  it('answers 422 naming every invalid field', async () => {
    const res = await call('/v1/things', {
      method: 'POST',
      body: JSON.stringify({ title: 'too long', count: 1.5 }),
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const body = (await res.json()) as { code: string; errors: { field: string }[] };
    expect(body.code).toBe('validation_failed');
    expect(body.errors.map((e) => e.field).sort()).toEqual(['body.count', 'body.title']);
  });

  it('requires credentials, refuses bad ones and callers of the wrong kind', async () => {
    const anonymous = await fetch(`${base}/v1/things`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect((await call('/v1/greetings/Ada', { headers: { authorization: 'Bearer forged' } })).status).toBe(
      401,
    );
    const service = await call('/v1/greetings/Ada', { headers: { authorization: 'Bearer service' } });
    expect(service.status).toBe(403);
    expect(await service.json()).toMatchObject({ code: 'forbidden' });
  });

  it('turns a problem thrown by a handler into its response', async () => {
    const res = await call('/v1/things/1', { method: 'DELETE' });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ status: 409, code: 'conflict', title: 'Not today' });
  });

  it('refuses to send a response that contradicts the documented schema', async () => {
    const res = await call('/v1/things', {
      method: 'POST',
      body: JSON.stringify({ title: 'lie', count: 1 }),
    });
    expect(res.status).toBe(500);
  });

  it('documents every endpoint in the OpenAPI document with its security and schemas', () => {
    const document = buildOpenApiDocument(endpoints, { title: 'test', version: '1' }) as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { operationId: string; security?: unknown[]; responses: Record<string, unknown> }>
      >;
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths).sort()).toEqual([
      '/v1/greetings/{name}',
      '/v1/things',
      '/v1/things/{id}',
    ]);
    expect(document.paths['/v1/greetings/{name}']?.['get']?.security).toEqual([
      { bearer: [] },
      { inviteCode: [] },
    ]);
    expect(Object.keys(document.paths['/v1/things']?.['post']?.responses ?? {})).toEqual(['201', 'default']);
  });
});
