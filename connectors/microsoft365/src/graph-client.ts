import { ConnectorError, sleep } from '@vc/connector-sdk';

import { KeyedLimiter } from './limiter.js';
import type { TokenProvider } from './token-provider.js';

export interface GraphResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

export interface GraphRequestOptions {
  readonly method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Statuses the caller handles itself (e.g. 410 for an expired delta token). */
  readonly accept?: readonly number[];
}

export interface BatchRequest {
  readonly id: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Relative to the version root, e.g. `/users/x/events/y`. */
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

export interface BatchResponse {
  readonly id: string;
  readonly status: number;
  readonly body: unknown;
}

export interface GraphClientOptions {
  readonly graphUrl: string;
  readonly tokens: TokenProvider;
  readonly fetch: typeof fetch;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  /** Longest Retry-After we sleep through; a longer one ends the call as `rate_limited`. */
  readonly maxRetryWaitMs: number;
  /** Shared across the clients of one run (and its notification runs), per mailbox. */
  readonly limiter?: KeyedLimiter;
}

/** Graph allows 4 concurrent requests per mailbox; `$batch` allows 20 requests per call. */
export const mailboxConcurrency = 4;
const batchLimit = 20;
const maxAttempts = 6;

/** The `{error:{code,message}}` body Graph sends with every failure. */
function graphError(body: unknown): { code: string; message: string } {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return {
    code: typeof error?.code === 'string' ? error.code : 'unknown',
    message: typeof error?.message === 'string' ? error.message : '',
  };
}

/** Retry-After in seconds (Graph's form) or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Maps a final Graph failure onto the connector error family. */
export function translateStatus(
  status: number,
  body: unknown,
  what: string,
  waitMs?: number,
): ConnectorError {
  const { code, message } = graphError(body);
  const text = `${what}: HTTP ${status} ${code}${message === '' ? '' : ` (${message})`}`;
  if (status === 401) return new ConnectorError('auth_failed', text);
  if (status === 403) return new ConnectorError('forbidden', text);
  if (status === 404) return new ConnectorError('not_found', text);
  if (status === 429)
    return new ConnectorError('rate_limited', text, waitMs === undefined ? {} : { retryAfterMs: waitMs });
  if (status >= 500) return new ConnectorError('upstream_unavailable', text);
  return new ConnectorError('invalid_data', text);
}

/**
 * The one way this connector talks to Graph: bearer token (fetched again once when Graph says it
 * expired), per-mailbox concurrency, Retry-After honoured on 429/503 (in place when short, as a
 * `rate_limited` error carrying the wait when long), and errors translated at this edge.
 */
export class GraphClient {
  readonly #options: GraphClientOptions;
  readonly #limiter: KeyedLimiter;

  constructor(options: GraphClientOptions) {
    this.#options = options;
    this.#limiter = options.limiter ?? new KeyedLimiter(mailboxConcurrency);
  }

  /** `path` is relative to `/v1.0` or an absolute `@odata.nextLink`/`deltaLink` from Graph. */
  url(path: string): string {
    if (/^https?:\/\//.test(path)) {
      // Links Graph hands back must stay on the Graph host we were configured with.
      if (!path.startsWith(`${this.#options.graphUrl}/`)) {
        throw new ConnectorError(
          'invalid_data',
          `Graph returned a link to another host: ${path.slice(0, 80)}`,
        );
      }
      return path;
    }
    return `${this.#options.graphUrl}/v1.0${path}`;
  }

  /** One request against one mailbox's budget (`key` null: tenant-wide calls like /users). */
  async request(key: string | null, path: string, options: GraphRequestOptions = {}): Promise<GraphResponse> {
    const url = this.url(path);
    const call = () => this.#withRetries(url, options);
    return key === null ? call() : this.#limiter.run(key.toLowerCase(), call);
  }

  async #withRetries(url: string, options: GraphRequestOptions): Promise<GraphResponse> {
    const { signal } = this.#options;
    let refreshedToken = false;
    for (let attempt = 1; ; attempt++) {
      signal.throwIfAborted();
      const response = await this.#send(url, options);
      if (response.status < 400 || options.accept?.includes(response.status) === true) return response;
      const what = `${options.method ?? 'GET'} ${new URL(url).pathname}`;
      if (response.status === 401 && !refreshedToken) {
        // Expired or revoked token: one fresh token, then the answer stands.
        this.#options.tokens.invalidate();
        refreshedToken = true;
        continue;
      }
      const transient = response.status === 429 || response.status === 503 || response.status === 504;
      if (!transient && !(response.status >= 500 && attempt < 3)) {
        throw translateStatus(response.status, response.body, what);
      }
      const wait = retryAfterMs(response.headers.get('retry-after')) ?? Math.min(250 * 2 ** attempt, 8000);
      if (wait > this.#options.maxRetryWaitMs || attempt >= maxAttempts) {
        throw translateStatus(response.status, response.body, what, wait);
      }
      await sleep(wait, signal);
    }
  }

  async #send(url: string, options: GraphRequestOptions): Promise<GraphResponse> {
    const token = await this.#options.tokens.token(this.#options.signal);
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.#options.fetch(url, {
        method: options.method ?? 'GET',
        headers,
        ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
        signal: AbortSignal.any([this.#options.signal, AbortSignal.timeout(this.#options.timeoutMs)]),
      });
    } catch (err) {
      this.#options.signal.throwIfAborted();
      throw new ConnectorError('upstream_unavailable', `Graph unreachable: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const text = await response.text().catch(() => '');
    let body: unknown = null;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        if (response.ok) throw new ConnectorError('invalid_data', `Graph answered ${url} with no JSON`);
      }
    }
    return { status: response.status, body, headers: response.headers };
  }

  /**
   * Sends requests of one mailbox through `$batch`, 20 per call; sub-requests answered 429 are
   * sent again after their own Retry-After (the longest of them), the others are returned as is.
   */
  async batch(key: string, requests: readonly BatchRequest[]): Promise<Map<string, BatchResponse>> {
    const results = new Map<string, BatchResponse>();
    for (let start = 0; start < requests.length; start += batchLimit) {
      let pending = requests.slice(start, start + batchLimit);
      for (let attempt = 1; pending.length > 0; attempt++) {
        const response = await this.request(key, '/$batch', {
          method: 'POST',
          body: { requests: pending.map((r) => ({ ...r, headers: r.headers ?? {} })) },
        });
        const items = (response.body as { responses?: unknown } | null)?.responses;
        if (!Array.isArray(items))
          throw new ConnectorError('invalid_data', '$batch answered without responses');
        const throttled: BatchRequest[] = [];
        let wait = 0;
        for (const raw of items as { id?: unknown; status?: unknown; body?: unknown; headers?: unknown }[]) {
          const request = pending.find((r) => r.id === raw.id);
          if (request === undefined || typeof raw.status !== 'number') continue;
          if (raw.status === 429 || raw.status === 503) {
            const headers = (raw.headers ?? {}) as Record<string, string>;
            const after = retryAfterMs(headers['Retry-After'] ?? headers['retry-after']) ?? 1000;
            wait = Math.max(wait, after);
            throttled.push(request);
          } else results.set(request.id, { id: request.id, status: raw.status, body: raw.body ?? null });
        }
        const missing = pending.filter((r) => !results.has(r.id) && !throttled.includes(r));
        if (missing.length > 0) throw new ConnectorError('invalid_data', '$batch left requests unanswered');
        pending = throttled;
        if (pending.length === 0) break;
        if (wait > this.#options.maxRetryWaitMs || attempt >= maxAttempts) {
          throw new ConnectorError('rate_limited', `$batch sub-requests throttled ${attempt} times`, {
            retryAfterMs: wait,
          });
        }
        await sleep(wait, this.#options.signal);
      }
    }
    return results;
  }
}
