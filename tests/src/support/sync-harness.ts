import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  createConnectorInstanceRepository,
  createSyncRunRepository,
  createTenantRepository,
  InProcessJobQueue,
  migrateToLatest,
  openDatabase,
  silentLogger,
  type DatabaseHandle,
  type Logger,
  type SyncRun,
} from '@vc/conference-core';
import type { ConnectorDefinition } from '@vc/connector-sdk';

import {
  createConnectorRegistry,
  prepareSettings,
  createSecretBox,
  createSyncEngine,
  type SyncEngine,
  type SyncEngineOptions,
} from '@vc/hub/testing';
import { adminQuery, databaseUrl } from './postgres-admin.js';

export type Backend = 'pglite' | 'postgres';

/** Every log line of the engine, as JSON text, to check what reached the log. */
export function recordingLogger(lines: string[], base: Record<string, unknown> = {}): Logger {
  const write = (level: string) => (fields: Record<string, unknown>, message: string) =>
    void lines.push(JSON.stringify({ level, ...base, ...fields, message }, errorReplacer));
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (fields) => recordingLogger(lines, { ...base, ...fields }),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { message: value.message, stack: value.stack } : value;
}

/** A migrated database on either backend; `close()` removes it. */
export async function openTestDatabase(
  backend: Backend,
): Promise<DatabaseHandle & { remove(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vc-sync-'));
  let name: string | undefined;
  if (backend === 'postgres') {
    name = `vc_sync_${randomBytes(6).toString('hex')}`;
    await adminQuery(`create database ${name}`);
  }
  const handle = await openDatabase({
    ...(name === undefined ? {} : { databaseUrl: databaseUrl(name) }),
    dataDir,
    logger: silentLogger,
  });
  await migrateToLatest(handle.db, silentLogger);
  return Object.assign(handle, {
    async remove() {
      await handle.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (name !== undefined) await adminQuery(`drop database if exists ${name} with (force)`);
    },
  });
}

export const secretBox = createSecretBox(Buffer.alloc(32, 7));

export interface Harness {
  readonly engine: SyncEngine;
  readonly queue: InProcessJobQueue;
  newTenant(): Promise<string>;
  newInstance(tenantId: string, settings: Record<string, unknown>, guardShare?: number): Promise<string>;
  /** Requests a run and executes it here, to its end. */
  run(tenantId: string, instanceId: string, mode: 'full' | 'incremental', dryRun?: boolean): Promise<SyncRun>;
  getRun(tenantId: string, runId: string): Promise<SyncRun>;
  engineWith(overrides: Partial<SyncEngineOptions>): SyncEngine;
  close(): Promise<void>;
}

export function syncHarness(
  db: DatabaseHandle['db'],
  connectors: readonly ConnectorDefinition[],
  logger: Logger,
  overrides: Partial<SyncEngineOptions> = {},
): Harness {
  const registry = createConnectorRegistry(connectors);
  const queue = new InProcessJobQueue({ logger: silentLogger });
  const options: SyncEngineOptions = {
    db,
    queue,
    logger,
    registry,
    secrets: secretBox,
    leaseMs: 60_000,
    maxRetries: 3,
    retentionDays: 30,
    retryBaseMs: 10,
    ...overrides,
  };
  const engine = createSyncEngine(options);
  const getRun = async (tenantId: string, runId: string) => {
    const run = await createSyncRunRepository(db).findById(tenantId, runId);
    if (run === undefined) throw new Error('run vanished');
    return run;
  };
  return {
    engine,
    queue,
    async newTenant() {
      const created = await createTenantRepository(db).create({
        slug: `t-${randomBytes(4).toString('hex')}`,
        name: 'Tenant',
      });
      if (!created.ok) throw new Error('tenant not created');
      return created.tenant.id;
    },
    async newInstance(tenantId, settings, guardShare = 1) {
      const definition = registry.all[0]!;
      const prepared = prepareSettings(definition, secretBox, tenantId, settings);
      if (!prepared.ok) throw new Error(JSON.stringify(prepared.problems));
      const created = await createConnectorInstanceRepository(db).create(tenantId, {
        connectorType: definition.id,
        name: `Directory ${randomBytes(3).toString('hex')}`,
        settings: prepared.stored.settings,
        secrets: prepared.stored.secrets,
        guardShare,
      });
      if (!created.ok) throw new Error('instance not created');
      return created.instance.id;
    },
    async run(tenantId, instanceId, mode, dryRun = false) {
      const requested = await engine.requestRun(tenantId, instanceId, {
        mode,
        dryRun,
        trigger: 'manual',
        actor: null,
      });
      if (!requested.ok) throw new Error(`run not requested: ${requested.reason}`);
      await engine.executeRun(tenantId, requested.run.id, new AbortController().signal);
      return getRun(tenantId, requested.run.id);
    },
    getRun,
    engineWith: (more) => createSyncEngine({ ...options, ...more }),
    close: () => queue.close({ timeoutMs: 1000 }),
  };
}
