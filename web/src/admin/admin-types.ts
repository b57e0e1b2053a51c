/** The admin API's shapes (hub/src/admin-api/schemas.ts), as far as the dashboard reads them. */
export type RunState = 'queued' | 'running' | 'needs_approval' | 'completed' | 'failed' | 'rejected';
export const runStates: readonly RunState[] = [
  'queued',
  'running',
  'needs_approval',
  'completed',
  'failed',
  'rejected',
];
export type RunMode = 'full' | 'incremental';

export interface RunCounters {
  readonly seen: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly deactivated: number;
  readonly reactivated: number;
  readonly skipped: number;
  readonly errors: number;
}

export interface Run {
  readonly id: string;
  readonly mode: RunMode;
  readonly dry_run: boolean;
  readonly state: RunState;
  readonly trigger: 'manual' | 'schedule';
  readonly counters: RunCounters;
  readonly pending_deactivations: number;
  readonly linked_users: number;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly report: unknown;
  readonly created_at: string;
  readonly finished_at: string | null;
}

export interface RunDetail extends Run {
  readonly skipped_records: readonly {
    readonly type: string;
    readonly external_id: string;
    readonly label: string | null;
    readonly reason: string;
  }[];
  readonly skipped_not_shown: number;
}

export type HealthStatus = 'never_run' | 'ok' | 'failing' | 'running' | 'needs_approval';

export interface Connector {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly enabled: boolean;
  /** Stored secrets appear as `"<set>"`, never their value. */
  readonly settings: Record<string, unknown>;
  readonly incremental_every_ms: number | null;
  readonly full_cron: string | null;
  readonly guard_share: number;
  readonly health: {
    readonly status: HealthStatus;
    readonly current_run: Run | null;
    readonly last_run: Run | null;
  };
}

export interface LocalizedText {
  readonly en: string;
  readonly de: string;
}

/** One property of a connector type's settings JSON Schema, with the connector's labels. */
export interface SettingSchema {
  readonly type?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly { readonly const?: unknown; readonly type?: string }[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly 'x-secret'?: boolean;
  readonly 'x-label'?: LocalizedText;
  readonly 'x-description'?: LocalizedText;
}

export interface ConnectorType {
  readonly id: string;
  readonly display_name: string;
  readonly description: string;
  readonly settings_schema: {
    readonly properties?: Record<string, SettingSchema>;
    readonly required?: readonly string[];
  };
  readonly secret_fields: readonly string[];
}

export interface AuditEntry {
  readonly id: string;
  readonly connector_id: string | null;
  readonly actor: string;
  readonly action: string;
  readonly details: Record<string, unknown>;
  readonly at: string;
}

/** What the API shows for a stored secret. */
export const secretSetMarker = '<set>';
