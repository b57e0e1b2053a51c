import { createPublicKey, randomBytes, randomUUID, verify, constants } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { calendarDelta, usersDelta, type DeltaResult } from './fake-graph-delta.js';
import { FakeGraphPush } from './fake-graph-push.js';
import { eventJson, FakeGraphStore, userJson, type NewFakeEvent } from './fake-graph-store.js';

/**
 * A FAKE Microsoft Graph and Entra ID token endpoint on 127.0.0.1, built from the documented
 * shapes (shared reference outlook-calendar.md section 4.7): client-credentials tokens that
 * expire, /users delta, events, calendarView delta with @removed and paging, 410
 * SyncStateNotFound, subscriptions with the validation handshake and pushed notifications,
 * $batch with per-item 429, 429 with Retry-After, and the 4-requests-per-mailbox limit.
 */
export interface FakeGraphOptions {
  readonly tenantId?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** PEM public key (or certificate) and SHA-256 thumbprint (hex) for certificate credentials. */
  readonly certificate?: { readonly publicKey: string; readonly thumbprintSha256: string };
  readonly tokenLifetimeSeconds?: number;
  /** Longest subscription lifetime accepted (Graph documents 4,230 minutes for events). */
  readonly maxSubscriptionMinutes?: number;
  /** Added to every Graph call, so concurrency overlaps as it would over a network. */
  readonly latencyMs?: number;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

interface InternalRequest {
  method: string;
  /** Path and query below the host, e.g. /v1.0/users/delta?$deltatoken=... */
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

const mailboxConcurrencyLimit = 4;

function graphError(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  return {
    status,
    ...(headers !== undefined && { headers }),
    body: {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString(),
          'request-id': randomUUID(),
          'client-request-id': randomUUID(),
        },
      },
    },
  };
}

function fromDelta(result: DeltaResult): Reply {
  return result.status === 200
    ? { status: 200, body: result.body }
    : graphError(result.status, result.code, result.message);
}

export class FakeGraph {
  readonly store = new FakeGraphStore();
  readonly push: FakeGraphPush;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly options: FakeGraphOptions;
  /** Request counts by route name, for tests that check what was (not) called. */
  readonly hits = new Map<string, number>();
  /** Highest number of requests one mailbox had in flight at once. */
  readonly maxConcurrency = new Map<string, number>();
  readonly #inFlight = new Map<string, number>();
  readonly #tokens = new Map<string, number>();
  #throttles: { key: string; remaining: number; retryAfter: number; batchItems: boolean }[] = [];
  /** While set, every request (tokens too) answers 503 with this Retry-After. */
  outage: { retryAfterSeconds: number } | null = null;
  #server: Server | undefined;
  url = '';

  constructor(options: FakeGraphOptions = {}) {
    this.options = options;
    this.tenantId = options.tenantId ?? '3f2b6c1e-0c55-4a3e-9a4e-5d5e6f7a8b9c';
    this.clientId = options.clientId ?? '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
    this.clientSecret = options.clientSecret ?? `fake-secret-${randomBytes(8).toString('hex')}`;
    this.push = new FakeGraphPush(this.tenantId);
    this.store.onEventChange = (mailbox, event, changeType) =>
      this.push.eventChanged(mailbox, event, changeType);
  }

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      void this.#serve(req).then(
        (reply) => {
          res.writeHead(reply.status, {
            ...(reply.body !== undefined && { 'content-type': 'application/json' }),
            ...reply.headers,
          });
          res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'InternalServerError', message: String(err) } }));
        },
      );
    });
    this.#server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await this.push.settled();
    await new Promise<void>((resolve) => {
      this.#server?.closeAllConnections();
      this.#server?.close(() => resolve());
    });
  }

  /** Makes every access token issued so far expired (Graph answers 401 InvalidAuthenticationToken). */
  expireTokens(): void {
    for (const token of this.#tokens.keys()) this.#tokens.set(token, 0);
  }

  /**
   * The next `count` requests for `mailbox` (`*`: any) answer 429 with Retry-After; with
   * `batchItems` it is sub-requests inside `$batch` that are throttled instead.
   */
  throttle(mailbox: string, count: number, retryAfterSeconds: number, batchItems = false): void {
    this.#throttles.push({
      key: mailbox.toLowerCase(),
      remaining: count,
      retryAfter: retryAfterSeconds,
      batchItems,
    });
  }

  /** Convenience for tests: adds an event in a mailbox. */
  addEvent(mailbox: string, event: NewFakeEvent) {
    return this.store.createEvent(mailbox, event);
  }

  #count(route: string): void {
    this.hits.set(route, (this.hits.get(route) ?? 0) + 1);
  }

  #throttled(mailbox: string | null, batchItem: boolean): Reply | null {
    const rule = this.#throttles.find(
      (t) => t.remaining > 0 && t.batchItems === batchItem && (t.key === '*' || t.key === mailbox),
    );
    if (rule === undefined) return null;
    rule.remaining--;
    this.#throttles = this.#throttles.filter((t) => t.remaining > 0);
    return graphError(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', {
      'Retry-After': String(rule.retryAfter),
    });
  }

  async #serve(req: IncomingMessage): Promise<Reply> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    if (this.outage !== null) {
      return graphError(503, 'ServiceUnavailable', 'Service unavailable.', {
        'Retry-After': String(this.outage.retryAfterSeconds),
      });
    }
    const url = req.url ?? '/';
    if (url.includes('/oauth2/v2.0/token')) return this.#token(url, raw);
    if (url.includes('/discovery/') || url.includes('openid-configuration')) {
      this.#count('discovery'); // msal must never need these: we hand it the metadata
      return graphError(404, 'NotFound', 'discovery is not served by the fake');
    }
    let body: unknown = undefined;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        return graphError(400, 'BadRequest', 'Unable to read JSON request payload.');
      }
    }
    const auth = this.#authenticate(headers['authorization']);
    if (auth !== null) return auth;
    return this.#graph({ method: req.method ?? 'GET', url, headers, body }, false);
  }

  #token(url: string, raw: string): Reply {
    this.#count('token');
    const tenant = url.split('/')[1];
    const form = new URLSearchParams(raw);
    const oauthError = (status: number, error: string, code: number, description: string): Reply => ({
      status,
      body: {
        error,
        error_description: `AADSTS${code}: ${description}`,
        error_codes: [code],
        timestamp: new Date().toISOString(),
        trace_id: randomUUID(),
        correlation_id: randomUUID(),
      },
    });
    if (tenant !== this.tenantId)
      return oauthError(400, 'invalid_request', 90002, `Tenant '${tenant ?? ''}' not found.`);
    if (form.get('grant_type') !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    }
    if (form.get('client_id') !== this.clientId) {
      return oauthError(400, 'unauthorized_client', 700016, 'Application was not found in the directory.');
    }
    const scope = form.get('scope') ?? '';
    if (!scope.split(' ').some((s) => s.endsWith('/.default'))) {
      return oauthError(400, 'invalid_scope', 1002012, 'The provided value for scope is not valid.');
    }
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    const valid =
      secret !== null ? secret === this.clientSecret : assertion !== null && this.#assertionValid(assertion);
    if (!valid) return oauthError(401, 'invalid_client', 7000215, 'Invalid client secret provided.');
    const token = `fake-at-${randomBytes(16).toString('hex')}`;
    const lifetime = this.options.tokenLifetimeSeconds ?? 3599;
    this.#tokens.set(token, Date.now() + lifetime * 1000);
    return {
      status: 200,
      body: { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: token },
    };
  }

  /** A client assertion: a JWT naming our client, signed by the registered certificate's key. */
  #assertionValid(jwt: string): boolean {
    const certificate = this.options.certificate;
    if (certificate === undefined) return false;
    const [h, p, s] = jwt.split('.');
    if (h === undefined || p === undefined || s === undefined) return false;
    try {
      const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as {
        alg?: string;
        'x5t#S256'?: string;
      };
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as {
        iss?: string;
        sub?: string;
        exp?: number;
      };
      const thumbprint = Buffer.from(certificate.thumbprintSha256, 'hex').toString('base64url');
      if (header['x5t#S256'] !== thumbprint || payload.iss !== this.clientId || payload.sub !== this.clientId)
        return false;
      if (typeof payload.exp !== 'number' || payload.exp * 1000 < Date.now()) return false;
      const key = createPublicKey(certificate.publicKey);
      const data = Buffer.from(`${h}.${p}`);
      const signature = Buffer.from(s, 'base64url');
      if (header.alg === 'PS256') {
        return verify(
          'sha256',
          data,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
          signature,
        );
      }
      return header.alg === 'RS256' && verify('sha256', data, key, signature);
    } catch {
      return false;
    }
  }

  #authenticate(header: string | undefined): Reply | null {
    const token = header?.startsWith('Bearer ') === true ? header.slice(7) : undefined;
    const expires = token === undefined ? undefined : this.#tokens.get(token);
    if (expires === undefined) {
      return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty or invalid.');
    }
    if (expires <= Date.now()) {
      return graphError(
        401,
        'InvalidAuthenticationToken',
        'Lifetime validation failed, the token is expired.',
      );
    }
    return null;
  }

  /** One Graph request, from the wire or from inside a `$batch`. */
  async #graph(req: InternalRequest, batchItem: boolean): Promise<Reply> {
    const parsed = new URL(req.url.startsWith('/v1.0') ? req.url : `/v1.0${req.url}`, 'http://fake');
    const path = decodeURIComponent(parsed.pathname).replace(/^\/v1\.0/, '');
    const mailbox =
      /^\/users\/([^/]+)\/(calendar|calendarView|events)/.exec(path)?.[1]?.toLowerCase() ?? null;
    const throttled = this.#throttled(mailbox, batchItem);
    if (throttled !== null) return throttled;
    if (mailbox !== null && !batchItem) {
      const now = (this.#inFlight.get(mailbox) ?? 0) + 1;
      this.#inFlight.set(mailbox, now);
      this.maxConcurrency.set(mailbox, Math.max(now, this.maxConcurrency.get(mailbox) ?? 0));
      try {
        if (now > mailboxConcurrencyLimit) {
          return graphError(
            429,
            'ApplicationThrottled',
            'Application is over its MailboxConcurrency limit.',
            {
              'Retry-After': '1',
            },
          );
        }
        if (this.options.latencyMs !== undefined)
          await new Promise((r) => setTimeout(r, this.options.latencyMs));
        return await this.#route(req, parsed, path);
      } finally {
        this.#inFlight.set(mailbox, (this.#inFlight.get(mailbox) ?? 1) - 1);
      }
    }
    if (this.options.latencyMs !== undefined && !batchItem)
      await new Promise((r) => setTimeout(r, this.options.latencyMs));
    return this.#route(req, parsed, path);
  }

  async #route(req: InternalRequest, url: URL, path: string): Promise<Reply> {
    const base = this.url;
    const pageSize = Number(/odata\.maxpagesize=(\d+)/.exec(req.headers['prefer'] ?? '')?.[1] ?? 10);
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && path === '/$batch') return this.#batch(req);
    if (req.method === 'GET' && path === '/users') {
      this.#count('users');
      const top = Number(url.searchParams.get('$top') ?? 100);
      const users = [...this.store.users.values()].filter((u) => !u.deleted).slice(0, top);
      return { status: 200, body: { value: users.map(userJson) } };
    }
    if (req.method === 'GET' && path === '/users/delta') {
      this.#count('usersDelta');
      return fromDelta(usersDelta(this.store, base, url.searchParams, pageSize));
    }
    if (
      req.method === 'GET' &&
      (m = /^\/groups\/([^/]+)\/transitiveMembers\/microsoft\.graph\.user$/.exec(path))
    ) {
      const group = m[1] ?? '';
      const members = [...this.store.users.values()].filter((u) => !u.deleted && u.groups.includes(group));
      if (members.length === 0)
        return graphError(404, 'Request_ResourceNotFound', `Resource '${group}' does not exist.`);
      return { status: 200, body: { value: members.map(userJson) } };
    }
    if ((m = /^\/users\/([^/]+)\/(.*)$/.exec(path))) {
      const mailbox = (m[1] ?? '').toLowerCase();
      const rest = m[2] ?? '';
      if (!this.store.hasMailbox(mailbox)) {
        return graphError(404, 'ErrorInvalidUser', `The requested user '${mailbox}' is invalid.`);
      }
      if (req.method === 'GET' && rest === 'calendar')
        return { status: 200, body: { id: `cal-${mailbox}`, name: 'Calendar' } };
      if (req.method === 'GET' && rest === 'calendarView/delta') {
        this.#count('calendarDelta');
        return fromDelta(calendarDelta(this.store, base, mailbox, url.searchParams, pageSize));
      }
      if (req.method === 'POST' && (rest === 'calendar/events' || rest === 'events'))
        return this.#createEvent(mailbox, req.body);
      const eventId = /^events\/([^/]+)$/.exec(rest)?.[1];
      if (eventId !== undefined) {
        this.#count(`event${req.method}`);
        const event = this.store.event(mailbox, eventId);
        if (event === undefined)
          return graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
        if (req.method === 'GET') {
          // `$expand=singleValueExtendedProperties($filter=id eq 'A' or id eq 'B')`
          const filter = /^singleValueExtendedProperties\(\$filter=(.*)\)$/.exec(
            url.searchParams.get('$expand') ?? '',
          )?.[1];
          const ids =
            filter === undefined ? undefined : [...filter.matchAll(/id eq '([^']+)'/g)].map((m) => m[1]!);
          return { status: 200, body: eventJson(event, ids) };
        }
        if (req.method === 'DELETE') {
          this.store.deleteEvent(mailbox, eventId);
          return { status: 204 };
        }
        if (req.method === 'PATCH') return this.#patchEvent(mailbox, eventId, req.body);
      }
    }
    if (path === '/subscriptions' && req.method === 'POST') return this.#subscribe(req.body);
    if ((m = /^\/subscriptions\/([^/]+)(\/reauthorize)?$/.exec(path))) {
      const subscription = this.push.subscriptions.get(m[1] ?? '');
      if (subscription === undefined || Date.parse(subscription.expirationDateTime) <= Date.now()) {
        return graphError(404, 'ResourceNotFound', 'The object was not found.');
      }
      if (m[2] !== undefined && req.method === 'POST') {
        this.#count('reauthorize');
        subscription.needsReauthorization = false;
        return { status: 200 };
      }
      if (req.method === 'DELETE') {
        this.push.subscriptions.delete(subscription.id);
        return { status: 204 };
      }
      if (req.method === 'PATCH') {
        this.#count('renew');
        const expiry = (req.body as { expirationDateTime?: unknown } | undefined)?.expirationDateTime;
        const problem = this.#expiryProblem(expiry);
        if (problem !== null) return problem;
        subscription.expirationDateTime = new Date(Date.parse(expiry as string)).toISOString();
        return { status: 200, body: { ...subscription, needsReauthorization: undefined } };
      }
    }
    return graphError(400, 'BadRequest', `Resource not found for the segment '${path}'.`);
  }

  #expiryProblem(expiry: unknown): Reply | null {
    const max = this.options.maxSubscriptionMinutes ?? 4230;
    const at = typeof expiry === 'string' ? Date.parse(expiry) : Number.NaN;
    if (Number.isNaN(at)) return graphError(400, 'InvalidRequest', 'expirationDateTime is required.');
    if (at > Date.now() + max * 60_000 + 60_000) {
      return graphError(
        400,
        'InvalidRequest',
        `Subscription expiration can only be ${max} minutes in the future.`,
      );
    }
    return null;
  }

  async #subscribe(body: unknown): Promise<Reply> {
    this.#count('subscribe');
    const b = (body ?? {}) as Record<string, unknown>;
    const resource = typeof b['resource'] === 'string' ? b['resource'] : '';
    const mailbox = /^\/?users\/([^/]+)\/events$/i.exec(resource)?.[1]?.toLowerCase();
    if (mailbox === undefined || !this.store.hasMailbox(mailbox)) {
      return graphError(400, 'ExtensionError', `Resource '${resource}' is not supported.`);
    }
    if (typeof b['notificationUrl'] !== 'string' || typeof b['changeType'] !== 'string') {
      return graphError(400, 'InvalidRequest', 'notificationUrl and changeType are required.');
    }
    const clientState = typeof b['clientState'] === 'string' ? b['clientState'] : null;
    if (clientState !== null && clientState.length > 128) {
      return graphError(400, 'InvalidRequest', 'clientState must be at most 128 characters.');
    }
    const problem = this.#expiryProblem(b['expirationDateTime']);
    if (problem !== null) return problem;
    const lifecycleUrl =
      typeof b['lifecycleNotificationUrl'] === 'string' ? b['lifecycleNotificationUrl'] : null;
    for (const url of [b['notificationUrl'], lifecycleUrl]) {
      if (url !== null && !(await this.push.handshake(url))) {
        return graphError(
          400,
          'ValidationError',
          `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.`,
        );
      }
    }
    const subscription = {
      id: randomUUID(),
      resource,
      mailbox,
      changeType: b['changeType'],
      clientState,
      notificationUrl: b['notificationUrl'],
      lifecycleNotificationUrl: lifecycleUrl,
      expirationDateTime: new Date(Date.parse(b['expirationDateTime'] as string)).toISOString(),
      needsReauthorization: false,
    };
    this.push.subscriptions.set(subscription.id, subscription);
    const { mailbox: _m, needsReauthorization: _n, ...visible } = subscription;
    return {
      status: 201,
      body: {
        '@odata.context': `${this.url}/v1.0/$metadata#subscriptions/$entity`,
        ...visible,
        applicationId: this.clientId,
        creatorId: randomUUID(),
        latestSupportedTlsVersion: 'v1_2',
      },
    };
  }

  #createEvent(mailbox: string, body: unknown): Reply {
    const b = (body ?? {}) as Record<string, unknown>;
    const start = Date.parse(`${(b['start'] as { dateTime?: string } | undefined)?.dateTime ?? ''}Z`);
    const end = Date.parse(`${(b['end'] as { dateTime?: string } | undefined)?.dateTime ?? ''}Z`);
    if (typeof b['subject'] !== 'string' || Number.isNaN(start) || Number.isNaN(end)) {
      return graphError(400, 'ErrorInvalidRequest', 'subject, start and end (UTC) are required.');
    }
    const event = this.store.createEvent(mailbox, {
      subject: b['subject'],
      start: new Date(start),
      end: new Date(end),
      ...(typeof b['transactionId'] === 'string' && { transactionId: b['transactionId'] }),
      ...(Array.isArray(b['singleValueExtendedProperties']) && {
        properties: b['singleValueExtendedProperties'] as { id: string; value: string }[],
      }),
    });
    return { status: 201, body: eventJson(event) };
  }

  #patchEvent(mailbox: string, id: string, body: unknown): Reply {
    const b = (body ?? {}) as Record<string, unknown>;
    const when = (v: unknown) => {
      const t = Date.parse(`${(v as { dateTime?: string } | undefined)?.dateTime ?? ''}Z`);
      return Number.isNaN(t) ? undefined : new Date(t);
    };
    const start = when(b['start']);
    const end = when(b['end']);
    const event = this.store.updateEvent(mailbox, id, {
      ...(typeof b['subject'] === 'string' && { subject: b['subject'] }),
      ...(start !== undefined && { start }),
      ...(end !== undefined && { end }),
    });
    return { status: 200, body: eventJson(event) };
  }

  async #batch(req: InternalRequest): Promise<Reply> {
    this.#count('batch');
    const requests = (req.body as { requests?: unknown } | undefined)?.requests;
    if (!Array.isArray(requests) || requests.length === 0 || requests.length > 20) {
      return graphError(400, 'BadRequest', 'A batch carries 1 to 20 requests.');
    }
    const responses = [];
    for (const r of requests as {
      id?: unknown;
      method?: unknown;
      url?: unknown;
      headers?: unknown;
      body?: unknown;
    }[]) {
      if (typeof r.id !== 'string' || typeof r.method !== 'string' || typeof r.url !== 'string') {
        return graphError(400, 'BadRequest', 'Each batch request needs id, method and url.');
      }
      const reply = await this.#graph(
        { method: r.method, url: r.url, headers: (r.headers ?? {}) as Record<string, string>, body: r.body },
        true,
      );
      responses.push({
        id: r.id,
        status: reply.status,
        headers: reply.headers ?? {},
        body: reply.body ?? null,
      });
    }
    return { status: 200, body: { responses } };
  }
}
