import { readFile, rename, writeFile } from 'node:fs/promises';

import { z } from 'zod';

import { createConnectorInstanceRepository, createTenantRepository, type Logger } from '@vc/conference-core';

import {
  applyConnectorDescription,
  disableConnectorFromFile,
  type ApplyConnectorFileDeps,
} from './apply-connector-file.js';
import { readConnectorDescription } from './connector-file.js';

/** What the watcher remembers across restarts: which instance the file made, and whether it stopped it. */
const stateSchema = z.object({
  tenantId: z.uuid(),
  instanceId: z.uuid(),
  /** Set when the file disappeared and the watcher disabled the instance; the file's return re-enables it. */
  disabledByRemoval: z.boolean(),
});
type WatcherState = z.infer<typeof stateSchema>;

export interface ConnectorFileWatcherOptions {
  /** The description the join script writes (UCS_CONNECTOR_FILE). */
  readonly path: string;
  /** Where the watcher keeps its state (in DATA_DIR, beside the database of embedded mode). */
  readonly stateFile: string;
  /** How often the file is looked at again; 0: only at start. */
  readonly pollMs: number;
  readonly defaultTenant: string;
  readonly deps: Omit<ApplyConnectorFileDeps, 'source'>;
  readonly logger: Logger;
}

export interface ConnectorFileWatcher {
  /** Applies the file once, then keeps looking every `pollMs`. Never throws. */
  start(): Promise<void>;
  /** One look at the file (and its secret files); acts only when something changed since the last. */
  check(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Keeps the connector instance in step with the file a package's join script writes. Polling, not
 * fs.watch: the file is replaced by rename (a watch on it goes stale), lives on a bind mount in the
 * UCS container (inotify events may not cross it), and changes a few times a year; reading two
 * small files every few seconds costs nothing. A file that is unchanged (same content, same secret
 * files) is not looked at twice, so a broken one is logged once per change, not every poll.
 */
export function createConnectorFileWatcher(options: ConnectorFileWatcherOptions): ConnectorFileWatcher {
  const { logger, path } = options;
  const deps: ApplyConnectorFileDeps = { ...options.deps, source: path };
  const tenants = createTenantRepository(options.deps.db);
  let lastFingerprint: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let stopped = false;

  const readState = async (): Promise<WatcherState | undefined> => {
    let text: string;
    try {
      text = await readFile(options.stateFile, 'utf8');
    } catch {
      return undefined; // first start
    }
    try {
      return stateSchema.parse(JSON.parse(text));
    } catch {
      // Damaged: the instance is found again by type and name.
      logger.warn({ file: options.stateFile }, 'ignoring the unreadable connector file state');
      return undefined;
    }
  };
  const writeState = async (state: WatcherState): Promise<void> => {
    const temp = `${options.stateFile}.tmp`;
    await writeFile(temp, `${JSON.stringify(state)}\n`, { mode: 0o600 });
    await rename(temp, options.stateFile);
  };

  const checkOnce = async (): Promise<void> => {
    const read = await readConnectorDescription(path);
    if (read.fingerprint === lastFingerprint) return;
    const state = await readState();
    if (!read.ok && read.reason === 'missing') {
      if (state !== undefined && !state.disabledByRemoval) {
        const disabled = await disableConnectorFromFile(deps, state.tenantId, state.instanceId);
        const fields = { file: path, tenant: state.tenantId, instance: state.instanceId };
        if (disabled !== undefined) {
          logger.warn(
            fields,
            'the connector file is gone (the app was unjoined): its connector stays, with its schedules stopped',
          );
        } else
          logger.info(fields, 'the connector file is gone; its connector was already disabled or deleted');
        await writeState({ ...state, disabledByRemoval: true });
      }
      lastFingerprint = read.fingerprint;
      return;
    }
    if (!read.ok) {
      logger.error({ file: path }, `${read.message}; the connector is left as it is`);
      lastFingerprint = read.fingerprint;
      return;
    }
    const { description } = read;
    const slug = description.tenant ?? options.defaultTenant;
    const tenant = await tenants.findBySlug(slug);
    if (tenant === undefined) {
      logger.error(
        { file: path, tenantSlug: slug },
        `the connector file names tenant "${slug}", which does not exist`,
      );
      lastFingerprint = read.fingerprint;
      return;
    }
    const known = state?.tenantId === tenant.id ? state : undefined;
    if (
      known !== undefined &&
      !known.disabledByRemoval &&
      (await createConnectorInstanceRepository(options.deps.db).findById(tenant.id, known.instanceId)) ===
        undefined
    ) {
      // An admin deleted the connector this file made: their decision stands until the app is
      // installed again (the file removed and written anew) or the state file is removed.
      logger.warn(
        { file: path, tenant: tenant.id, instance: known.instanceId, state: options.stateFile },
        `the connector made from the connector file was deleted; not creating it again (to have it created, remove ${options.stateFile})`,
      );
      lastFingerprint = read.fingerprint;
      return;
    }
    const outcome = await applyConnectorDescription(deps, tenant.id, description, {
      knownInstanceId: known?.instanceId,
      enable: known?.disabledByRemoval === true,
    });
    const log = { file: path, tenant: tenant.id };
    switch (outcome.kind) {
      case 'refused':
        logger.error(log, `connector file not applied: ${outcome.message}; the connector is left as it is`);
        break;
      case 'unchanged':
        logger.info({ ...log, instance: outcome.instance.id }, 'connector file matches its connector');
        break;
      case 'created':
      case 'updated':
        logger.info(
          { ...log, instance: outcome.instance.id, fields: outcome.fields },
          `connector ${outcome.kind} from the connector file`,
        );
        break;
    }
    if (outcome.kind !== 'refused') {
      await writeState({ tenantId: tenant.id, instanceId: outcome.instance.id, disabledByRemoval: false });
    }
    lastFingerprint = read.fingerprint;
  };

  const check = (): Promise<void> => {
    // One look at a time: a slow database must not let two polls create two instances.
    inFlight = inFlight.then(() =>
      checkOnce().catch((err: unknown) => {
        // The database or the state file failed: nothing recorded, the next poll tries again.
        logger.warn({ err, file: path }, 'could not apply the connector file; trying again at the next poll');
      }),
    );
    return inFlight;
  };

  return {
    async start() {
      await check();
      if (options.pollMs > 0 && !stopped) {
        timer = setInterval(() => void check(), options.pollMs);
        timer.unref();
      }
    },
    check,
    async stop() {
      stopped = true;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
