import { gzipSync } from 'node:zlib';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApiHub, type ApiHub } from './support/api-hub.js';
import { asText, hostileAny, hostileValues, type JsonSchema } from './support/hostile-values.js';

/**
 * Every operation of the OpenAPI document, walked with values an attacker or a broken client
 * sends: NUL characters, year 0000, huge and empty strings, wrong types, unknown fields, a latin1
 * charset, a `Content-Encoding: gzip` that is not gzip. Whatever arrives, the answer is never
 * 5xx. Property-based (fast-check) with a fixed seed, so a failure replays the same way.
 */

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
let values: ReturnType<typeof hostileValues>;
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
  values = hostileValues(document.components?.schemas ?? {}, known);
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

/** How the body travels: plain JSON, with a charset the server does not read, or falsely gzip. */
const framings = ['json', 'latin1', 'fake-gzip', 'real-gzip', 'text', 'unauthenticated'] as const;
type Framing = (typeof framings)[number];

function requestFor(op: Operation) {
  const params = op.parameters.filter((p) => p.in === 'path');
  const query = op.parameters.filter((p) => p.in === 'query');
  return fc.record({
    path: fc
      .tuple(...params.map((p) => values.valueFor(p.schema, p.name)))
      .map((values) =>
        params.reduce(
          (path, p, i) => path.replace(`{${p.name}}`, encodeURIComponent(asText(values[i]))),
          op.path,
        ),
      ),
    query: fc
      .tuple(...query.map((p) => fc.option(values.valueFor(p.schema, p.name), { freq: 3 })))
      .map((values) => {
        const search = new URLSearchParams();
        query.forEach((p, i) => {
          if (values[i] !== null) search.append(p.name, asText(values[i]));
        });
        return search.toString();
      }),
    body: op.body === undefined ? fc.option(hostileAny) : values.valueFor(op.body, 'body'),
    framing: fc.oneof(
      { arbitrary: fc.constant<Framing>('json'), weight: 6 },
      { arbitrary: fc.constantFrom(...framings), weight: 2 },
    ),
  });
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
        method: 'PATCH',
        path: '/v1/users/me',
        body: JSON.stringify({ display_name: 'Al\u0000ice' }),
        status: 422,
      },
      {
        method: 'POST',
        path: `/v1/rooms/${known['roomId']?.[0] ?? ''}/start`,
        body: JSON.stringify({ password: 'se\u0000cret' }),
        status: 422,
      },
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
