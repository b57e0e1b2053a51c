/**
 * The gateway's client of the core API: a client-credentials token of the service account (role
 * `call-in`), then `POST /v1/services/call_in/start` with what the caller typed and who calls.
 */
export type CallInResult =
  | { readonly kind: 'ticket'; readonly signalingUrl: string; readonly displayName: string }
  | { readonly kind: 'refused' }
  | { readonly kind: 'rate_limited'; readonly retryAfterMs: number };

export interface CallInApi {
  start(input: {
    readonly id: string;
    readonly pin: string;
    readonly caller: { readonly key: string; readonly number?: string | undefined };
  }): Promise<CallInResult>;
}

export class CallInApiError extends Error {
  override readonly name = 'CallInApiError';
  readonly code = 'call_in_api_failed';
}

export interface CallInApiOptions {
  /** The API's base URL (`https://meet.example.org`). */
  readonly apiUrl: string;
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly timeoutMs?: number;
}

export function createCallInApi(options: CallInApiOptions): CallInApi {
  const timeoutMs = options.timeoutMs ?? 10_000;
  let cached: { token: string; until: number } | undefined;

  async function token(): Promise<string> {
    if (cached !== undefined && cached.until > Date.now()) return cached.token;
    const basic = Buffer.from(
      `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`,
    ).toString('base64');
    const response = await fetch(options.tokenUrl, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
      signal: AbortSignal.timeout(timeoutMs),
    }).catch((cause: unknown) => {
      throw new CallInApiError('the token endpoint did not answer', { cause });
    });
    if (!response.ok) throw new CallInApiError(`the token endpoint answered ${response.status}`);
    const body = (await response.json()) as { access_token?: unknown; expires_in?: unknown };
    if (typeof body.access_token !== 'string')
      throw new CallInApiError('the token endpoint sent no access_token');
    const lifetimeSec = typeof body.expires_in === 'number' ? body.expires_in : 60;
    // Renew well before expiry so a token never runs out between check and use.
    cached = { token: body.access_token, until: Date.now() + Math.max(5, lifetimeSec - 30) * 1000 };
    return cached.token;
  }

  return {
    async start(input) {
      const send = async () =>
        fetch(`${options.apiUrl.replace(/\/+$/, '')}/v1/services/call_in/start`, {
          method: 'POST',
          headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            id: input.id,
            pin: input.pin,
            caller: {
              key: input.caller.key,
              ...(input.caller.number === undefined ? {} : { number: input.caller.number }),
            },
          }),
          signal: AbortSignal.timeout(timeoutMs),
        }).catch((cause: unknown) => {
          throw new CallInApiError('the API did not answer', { cause });
        });
      let response = await send();
      // A refused token (expired, keys rotated) carries WWW-Authenticate; a wrong PIN does not.
      if (response.status === 401 && response.headers.has('www-authenticate')) {
        cached = undefined;
        response = await send();
      }
      if (response.status === 200) {
        const body = (await response.json()) as { signaling_url?: unknown; display_name?: unknown };
        if (typeof body.signaling_url !== 'string') throw new CallInApiError('the API sent no signaling_url');
        return {
          kind: 'ticket',
          signalingUrl: body.signaling_url,
          displayName: typeof body.display_name === 'string' ? body.display_name : 'Phone',
        };
      }
      // 422: the digits are not an id or PIN at all (too short, too long); for the caller, wrong.
      if (response.status === 401 || response.status === 422) return { kind: 'refused' };
      if (response.status === 429) {
        const seconds = Number(response.headers.get('retry-after'));
        return { kind: 'rate_limited', retryAfterMs: Number.isFinite(seconds) ? seconds * 1000 : 60_000 };
      }
      throw new CallInApiError(`call_in/start answered ${response.status}`);
    },
  };
}
