import { currentToken } from '../auth/session.js';

/** A refusal of the API (problem+json), with its stable code for a translated message. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string | undefined;
  constructor(status: number, code: string, message: string, detail?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

/** Who a request speaks for: the signed-in person (default), a guest link, or nobody. */
export type Credentials = { kind: 'user' } | { kind: 'guest'; inviteCode: string } | { kind: 'none' };

export interface RequestOptions {
  readonly method?: string;
  readonly body?: unknown;
  readonly as?: Credentials;
  readonly headers?: Record<string, string>;
}

function authorization(as: Credentials): Record<string, string> {
  if (as.kind === 'guest') return { authorization: `InviteCode ${as.inviteCode}` };
  if (as.kind === 'none') return {};
  const token = currentToken();
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: options.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...authorization(options.as ?? { kind: 'user' }),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  } catch (cause) {
    throw new ApiError(0, 'network', cause instanceof Error ? cause.message : String(cause));
  }
  if (res.status === 204) return undefined as T;
  const body = (await res.json().catch(() => ({}))) as {
    code?: string;
    title?: string;
    detail?: string;
  };
  if (!res.ok) {
    throw new ApiError(res.status, body.code ?? 'error', body.title ?? res.statusText, body.detail);
  }
  return body as T;
}
