import { isDeepStrictEqual } from 'node:util';

import {
  createConnectorInstanceRepository,
  type ConnectorInstance,
  type ConnectorInstancePatch,
  type Db,
} from '@vc/conference-core';

import { createConnectorLifecycle } from '../connectors/connector-lifecycle.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import type { ConnectorDescription } from './connector-file.js';
import { openSettings, prepareSettings } from './connector-settings.js';
import { defaultSchedule } from './default-schedule.js';
import type { SecretBox } from './secret-box.js';
import type { SyncEngine } from './sync-engine.js';

/** The audit actor of every change the connector file makes: an admin reading the log sees the source. */
export const joinScriptActor = 'ucs-join-script';

export interface ApplyConnectorFileDeps {
  readonly db: Db;
  readonly registry: ConnectorRegistry;
  readonly secrets: SecretBox;
  readonly engine: Pick<SyncEngine, 'applySchedules' | 'removeSchedules'>;
  readonly defaultGuardShare: number;
  /** The description's path, recorded in audit entries. */
  readonly source: string;
}

export type ApplyOutcome =
  | { readonly kind: 'created' | 'updated'; readonly instance: ConnectorInstance; readonly fields: string[] }
  | { readonly kind: 'unchanged'; readonly instance: ConnectorInstance }
  | { readonly kind: 'refused'; readonly message: string };

/**
 * Makes the tenant's connector instance match the description: creates it, or updates the fields
 * the description names (settings fields it names win; fields it leaves out keep what an admin
 * set). Compares the effective settings (decrypted, defaults applied), so the same description
 * applied twice changes nothing and writes no audit entry. Settings the connector's schema refuses
 * change nothing at all. `known` is the instance this file made before (the watcher's state);
 * without it, or when it is gone, the instance of that type and name is taken.
 */
export async function applyConnectorDescription(
  deps: ApplyConnectorFileDeps,
  tenantId: string,
  description: ConnectorDescription,
  options: { readonly knownInstanceId?: string | undefined; readonly enable?: boolean } = {},
): Promise<ApplyOutcome> {
  const definition = deps.registry.find(description.connector);
  if (definition === undefined) {
    const known = deps.registry.all.map((d) => d.id).join(', ');
    return { kind: 'refused', message: `unknown connector "${description.connector}" (known: ${known})` };
  }
  const lifecycle = createConnectorLifecycle(deps);
  const current = await findManaged(deps.db, tenantId, description, options.knownInstanceId);
  let prepared;
  try {
    prepared = prepareSettings(definition, deps.secrets, tenantId, description.settings, current);
  } catch {
    // The stored secrets do not open: merging over them would lose them; an admin must look.
    return {
      kind: 'refused',
      message:
        'the stored secrets of the connector cannot be decrypted with the configured CONNECTOR_SECRET_KEY',
    };
  }
  if (!prepared.ok) {
    const fields = prepared.problems.map((p) => `${p.field.replace(/^body\.settings\./, '')}: ${p.message}`);
    return { kind: 'refused', message: `the connector refuses these settings (${fields.join('; ')})` };
  }
  if (current === undefined) {
    const fields = Object.keys(description.settings).sort();
    const created = await lifecycle.create(
      tenantId,
      {
        actor: joinScriptActor,
        details: { type: definition.id, name: description.name, source: deps.source, settings: fields },
      },
      {
        connectorType: definition.id,
        name: description.name,
        enabled: true,
        settings: prepared.stored.settings,
        secrets: prepared.stored.secrets,
        // `??` would also replace null, which is how a file turns a kind of run off.
        incrementalEveryMs:
          description.incrementalEveryMs === undefined
            ? defaultSchedule.incrementalEveryMs
            : description.incrementalEveryMs,
        fullCron: description.fullCron === undefined ? defaultSchedule.fullCron : description.fullCron,
        guardShare: description.guardShare ?? deps.defaultGuardShare,
      },
    );
    if (!created.ok) {
      return {
        kind: 'refused',
        message:
          created.reason === 'name_taken'
            ? `another connector of a different type is already named "${description.name}"`
            : `the schedule is not valid: ${created.message}`,
      };
    }
    return { kind: 'created', instance: created.instance, fields };
  }

  const before = openSettings(definition, deps.secrets, current);
  const after = openSettings(definition, deps.secrets, { ...current, ...prepared.stored });
  const changedSettings = !after.ok
    ? Object.keys(description.settings)
    : !before.ok
      ? Object.keys(after.settings as object)
      : changedKeys(before.settings as Record<string, unknown>, after.settings as Record<string, unknown>);
  const patch: { -readonly [K in keyof ConnectorInstancePatch]: ConnectorInstancePatch[K] } = {};
  if (changedSettings.length > 0) {
    patch.settings = prepared.stored.settings;
    patch.secrets = prepared.stored.secrets;
  }
  const wanted = {
    incrementalEveryMs: description.incrementalEveryMs,
    fullCron: description.fullCron,
    guardShare: description.guardShare,
  };
  if (wanted.incrementalEveryMs !== undefined && wanted.incrementalEveryMs !== current.incrementalEveryMs)
    patch.incrementalEveryMs = wanted.incrementalEveryMs;
  if (wanted.fullCron !== undefined && wanted.fullCron !== current.fullCron) patch.fullCron = wanted.fullCron;
  // Stored as a 4-byte float: 33.33 % does not come back bit for bit.
  if (wanted.guardShare !== undefined && Math.abs(wanted.guardShare - current.guardShare) > 1e-6)
    patch.guardShare = wanted.guardShare;
  if (options.enable === true && !current.enabled) patch.enabled = true;
  const fields = [
    ...Object.keys(patch).filter((k) => k !== 'settings' && k !== 'secrets'),
    ...changedSettings.map((k) => `settings.${k}`),
  ].sort();
  if (fields.length === 0) return { kind: 'unchanged', instance: current };

  // Which fields changed, never their values (secrets among them).
  const updated = await lifecycle.update(
    tenantId,
    { actor: joinScriptActor, details: { source: deps.source, fields } },
    current,
    patch,
  );
  if (!updated.ok) {
    return {
      kind: 'refused',
      message:
        updated.reason === 'invalid_schedule'
          ? `the schedule is not valid: ${updated.message}`
          : `the connector could not be updated (${updated.reason})`,
    };
  }
  return { kind: 'updated', instance: updated.instance, fields };
}

/**
 * Leaves the instance but stops its schedules (the package was removed; its LDAP account is gone,
 * so scheduled runs would only fail). Returns false when there was nothing to disable.
 */
export async function disableConnectorFromFile(
  deps: Pick<ApplyConnectorFileDeps, 'db' | 'engine' | 'source'>,
  tenantId: string,
  instanceId: string,
): Promise<ConnectorInstance | undefined> {
  const current = await createConnectorInstanceRepository(deps.db).findById(tenantId, instanceId);
  if (current === undefined || !current.enabled) return undefined;
  const updated = await createConnectorLifecycle(deps).update(
    tenantId,
    {
      actor: joinScriptActor,
      details: {
        source: deps.source,
        fields: ['enabled'],
        reason: 'the connector file was removed (unjoin)',
      },
    },
    current,
    { enabled: false },
  );
  if (!updated.ok) return undefined;
  return updated.instance;
}

async function findManaged(
  db: Db,
  tenantId: string,
  description: ConnectorDescription,
  knownInstanceId: string | undefined,
): Promise<ConnectorInstance | undefined> {
  const instances = createConnectorInstanceRepository(db);
  if (knownInstanceId !== undefined) {
    const known = await instances.findById(tenantId, knownInstanceId);
    if (known !== undefined && known.connectorType === description.connector) return known;
  }
  return (await instances.list(tenantId)).find(
    (i) => i.connectorType === description.connector && i.name === description.name,
  );
}

function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !isDeepStrictEqual(before[k], after[k])).sort();
}
