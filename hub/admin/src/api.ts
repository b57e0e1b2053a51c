import { currentToken } from './auth.js';

export type RunState = 'queued' | 'running' | 'needs_approval' | 'completed' | 'failed' | 'rejected';

export interface Run {
  readonly id: string;
  readonly mode: 'full' | 'incremental';
  readonly dry_run: boolean;
  readonly state: RunState;
  readonly counters: {
    readonly seen: number;
    readonly created: number;
    readonly updated: number;
    readonly deactivated: number;
    readonly skipped: number;
    readonly errors: number;
  };
  readonly pending_deactivations: number;
  readonly linked_users: number;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly report: unknown;
  readonly created_at: string;
  readonly finished_at: string | null;
}

export interface RunDetail extends Run {
  readonly skipped_records: readonly {
    type: string;
    external_id: string;
    /** The entry's DN (or username), when the connector names it. */
    label: string | null;
    reason: string;
  }[];
  readonly skipped_not_shown: number;
}

export interface Connector {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly settings: Record<string, unknown>;
  readonly incremental_every_ms: number | null;
  readonly full_cron: string | null;
  readonly health: {
    readonly status: 'never_run' | 'ok' | 'failing' | 'running' | 'needs_approval';
    readonly current_run: Run | null;
    readonly last_run: Run | null;
  };
}

export interface ConnectorType {
  readonly id: string;
  readonly display_name: string;
  readonly secret_fields: readonly string[];
  readonly settings_schema: {
    readonly properties?: Record<string, { type?: string; description?: string; default?: unknown }>;
    readonly required?: readonly string[];
  };
}

/** A problem+json answer, with its stable code. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const token = currentToken();
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  if (res.status === 204) return undefined as T;
  const body = (await res.json().catch(() => ({}))) as { code?: string; title?: string; detail?: string };
  if (!res.ok)
    throw new ApiError(res.status, body.code ?? 'error', body.detail ?? body.title ?? res.statusText);
  return body as T;
}
