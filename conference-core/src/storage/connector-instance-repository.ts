import { sql, type Selectable } from 'kysely';
import type { JsonValue } from '../json.js';
import { jsonb } from './jsonb.js';
import { allUuids, isUuid, type Db } from './repository-support.js';
import type { ConnectorInstancesTable } from './schema.js';

/** One configured connection of a tenant to an upstream directory (a UCS domain, a M365 tenant). */
export interface ConnectorInstance {
  readonly id: string;
  readonly tenantId: string;
  /** The connector definition's id, e.g. `ucs`. */
  readonly connectorType: string;
  readonly name: string;
  readonly enabled: boolean;
  /** Settings without the secret fields. */
  readonly settings: Record<string, JsonValue>;
  /** Secret fields as the hub stored them (ciphertext); this layer never sees plain secrets. */
  readonly secrets: Record<string, string>;
  /** Incremental runs this often; null: no incremental schedule. */
  readonly incrementalEveryMs: number | null;
  /** Full reconcile on this cron pattern (UTC); null: none scheduled. */
  readonly fullCron: string | null;
  /** Share (0..1) of the linked users a run may deactivate without approval. */
  readonly guardShare: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewConnectorInstance {
  readonly connectorType: string;
  readonly name: string;
  readonly enabled?: boolean;
  readonly settings: Record<string, JsonValue>;
  readonly secrets: Record<string, string>;
  readonly incrementalEveryMs?: number | null;
  readonly fullCron?: string | null;
  readonly guardShare?: number;
}

export type ConnectorInstancePatch = Partial<Omit<NewConnectorInstance, 'connectorType'>>;

export type SaveConnectorInstanceResult =
  | { readonly ok: true; readonly instance: ConnectorInstance }
  | { readonly ok: false; readonly reason: 'name_taken' | 'not_found' };

export interface ConnectorInstanceRepository {
  create(tenantId: string, instance: NewConnectorInstance): Promise<SaveConnectorInstanceResult>;
  findById(tenantId: string, id: string): Promise<ConnectorInstance | undefined>;
  /** Ordered by name. */
  list(tenantId: string): Promise<ConnectorInstance[]>;
  update(tenantId: string, id: string, patch: ConnectorInstancePatch): Promise<SaveConnectorInstanceResult>;
  /** Deletes the instance and its runs; users it created stay (their identity links stay too). */
  delete(tenantId: string, id: string): Promise<boolean>;
  /**
   * Every enabled instance of every tenant, for the scheduler at start-up (like the outbox, one
   * scheduler serves all tenants; each row carries its tenant).
   */
  listEnabledAcrossTenants(): Promise<ConnectorInstance[]>;
}

export function createConnectorInstanceRepository(db: Db): ConnectorInstanceRepository {
  const findById = async (tenantId: string, id: string) => {
    if (!allUuids(tenantId, id)) return undefined;
    const row = await db
      .selectFrom('connector_instances')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toInstance(row);
  };

  return {
    async create(tenantId, instance) {
      if (!isUuid(tenantId)) throw new RangeError(`tenant id ${JSON.stringify(tenantId)} is not a uuid`);
      const row = await db
        .insertInto('connector_instances')
        .values({
          tenant_id: tenantId,
          connector_type: instance.connectorType,
          name: instance.name,
          ...columns(instance),
          settings: jsonb(instance.settings),
          secrets: jsonb(instance.secrets),
        })
        .onConflict((conflict) => conflict.doNothing())
        .returningAll()
        .executeTakeFirst();
      return row ? { ok: true, instance: toInstance(row) } : { ok: false, reason: 'name_taken' };
    },

    findById,

    async list(tenantId) {
      if (!isUuid(tenantId)) return [];
      const rows = await db
        .selectFrom('connector_instances')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy(sql`name collate "C"`)
        .orderBy('id')
        .execute();
      return rows.map(toInstance);
    },

    async update(tenantId, id, patch) {
      if (!allUuids(tenantId, id)) return { ok: false, reason: 'not_found' };
      const { name } = patch;
      if (name !== undefined) {
        const holder = await db
          .selectFrom('connector_instances')
          .select('id')
          .where('tenant_id', '=', tenantId)
          .where('name', '=', name)
          .where('id', '<>', id)
          .executeTakeFirst();
        if (holder) return (await findById(tenantId, id)) ? { ok: false, reason: 'name_taken' } : notFound;
      }
      const row = await db
        .updateTable('connector_instances')
        .set({
          ...columns(patch),
          ...(name === undefined ? {} : { name }),
          ...(patch.settings === undefined ? {} : { settings: jsonb(patch.settings) }),
          ...(patch.secrets === undefined ? {} : { secrets: jsonb(patch.secrets) }),
          updated_at: sql<Date>`now()`,
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row ? { ok: true, instance: toInstance(row) } : notFound;
    },

    async delete(tenantId, id) {
      if (!allUuids(tenantId, id)) return false;
      const result = await db
        .deleteFrom('connector_instances')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async listEnabledAcrossTenants() {
      const rows = await db
        .selectFrom('connector_instances')
        .selectAll()
        .where('enabled', '=', true)
        .orderBy('id')
        .execute();
      return rows.map(toInstance);
    },
  };
}

const notFound = { ok: false, reason: 'not_found' } as const;

function columns(instance: ConnectorInstancePatch) {
  return {
    ...(instance.enabled !== undefined && { enabled: instance.enabled }),
    ...(instance.incrementalEveryMs !== undefined && { incremental_every_ms: instance.incrementalEveryMs }),
    ...(instance.fullCron !== undefined && { full_cron: instance.fullCron }),
    ...(instance.guardShare !== undefined && { guard_share: instance.guardShare }),
  };
}

function toInstance(row: Selectable<ConnectorInstancesTable>): ConnectorInstance {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    connectorType: row.connector_type,
    name: row.name,
    enabled: row.enabled,
    settings: row.settings as Record<string, JsonValue>,
    secrets: row.secrets as Record<string, string>,
    incrementalEveryMs: row.incremental_every_ms,
    fullCron: row.full_cron,
    guardShare: Number(row.guard_share),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
