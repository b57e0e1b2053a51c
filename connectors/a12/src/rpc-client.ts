import { ConnectorError, type ConnectorContext } from '@vc/connector-sdk';

import { defaultRetryPolicy, httpError, unreachable, withRetries, type RetryPolicy } from './http-retry.js';
import type { A12Settings } from './settings.js';
import { clientCredentials, type TokenSource } from './token-source.js';

/** One call of a batch: a Data Services method and its params. */
export interface RpcCall {
  readonly method: 'QUERY' | 'GET_DOCUMENT' | 'PARTIAL_MODIFY_DOCUMENT';
  readonly params: Record<string, unknown>;
}

/** A12 puts its exception into `error.data`: a title, a description and a code. */
export interface RpcFailure {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

export type RpcOutcome = { ok: true; result: unknown } | { ok: false; error: RpcFailure };

export interface RpcClient {
  /** Sends the calls as one JSON-RPC 2.0 batch; outcomes come back in the order of the calls. */
  batch(calls: readonly RpcCall[]): Promise<RpcOutcome[]>;
}

type Ctx = Pick<ConnectorContext<A12Settings>, 'settings' | 'fetch' | 'signal' | 'clock'>;

/**
 * Data Services JSON-RPC over `POST <base>/v2/rpc` with a bearer token. Transport failures are
 * retried here (429 after Retry-After, 5xx and resets with backoff); a 401 renews the token once.
 * Per-call JSON-RPC errors are returned, not thrown: the caller knows what they mean.
 */
export function createRpcClient(
  ctx: Ctx,
  options: { tokens?: TokenSource; retry?: RetryPolicy } = {},
): RpcClient {
  const tokens = options.tokens ?? clientCredentials(ctx);
  const url = `${ctx.settings.dataServicesUrl.replace(/\/+$/, '')}/v2/rpc`;
  let nextId = 1;

  const post = async (body: string, token: string): Promise<Response> => {
    try {
      return await ctx.fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body,
        signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(ctx.settings.timeoutMs)]),
      });
    } catch (err) {
      throw unreachable('A12 Data Services', err, ctx.signal);
    }
  };

  return {
    async batch(calls) {
      if (calls.length === 0) return [];
      const ids = calls.map(() => nextId++);
      const body = JSON.stringify(
        calls.map((call, i) => ({ jsonrpc: '2.0', id: ids[i], method: call.method, params: call.params })),
      );
      const text = await withRetries(options.retry ?? defaultRetryPolicy, ctx.signal, async () => {
        let response = await post(body, await tokens.get());
        if (response.status === 401) {
          // Expired or revoked early: one fresh token, then the 401 stands.
          await response.body?.cancel();
          tokens.invalidate();
          response = await post(body, await tokens.get());
        }
        const received = await response.text();
        if (!response.ok) throw httpError('A12 Data Services', response, received, ctx.clock.now());
        return received;
      });
      return matchResponses(text, ids);
    },
  };
}

function matchResponses(text: string, ids: readonly number[]): RpcOutcome[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConnectorError('invalid_data', 'A12 Data Services answered something other than JSON', {
      cause: err,
    });
  }
  // A batch that fails as a whole (parse error, invalid request) comes back as one error object.
  if (!Array.isArray(parsed)) {
    const error = (parsed as { error?: RpcFailure } | null)?.error;
    throw new ConnectorError(
      'invalid_data',
      `A12 Data Services rejected the batch: ${error === undefined ? text.slice(0, 200) : describeFailure(error)}`,
    );
  }
  const byId = new Map<unknown, { result?: unknown; error?: RpcFailure }>();
  for (const item of parsed as { id?: unknown; result?: unknown; error?: RpcFailure }[])
    byId.set(item.id, item);
  return ids.map((id) => {
    const item = byId.get(id);
    if (item === undefined)
      throw new ConnectorError('invalid_data', `A12 Data Services left call ${id} unanswered`);
    return item.error !== undefined ? { ok: false, error: item.error } : { ok: true, result: item.result };
  });
}

/** A readable line from a JSON-RPC error and the A12 exception in its data. */
export function describeFailure(error: RpcFailure): string {
  const data = error.data as
    { title?: { default?: string }; description?: string; details?: { code?: string } } | undefined;
  const parts = [error.message, data?.title?.default, data?.description].filter(
    (part): part is string => typeof part === 'string' && part !== '',
  );
  const code = data?.details?.code;
  return `${[...new Set(parts)].join(': ')}${code === undefined ? '' : ` [${code}]`} (JSON-RPC ${error.code})`;
}

/** The outcome's result, or a ConnectorError of `code` describing the failure. */
export function expectResult(
  outcome: RpcOutcome | undefined,
  what: string,
  code: 'invalid_data' | 'invalid_settings' = 'invalid_data',
): unknown {
  if (outcome === undefined) throw new ConnectorError('invalid_data', `${what}: no answer`);
  if (outcome.ok) return outcome.result;
  throw new ConnectorError(code, `${what}: ${describeFailure(outcome.error)}`);
}
