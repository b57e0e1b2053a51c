import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { valuesAt } from '../document-tree.js';

/**
 * A FAKE of mgm A12 Data Services and its token endpoint, for tests only. Built from the public
 * method names and request fixtures of mgm-tp/a12-dataservices (JSON-RPC 2.0 batches at
 * `POST /v2/rpc`; `QUERY {query:{targetDocumentModel, constraint, sort, paging}}`, `GET_DOCUMENT
 * {docRef}`, `PARTIAL_MODIFY_DOCUMENT {docRef, documentPart:[{path, value}]}`; docRef
 * `<Model>/<id>`; metadata `__meta.modifiedAt`) and an OAuth2 client-credentials token endpoint
 * as Keycloak has it. The result shapes (`{documents, totalCount}`) and error codes are our
 * reading, not A12's documentation: real projects may differ. It does reproduce what the connector
 * must cope with: paging, modification-time queries, unknown fields refused, expired and invalid
 * tokens (401), throttling (429 + Retry-After), server errors and connection resets.
 */

export interface FakeModel {
  readonly name: string;
  /** Every field path the model has, e.g. `/Appointment/Participants/Email`. */
  readonly fields: readonly string[];
}

interface StoredDocument {
  docRef: string;
  document: Record<string, unknown>;
  createdAt: string;
  modifiedAt: string;
}

export interface FakeDataServicesOptions {
  readonly models: readonly FakeModel[];
  readonly clientId: string;
  readonly clientSecret: string;
  /** Lifetime of issued tokens in seconds. */
  readonly tokenLifetimeSeconds?: number;
}

type Fault = { kind: 'status'; status: number; retryAfter?: string } | { kind: 'reset' };

export interface FakeDataServices {
  readonly url: string;
  readonly tokenUrl: string;
  /** Adds a document; returns its docRef. */
  add(model: string, document: Record<string, unknown>): string;
  /** Replaces fields (by path) as an A12 user editing the document would; bumps modifiedAt. */
  edit(docRef: string, changes: Record<string, unknown>): void;
  get(docRef: string): Record<string, unknown> | undefined;
  remove(docRef: string): void;
  /** The next `count` HTTP requests to /v2/rpc fail this way. */
  failNext(count: number, fault: Fault): void;
  /** The next `count` HTTP requests whose batch calls `method` fail this way (others pass). */
  failCallsOf(method: string, count: number, fault: Fault): void;
  /** Every issued token stops working (as after a Keycloak restart or revocation). */
  revokeTokens(): void;
  /** The token endpoint refuses the client from now on (a rotated secret). */
  rejectClient(reject: boolean): void;
  /** What was called, in order: HTTP-level (`token`, `rpc`) and methods inside batches. */
  readonly log: { tokens: number; batches: number; methods: string[]; rejected401: number };
  close(): Promise<void>;
}

export async function startFakeDataServices(options: FakeDataServicesOptions): Promise<FakeDataServices> {
  const documents = new Map<string, StoredDocument>();
  const tokens = new Map<string, number>();
  const faults: Fault[] = [];
  const methodFaults: { method: string; fault: Fault }[] = [];
  const log = { tokens: 0, batches: 0, methods: [] as string[], rejected401: 0 };
  let clientRejected = false;
  let lastStamp = 0;
  const stamp = () => {
    // Strictly increasing, as a database clock would order saves.
    lastStamp = Math.max(Date.now(), lastStamp + 1);
    return new Date(lastStamp).toISOString();
  };
  const models = new Map(options.models.map((m) => [m.name, m]));

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (err) {
        send(res, 500, { error: err instanceof Error ? err.message : String(err) });
      }
    });
  });

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    if (req.method === 'POST' && req.url === '/token') return token(req, res, body);
    if (req.method !== 'POST' || req.url !== '/v2/rpc') return send(res, 404, { error: 'not found' });
    const methodFault = methodFaults.findIndex((f) => body.includes(`"method":"${f.method}"`));
    const fault = methodFault >= 0 ? methodFaults.splice(methodFault, 1)[0]?.fault : faults.shift();
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return undefined;
    }
    if (fault?.kind === 'status') {
      return send(
        res,
        fault.status,
        { error: 'injected' },
        fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter },
      );
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expires = bearer === undefined ? undefined : tokens.get(bearer);
    if (expires === undefined || expires <= Date.now()) {
      log.rejected401++;
      return send(res, 401, { error: 'invalid_token' });
    }
    log.batches++;
    let calls: unknown;
    try {
      calls = JSON.parse(body);
    } catch {
      return send(res, 200, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    }
    if (!Array.isArray(calls) || calls.length === 0) {
      return send(res, 200, {
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600, message: 'Invalid Request' },
      });
    }
    return send(
      res,
      200,
      calls.map((call: unknown) => answer(call)),
    );
  };

  const token = (req: IncomingMessage, res: ServerResponse, body: string) => {
    log.tokens++;
    const form = new URLSearchParams(body);
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [id, secret] =
      basic === undefined
        ? []
        : Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent);
    if (form.get('grant_type') !== 'client_credentials')
      return send(res, 400, { error: 'unsupported_grant_type' });
    if (clientRejected || id !== options.clientId || secret !== options.clientSecret) {
      return send(res, 401, { error: 'invalid_client', error_description: 'Invalid client credentials' });
    }
    const lifetime = options.tokenLifetimeSeconds ?? 300;
    const issued = randomUUID();
    tokens.set(issued, Date.now() + lifetime * 1000);
    return send(res, 200, { access_token: issued, token_type: 'Bearer', expires_in: lifetime });
  };

  const rpcError = (id: unknown, code: number, message: string, title?: string) => ({
    jsonrpc: '2.0',
    id,
    error: {
      code,
      message,
      ...(title !== undefined && {
        data: {
          level: 'ERROR',
          title: { default: title, key: 'error' },
          details: { code: 'DS-' + code, subsystem: 'fake' },
          logId: randomUUID(),
        },
      }),
    },
  });

  const answer = (call: unknown) => {
    const { id, method, params } = (call ?? {}) as {
      id?: unknown;
      method?: unknown;
      params?: Record<string, unknown>;
    };
    if (typeof method === 'string') log.methods.push(method);
    switch (method) {
      case 'QUERY':
        return query(id, params?.query as Record<string, unknown> | undefined);
      case 'GET_DOCUMENT': {
        const doc = documents.get(String(params?.docRef));
        if (doc === undefined)
          return rpcError(id, -32000, 'Document not found', `Document ${String(params?.docRef)} not found`);
        return { jsonrpc: '2.0', id, result: view(doc) };
      }
      case 'PARTIAL_MODIFY_DOCUMENT':
        return partialModify(id, params);
      default:
        return rpcError(id, -32601, 'Method not found');
    }
  };

  const query = (id: unknown, q: Record<string, unknown> | undefined) => {
    const model = models.get(String(q?.targetDocumentModel));
    if (model === undefined)
      return rpcError(
        id,
        -32602,
        'Invalid params',
        `Unknown document model ${String(q?.targetDocumentModel)}`,
      );
    const known = (field: string) => field.startsWith('__meta.') || model.fields.includes(field);
    const referenced = [
      ...fieldsOf(q?.constraint),
      ...((q?.sort as { field: string }[] | undefined) ?? []).map((s) => s.field),
    ];
    const unknown = referenced.find((f) => !known(f));
    if (unknown !== undefined)
      return rpcError(
        id,
        -32602,
        'Invalid params',
        `Unknown field ${unknown} in document model ${model.name}`,
      );
    let rows = [...documents.values()].filter(
      (d) => d.docRef.startsWith(`${model.name}/`) && matches(d, q?.constraint),
    );
    const sort = (q?.sort as { field: string; direction?: string }[] | undefined) ?? [];
    rows.sort((a, b) => {
      for (const s of sort) {
        const x = JSON.stringify(metaOrField(a, s.field) ?? '');
        const y = JSON.stringify(metaOrField(b, s.field) ?? '');
        const order = x < y ? -1 : x > y ? 1 : 0;
        if (order !== 0) return s.direction === 'DESC' ? -order : order;
      }
      return 0;
    });
    const totalCount = rows.length;
    const paging = q?.paging as { pageNumber?: number; pageSize?: number } | undefined;
    if (paging !== undefined) {
      const size = paging.pageSize ?? 20;
      rows = rows.slice((paging.pageNumber ?? 0) * size, ((paging.pageNumber ?? 0) + 1) * size);
    }
    return { jsonrpc: '2.0', id, result: { documents: rows.map(view), totalCount } };
  };

  const partialModify = (id: unknown, params: Record<string, unknown> | undefined) => {
    const doc = documents.get(String(params?.docRef));
    if (doc === undefined)
      return rpcError(id, -32000, 'Document not found', `Document ${String(params?.docRef)} not found`);
    const model = models.get(doc.docRef.split('/')[0] ?? '');
    const parts = params?.documentPart;
    if (!Array.isArray(parts)) return rpcError(id, -32602, 'Invalid params', 'documentPart must be a list');
    for (const part of parts as { path?: unknown }[]) {
      if (typeof part.path !== 'string' || !model?.fields.includes(part.path)) {
        return rpcError(
          id,
          -32602,
          'Invalid params',
          `Unknown field ${String(part.path)} in document model ${model?.name ?? '?'}`,
        );
      }
    }
    for (const part of parts as { path: string; value: unknown }[])
      setAt(doc.document, part.path, part.value);
    doc.modifiedAt = stamp();
    return { jsonrpc: '2.0', id, result: view(doc) };
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    tokenUrl: `${url}/token`,
    add(model, document) {
      const docRef = `${model}/${randomUUID()}`;
      const now = stamp();
      documents.set(docRef, { docRef, document: structuredClone(document), createdAt: now, modifiedAt: now });
      return docRef;
    },
    edit(docRef, changes) {
      const doc = documents.get(docRef);
      if (doc === undefined) throw new Error(`no document ${docRef}`);
      for (const [path, value] of Object.entries(changes)) setAt(doc.document, path, value);
      doc.modifiedAt = stamp();
    },
    get: (docRef) => documents.get(docRef)?.document,
    remove: (docRef) => void documents.delete(docRef),
    failNext(count, fault) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    failCallsOf(method, count, fault) {
      for (let i = 0; i < count; i++) methodFaults.push({ method, fault });
    },
    revokeTokens: () => tokens.clear(),
    rejectClient(reject) {
      clientRejected = reject;
    },
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function view(doc: StoredDocument) {
  return {
    docRef: doc.docRef,
    document: structuredClone(doc.document),
    __meta: { docRef: doc.docRef, createdAt: doc.createdAt, modifiedAt: doc.modifiedAt },
  };
}

function metaOrField(doc: StoredDocument, field: string): unknown {
  if (field.startsWith('__meta.')) return (view(doc).__meta as Record<string, unknown>)[field.slice(7)];
  return valuesAt(doc.document, field)[0];
}

function fieldsOf(constraint: unknown): string[] {
  if (constraint === null || typeof constraint !== 'object') return [];
  const c = constraint as { field?: unknown; constraints?: unknown[]; constraint?: unknown };
  return [
    ...(typeof c.field === 'string' ? [c.field] : []),
    ...(c.constraints ?? []).flatMap(fieldsOf),
    ...fieldsOf(c.constraint),
  ];
}

function matches(doc: StoredDocument, constraint: unknown): boolean {
  if (constraint === undefined || constraint === null) return true;
  const c = constraint as {
    operator: string;
    field?: string;
    from?: string;
    to?: string;
    constraints?: unknown[];
    constraint?: unknown;
    value?: unknown;
  };
  switch (c.operator) {
    case 'and':
      return (c.constraints ?? []).every((x) => matches(doc, x));
    case 'or':
      return (c.constraints ?? []).some((x) => matches(doc, x));
    case 'not':
      return !matches(doc, c.constraint);
    case 'undefined_match':
      return metaOrField(doc, c.field ?? '') === undefined;
    case 'exact_match':
      return metaOrField(doc, c.field ?? '') === c.value;
    case 'date_range': {
      const value = Date.parse(String(metaOrField(doc, c.field ?? '')));
      return (
        (c.from === undefined || value >= Date.parse(c.from)) &&
        (c.to === undefined || value <= Date.parse(c.to))
      );
    }
    default:
      throw new Error(`the fake does not know the constraint operator ${c.operator}`);
  }
}

/** Sets a non-repeated field, creating the groups on the way. */
function setAt(document: Record<string, unknown>, path: string, value: unknown): void {
  const names = path.split('/').slice(1);
  let node = document;
  for (const name of names.slice(0, -1)) {
    const next = node[name];
    if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next))
      node[name] = {};
    node = node[name] as Record<string, unknown>;
  }
  const last = names[names.length - 1] as string;
  if (value === null) delete node[last];
  else node[last] = value;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
