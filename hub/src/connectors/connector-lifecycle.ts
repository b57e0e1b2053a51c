import {
  createConnectorAuditRepository,
  createConnectorInstanceRepository,
  type ConnectorInstance,
  type ConnectorInstancePatch,
  type Db,
  type JsonValue,
  type NewConnectorInstance,
} from '@vc/conference-core';

import type { SyncEngine } from '../sync/sync-engine.js';

/**
 * Creating, changing and deleting a connector instance, for the admin endpoints and the UCS
 * connector file alike: the row, its job schedules and its audit entry move together. Schedules
 * are applied first (a cron the queue refuses is found before anything is stored) and put back
 * when the write fails; settings are checked and encrypted by the caller (`prepareSettings`).
 */
export interface ConnectorLifecycle {
  create(
    tenantId: string,
    change: AuditedChange,
    instance: NewConnectorInstance,
  ): Promise<LifecycleResult<'name_taken' | 'invalid_schedule'>>;
  update(
    tenantId: string,
    change: AuditedChange,
    current: ConnectorInstance,
    patch: ConnectorInstancePatch,
  ): Promise<LifecycleResult<'name_taken' | 'not_found' | 'invalid_schedule'>>;
  /** Deletes the instance, its schedules and runs; the users it brought in stay as they are. */
  delete(tenantId: string, change: AuditedChange, instance: ConnectorInstance): Promise<void>;
}

/** Who made a change and what the audit log says about it (field names, never secret values). */
export interface AuditedChange {
  readonly actor: string;
  readonly details: Record<string, JsonValue>;
}

export type LifecycleResult<Reason extends string> =
  | { readonly ok: true; readonly instance: ConnectorInstance }
  | { readonly ok: false; readonly reason: Reason; readonly message: string };

export function createConnectorLifecycle(deps: {
  readonly db: Db;
  readonly engine: Pick<SyncEngine, 'applySchedules' | 'removeSchedules'>;
}): ConnectorLifecycle {
  const instances = createConnectorInstanceRepository(deps.db);
  const audit = createConnectorAuditRepository(deps.db);
  return {
    async create(tenantId, change, instance) {
      const created = await instances.create(tenantId, instance);
      if (!created.ok) return { ok: false, reason: 'name_taken', message: 'another connector has this name' };
      try {
        await deps.engine.applySchedules(created.instance);
      } catch (err) {
        await instances.delete(tenantId, created.instance.id);
        return { ok: false, reason: 'invalid_schedule', message: scheduleMessage(err) };
      }
      await audit.append(tenantId, {
        instanceId: created.instance.id,
        actor: change.actor,
        action: 'connector.created',
        details: change.details,
      });
      return created;
    },
    async update(tenantId, change, current, patch) {
      try {
        await deps.engine.applySchedules({ ...current, ...patch });
      } catch (err) {
        return { ok: false, reason: 'invalid_schedule', message: scheduleMessage(err) };
      }
      const updated = await instances.update(tenantId, current.id, patch);
      if (!updated.ok) {
        await deps.engine.applySchedules(current).catch(() => undefined);
        return {
          ok: false,
          reason: updated.reason,
          message: updated.reason === 'not_found' ? 'no such connector' : 'another connector has this name',
        };
      }
      await audit.append(tenantId, {
        instanceId: current.id,
        actor: change.actor,
        action: 'connector.updated',
        details: change.details,
      });
      return updated;
    },
    async delete(tenantId, change, instance) {
      await deps.engine.removeSchedules(instance.id);
      await instances.delete(tenantId, instance.id);
      await audit.append(tenantId, {
        instanceId: instance.id,
        actor: change.actor,
        action: 'connector.deleted',
        details: change.details,
      });
    },
  };
}

function scheduleMessage(err: unknown): string {
  return err instanceof Error ? err.message : 'the schedule is not valid';
}
