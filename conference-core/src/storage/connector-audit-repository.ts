import type { JsonValue } from '../json.js';
import { jsonb } from './jsonb.js';
import { allUuids, assertPageSize, isUuid, type Db } from './repository-support.js';

/** Who changed which connector, when, and what (never secret values: only which fields changed). */
export interface ConnectorAuditEntry {
  readonly id: string;
  readonly tenantId: string;
  readonly instanceId: string | null;
  /** The user id of the admin, or `scheduler` / `system`. */
  readonly actor: string;
  /** `instance.created`, `instance.updated`, `run.started`, `run.approved`, ... */
  readonly action: string;
  readonly details: Record<string, JsonValue>;
  readonly createdAt: Date;
}

export interface NewConnectorAuditEntry {
  readonly instanceId: string | null;
  readonly actor: string;
  readonly action: string;
  readonly details?: Record<string, JsonValue>;
}

export interface ConnectorAuditRepository {
  append(tenantId: string, entry: NewConnectorAuditEntry): Promise<ConnectorAuditEntry>;
  /** Newest first; only one instance's entries when `instanceId` is given. */
  list(tenantId: string, options: { instanceId?: string; limit: number }): Promise<ConnectorAuditEntry[]>;
}

export function createConnectorAuditRepository(db: Db): ConnectorAuditRepository {
  return {
    async append(tenantId, entry) {
      if (!isUuid(tenantId)) throw new RangeError(`tenant id ${JSON.stringify(tenantId)} is not a uuid`);
      const row = await db
        .insertInto('connector_audit_log')
        .values({
          tenant_id: tenantId,
          instance_id: entry.instanceId,
          actor: entry.actor,
          action: entry.action,
          details: jsonb(entry.details ?? {}),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toEntry(row);
    },

    async list(tenantId, options) {
      assertPageSize(options.limit);
      if (!isUuid(tenantId)) return [];
      const { instanceId } = options;
      if (instanceId !== undefined && !allUuids(instanceId)) return [];
      const rows = await db
        .selectFrom('connector_audit_log')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .$if(instanceId !== undefined, (q) => q.where('instance_id', '=', instanceId!))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(options.limit)
        .execute();
      return rows.map(toEntry);
    },
  };
}

function toEntry(row: {
  id: string;
  tenant_id: string;
  instance_id: string | null;
  actor: string;
  action: string;
  details: JsonValue;
  created_at: Date;
}): ConnectorAuditEntry {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    instanceId: row.instance_id,
    actor: row.actor,
    action: row.action,
    details: row.details as Record<string, JsonValue>,
    createdAt: row.created_at,
  };
}
