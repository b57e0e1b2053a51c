import { gzipSync } from 'node:zlib';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApiHub, type ApiHub } from './support/api-hub.js';

/**
 * Every operation of the OpenAPI document, walked with values an attacker or a broken client
 * sends: NUL characters, year 0000, huge and empty strings, wrong types, unknown fields, a latin1
 * charset, a `Content-Encoding: gzip` that is not gzip. Whatever arrives, the answer is never
 * 5xx. Property-based (fast-check) with a fixed seed, so a failure replays the same way.
 */

interface JsonSchema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  minimum?: number;
  maximum?: number;
}

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly operationId: string;
  readonly parameters: { name: string; in: string; schema: JsonSchema }[];
  readonly body: JsonSchema | undefined;
}

const runsPerOperation = 12;

let api: ApiHub;
let token: string;
let operations: Operation[];
let components: Record<string, JsonSchema>;
/** Ids of things that exist, so the walk also reaches past the "not found" of a random id. */
const known: Record<string, string[]> = {};

beforeAll(async () => {
  // No connectors: admin operations must not make the hub reach for an upstream on hostile settings.
  api = await startApiHub({ backend: 'postgres', connectors: [] });
  token = await api.token('alice');
  const document = (await (await api.call('/v1/openapi.json')).json()) as {
    paths: Record<
      string,
      Record<
        string,
        {
          operationId: string;
          parameters?: Operation['parameters'];
          requestBody?: { content: Record<string, { schema: JsonSchema }> };
        }
      >
    >;
    components?: { schemas?: Record<string, JsonSchema> };
  };
  components = document.components?.schemas ?? {};
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      operationId: op.operationId,
      parameters: op.parameters ?? [],
      body: op.requestBody?.content['application/json']?.schema,
    })),
  );
  // Deletions last, so the things the other operations aim at still exist while they run.
  operations.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));

  const created = await api.call('/v1/events', {
    method: 'POST',
    token,
    body: {
      title: 'Target',
      starts_at: { datetime: '2031-03-10T08:00:00Z', timezone: 'Europe/Berlin' },
      ends_at: { datetime: '2031-03-10T09:00:00Z', timezone: 'Europe/Berlin' },
      recurrence_pattern: ['RRULE:FREQ=WEEKLY;COUNT=4'],
    },
  });
  const event = (await created.json()) as { id: string; room_id: string };
  const invite = await api.call(`/v1/events/${event.id}/invites`, {
    method: 'POST',
    token,
    body: { email: 'guest@example.test' },
  });
  const me = (await (await api.call('/v1/users/me', { token })).json()) as { id: string };
  known['eventId'] = [event.id];
  known['roomId'] = [event.room_id];
  known['instanceId'] = ['20310310T080000Z'];
  known['inviteId'] = [((await invite.json()) as { id: string }).id];
  known['userId'] = [me.id];
}, 60_000);

afterAll(async () => {
  await api?.stop();
});

const hostileText = fc.oneof(
  fc.constantFrom(
    'a\u0000b',
    '\u0000',
    '0000-01-01T00:00:00Z',
    '0000-12-31T23:59:59+00:00',
    '9999-12-31T23:59:59Z',
    '',
    ' ',
    'x'.repeat(5000),
    '\uD800',
    '😀',
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '%00',
    'NaN',
    '-1',
    '1e309',
    '00000000-0000-0000-0000-000000000000',
    'RRULE:FREQ=SECONDLY',
    'RRULE:FREQ=DAILY;COUNT=0',
    'RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31',
    'Europe/Nowhere',
    '00000101T000000Z',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 20 }).map((s) => `${s}\u0000`),
);

const hostileAny: fc.Arbitrary<unknown> = fc.oneof(
  hostileText,
  fc.constantFrom(0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, true, false, null, [], {}),
  fc.dictionary(hostileText, hostileText, { maxKeys: 3 }),
);

function resolve(schema: JsonSchema): JsonSchema {
  if (schema.$ref === undefined) return schema;
  return components[schema.$ref.split('/').at(-1) ?? ''] ?? {};
}

/** A value for `schema`: mostly shaped like it, with hostile values at any depth. */
function valueFor(raw: JsonSchema, name: string, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(raw);
  const shaped = shapedValueFor(schema, name, depth);
  return fc.oneof({ arbitrary: shaped, weight: 8 }, { arbitrary: hostileAny, weight: 1 });
}

function shapedValueFor(schema: JsonSchema, name: string, depth: number): fc.Arbitrary<unknown> {
  const variants = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (variants !== undefined && variants.length > 0)
    return fc.oneof(...variants.map((v) => valueFor(v, name, depth)));
  if (schema.enum !== undefined && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'string'];
  return fc.oneof(...types.map((type) => valueOfType(type, schema, name, depth)));
}

function valueOfType(type: string, schema: JsonSchema, name: string, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.oneof(
        fc.integer({ min: schema.minimum ?? -5, max: schema.maximum ?? 500 }),
        fc.constantFrom(-1, 0, 2 ** 31, 2 ** 53),
      );
    case 'number':
      return fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(-0, 1e308));
    case 'array':
      return depth > 4
        ? fc.constant([])
        : fc.array(valueFor(schema.items ?? {}, name, depth + 1), { maxLength: 5 });
    case 'object': {
      if (depth > 4) return fc.constant({});
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const record = fc.record(
        Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, valueFor(s, key, depth + 1)])),
        { requiredKeys: Object.keys(properties).filter((k) => required.has(k)) },
      );
      return fc
        .tuple(record, fc.option(fc.tuple(hostileText, hostileAny), { freq: 4 }))
        .map(([value, extra]) => (extra === null ? value : { ...value, [extra[0]]: extra[1] }));
    }
    default:
      return stringFor(schema, name);
  }
}

function stringFor(schema: JsonSchema, name: string): fc.Arbitrary<unknown> {
  const ids = known[name];
  if (ids !== undefined) return fc.oneof(fc.constantFrom(...ids), fc.uuid(), hostileText);
  switch (schema.format ?? '') {
    case 'uuid':
      return fc.oneof(fc.uuid(), hostileText);
    case 'date-time':
      return fc.oneof(
        fc
          .date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString()),
        fc.constantFrom('0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z'),
      );
    case 'email':
      return fc.oneof(fc.emailAddress(), hostileText);
    default:
      return fc.oneof(fc.string({ maxLength: 30 }), hostileText);
  }
}

/** How the body travels: plain JSON, with a charset the server does not read, or falsely gzip. */
const framings = ['json', 'latin1', 'fake-gzip', 'real-gzip', 'text', 'unauthenticated'] as const;
type Framing = (typeof framings)[number];

function requestFor(op: Operation) {
  const params = op.parameters.filter((p) => p.in === 'path');
  const query = op.parameters.filter((p) => p.in === 'query');
  return fc.record({
    path: fc
      .tuple(...params.map((p) => valueFor(p.schema, p.name)))
      .map((values) =>
        params.reduce(
          (path, p, i) => path.replace(`{${p.name}}`, encodeURIComponent(asText(values[i]))),
          op.path,
        ),
      ),
    query: fc.tuple(...query.map((p) => fc.option(valueFor(p.schema, p.name), { freq: 3 }))).map((values) => {
      const search = new URLSearchParams();
      query.forEach((p, i) => {
        if (values[i] !== null) search.append(p.name, asText(values[i]));
      });
      return search.toString();
    }),
    body: op.body === undefined ? fc.option(hostileAny) : valueFor(op.body, 'body'),
    framing: fc.oneof(
      { arbitrary: fc.constant<Framing>('json'), weight: 6 },
      { arbitrary: fc.constantFrom(...framings), weight: 2 },
    ),
  });
}

/** Text for a URL: lone surrogates (which cannot be percent-encoded) become U+FFFD, as a client would send. */
function asText(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

async function send(
  op: Operation,
  request: { path: string; query: string; body: unknown; framing: Framing },
) {
  const json = Buffer.from(JSON.stringify(request.body) ?? 'null');
  const headers: Record<string, string> = {};
  if (request.framing !== 'unauthenticated') headers['authorization'] = `Bearer ${token}`;
  headers['if-match'] = '"1"';
  let payload: Buffer = json;
  if (request.framing === 'latin1') headers['content-type'] = 'application/json; charset=latin1';
  else if (request.framing === 'text') headers['content-type'] = 'text/plain';
  else headers['content-type'] = 'application/json';
  if (request.framing === 'fake-gzip') headers['content-encoding'] = 'gzip';
  if (request.framing === 'real-gzip') {
    headers['content-encoding'] = 'gzip';
    payload = gzipSync(json);
  }
  const hasBody = op.method !== 'GET' && op.method !== 'HEAD';
  const url = `${api.url}${request.path}${request.query === '' ? '' : `?${request.query}`}`;
  const response = await fetch(url, { method: op.method, headers, ...(hasBody && { body: payload }) });
  const text = await response.text();
  return { status: response.status, text };
}

describe('the API under hostile input', () => {
  it('answers every operation with anything but a 5xx', async () => {
    expect(operations.length).toBeGreaterThan(20);
    const failures: string[] = [];
    for (const op of operations) {
      await fc.assert(
        fc.asyncProperty(requestFor(op), async (request) => {
          const { status, text } = await send(op, request);
          if (status >= 500) {
            failures.push(
              `${op.method} ${op.path} ${JSON.stringify(request).slice(0, 300)} -> ${status} ${text.slice(0, 200)}`,
            );
          }
        }),
        { seed: 19, numRuns: runsPerOperation },
      );
    }
    expect(failures).toEqual([]);
  }, 180_000);

  it('answers NUL characters, year 0000, latin1 and a false gzip with a 4xx problem, also unauthenticated', async () => {
    const eventId = known['eventId']?.[0] ?? '';
    const cases: {
      path: string;
      method: string;
      body?: string;
      headers?: Record<string, string>;
      status: number;
    }[] = [
      {
        method: 'POST',
        path: '/v1/events',
        body: JSON.stringify({ title: 'a\u0000b', is_time_independent: true }),
        status: 422,
      },
      { method: 'GET', path: '/v1/users/find?q=a%00b', status: 422 },
      {
        method: 'POST',
        path: '/v1/events',
        body: JSON.stringify({
          title: 'Year zero',
          starts_at: { datetime: '0000-01-01T00:00:00Z', timezone: 'UTC' },
          ends_at: { datetime: '0000-01-01T01:00:00Z', timezone: 'UTC' },
        }),
        status: 422,
      },
      {
        method: 'PATCH',
        path: `/v1/events/${eventId}`,
        body: JSON.stringify({ description: 'x\u0000' }),
        headers: { 'if-match': '*' },
        status: 422,
      },
      {
        method: 'POST',
        path: '/v1/events',
        body: '{"title":"x"}',
        headers: { 'content-type': 'application/json; charset=latin1' },
        status: 415,
      },
      {
        method: 'POST',
        path: '/v1/events',
        body: '{"title":"x"}',
        headers: { 'content-encoding': 'gzip' },
        status: 400,
      },
    ];
    for (const unauthenticated of [false, true]) {
      for (const c of cases) {
        const response = await fetch(`${api.url}${c.path}`, {
          method: c.method,
          headers: {
            'content-type': 'application/json',
            ...(unauthenticated ? {} : { authorization: `Bearer ${token}` }),
            ...c.headers,
          },
          ...(c.body === undefined ? {} : { body: c.body }),
        });
        const body = (await response.json()) as { code: string };
        const expected = unauthenticated && c.status === 422 ? 401 : c.status;
        expect({ case: `${c.method} ${c.path} ${c.body ?? ''}`, status: response.status }).toEqual({
          case: `${c.method} ${c.path} ${c.body ?? ''}`,
          status: expected,
        });
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(body.code).toMatch(/^[a-z_]+$/);
      }
    }
  });
});
