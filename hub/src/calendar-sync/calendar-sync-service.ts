import type { CalendarsCapability, ConnectorContext, JsonValue } from '@vc/connector-sdk';
import {
  createCalendarSyncRepository,
  createConnectorInstanceRepository,
  type ConnectorInstance,
  type Db,
  type EventService,
  type Logger,
} from '@vc/conference-core';

import type { ConnectorRegistry } from '../connectors/registry.js';
import { connectorLogger } from '../sync/connector-logger.js';
import { openSettings } from '../sync/connector-settings.js';
import type { SecretBox } from '../sync/secret-box.js';
import { applyCalendarBatch } from './apply-calendar-batch.js';

export interface CalendarSyncOptions {
  readonly db: Db;
  readonly registry: ConnectorRegistry;
  readonly secrets: SecretBox;
  readonly events: EventService;
  readonly logger: Logger;
  /** The hub's public URL: subscriptions point Graph at `<url>/connectors/...` (needs https in production). */
  readonly publicUrl: () => string;
  /** How often every calendar connector runs a round without a push; 0: only on pushes. */
  readonly everyMs: number;
  readonly now?: () => Date;
}

export interface CalendarSyncService {
  start(): Promise<void>;
  /**
   * A round for every calendar connector, and subscriptions for those that have none yet (a new
   * connector); resolves when the rounds are done. The schedule calls it.
   */
  refresh(): Promise<void>;
  stop(): Promise<void>;
  /** Runs a round (limited to `calendars` when given); coalesces with one already waiting. */
  request(tenantId: string, instanceId: string, calendars?: readonly string[]): Promise<void>;
  /** Creates or renews the instance's subscriptions now. */
  maintain(tenantId: string, instanceId: string): Promise<void>;
  /**
   * A connector was created, changed, enabled, disabled or deleted (the admin API calls this after
   * its write): a calendar connector gets its subscriptions and a first round at once instead of
   * at the next schedule tick; one that is gone or disabled is no longer maintained. Resolves when
   * that round is done.
   */
  changed(tenantId: string, instanceId: string): Promise<void>;
  /** The push endpoint's part: handshake text, or the receipt applied (state stored, rounds requested). */
  receive(
    tenantId: string,
    instanceId: string,
    query: Record<string, string | undefined>,
    body: unknown,
  ): Promise<{ handshake: string } | { known: boolean }>;
  /** Resolves when no round is running or waiting (tests, shutdown). */
  idle(): Promise<void>;
}

const openCacheMs = 10_000;

const pushStateContext = (tenantId: string, instanceId: string) => `${tenantId}/calendar-push/${instanceId}`;

export const calendarNotificationPath = (
  tenantId: string,
  instanceId: string,
  kind: 'notifications' | 'lifecycle',
) => `/connectors/${tenantId}/${instanceId}/calendar-${kind}`;

/** One lane per connector instance: rounds run one after another, waiting requests merge. */
interface Lane {
  running: Promise<void>;
  /** A round waits: `all` or the calendars named so far. */
  pending: 'all' | Set<string> | null;
}

/**
 * Keeps the core's meetings in step with upstream calendars: rounds on a schedule and on pushed
 * hints, each applying the connector's batches and storing its cursor after each; subscriptions
 * maintained before they expire. In-process: the worker that receives the push runs the round.
 */
export function createCalendarSyncService(options: CalendarSyncOptions): CalendarSyncService {
  const { db, registry, logger } = options;
  const now = options.now ?? (() => new Date());
  const state = createCalendarSyncRepository(db);
  const instances = createConnectorInstanceRepository(db);
  const lanes = new Map<string, Lane>();
  const timers = new Set<NodeJS.Timeout>();
  /** Per instance, the one timer of its next subscription maintenance (a new one replaces it). */
  const maintenanceTimers = new Map<string, NodeJS.Timeout>();
  /**
   * Instances whose subscriptions this process maintains (then on their own timers), with their
   * first set-up: a schedule tick during a set-up waits for it rather than starting another.
   */
  const maintained = new Map<string, Promise<void>>();
  /** Maintenance started by lifecycle events and connector changes, awaited by `idle`. */
  const upkeep = new Set<Promise<void>>();
  const track = (work: Promise<void>): Promise<void> => {
    upkeep.add(work);
    void work.finally(() => upkeep.delete(work));
    return work;
  };
  const shutdown = new AbortController();

  const open = async (tenantId: string, instanceId: string) => {
    const instance = await instances.findById(tenantId, instanceId);
    if (instance === undefined || !instance.enabled) return undefined;
    const definition = registry.find(instance.connectorType);
    const calendars = definition?.capabilities.calendars as CalendarsCapability<unknown> | undefined;
    if (definition === undefined || calendars === undefined) return undefined;
    const opened = openSettings(definition, options.secrets, instance);
    if (!opened.ok) {
      logger.warn({ tenant: tenantId, instance: instanceId }, `calendar sync skipped: ${opened.message}`);
      return undefined;
    }
    const log = logger.child({ tenant: tenantId, instance: instanceId, connector: definition.id });
    const ctx = (signal: AbortSignal): ConnectorContext<unknown> => ({
      settings: opened.settings,
      logger: connectorLogger(log, opened.secretValues),
      fetch: globalThis.fetch,
      signal,
      clock: { now },
    });
    return { instance, calendars, ctx, log };
  };

  /**
   * `open` remembered for a few seconds: at dozens of pushes a second, each push and each round
   * would otherwise read and decrypt the same settings. A change through the admin API drops the
   * entry at once (`changed`); one made by another process is seen within `openCacheMs`.
   */
  const opened = new Map<string, { until: number; value: ReturnType<typeof open> }>();
  const openCached = (tenantId: string, instanceId: string): ReturnType<typeof open> => {
    const key = `${tenantId}/${instanceId}`;
    const hit = opened.get(key);
    if (hit !== undefined && hit.until > Date.now()) return hit.value;
    const value = open(tenantId, instanceId);
    opened.set(key, { until: Date.now() + openCacheMs, value });
    value.catch(() => opened.delete(key));
    return value;
  };

  /**
   * The push state as this process last read or wrote it. A receipt that rejects something with
   * the remembered state is checked again against the stored one (another process may have
   * subscribed anew), so the memory only saves the read, never a notification.
   */
  const pushStates = new Map<string, JsonValue | null>();
  const pushStateOf = async (tenantId: string, instanceId: string, fresh: boolean) => {
    const key = `${tenantId}/${instanceId}`;
    if (!fresh && pushStates.has(key)) return { value: pushStates.get(key) ?? null, remembered: true };
    const stored = await state.state(tenantId, instanceId);
    const value = readPushState(stored.pushState, tenantId, instanceId);
    pushStates.set(key, value);
    return { value, remembered: false };
  };

  const round = async (tenantId: string, instanceId: string, only: readonly string[] | undefined) => {
    const instance = await openCached(tenantId, instanceId);
    if (instance === undefined) return;
    const { calendars, ctx, log } = instance;
    const { cursor } = await state.state(tenantId, instanceId);
    const request = { cursor, ...(only !== undefined && { calendars: only }) };
    let totals = { unchanged: 0, linked: 0, updated: 0, cancelled: 0, ignored: 0 };
    for await (const batch of calendars.sync(ctx(shutdown.signal), request)) {
      const counts = await applyCalendarBatch(
        { db, events: options.events, logger: log, tenantId, instanceId },
        batch,
      );
      totals = {
        unchanged: totals.unchanged + counts.unchanged,
        linked: totals.linked + counts.linked,
        updated: totals.updated + counts.updated,
        cancelled: totals.cancelled + counts.cancelled,
        ignored: totals.ignored + counts.ignored,
      };
    }
    if (totals.updated + totals.cancelled > 0) log.info(totals, 'calendar changes applied to meetings');
  };

  const request = (tenantId: string, instanceId: string, calendars?: readonly string[]): Promise<void> => {
    const key = `${tenantId}/${instanceId}`;
    let lane = lanes.get(key);
    if (lane === undefined) {
      lane = { running: Promise.resolve(), pending: null };
      lanes.set(key, lane);
    }
    const current = lane;
    const wasWaiting = current.pending !== null;
    if (calendars === undefined || current.pending === 'all') current.pending = 'all';
    else {
      const named = current.pending ?? new Set<string>();
      for (const c of calendars) named.add(c);
      current.pending = named;
    }
    if (wasWaiting) return current.running; // merged into the round already queued
    current.running = current.running.then(async () => {
      const pending = current.pending;
      current.pending = null;
      if (pending === null || shutdown.signal.aborted) return;
      await round(tenantId, instanceId, pending === 'all' ? undefined : [...pending]).catch(
        (err: unknown) => {
          logger.warn(
            {
              tenant: tenantId,
              instance: instanceId,
              err: { message: (err as Error).message, code: (err as { code?: unknown }).code },
            },
            'calendar sync round failed; the next push or schedule tries again',
          );
        },
      );
    });
    return current.running;
  };

  const maintain = async (tenantId: string, instanceId: string): Promise<void> => {
    const opened = await open(tenantId, instanceId);
    const push = opened?.calendars.push;
    if (opened === undefined || push === undefined) return;
    const stored = await state.state(tenantId, instanceId);
    const previous = readPushState(stored.pushState, tenantId, instanceId);
    const base = options.publicUrl();
    const next = await push.maintain(
      opened.ctx(AbortSignal.any([shutdown.signal, AbortSignal.timeout(120_000)])),
      previous,
      {
        notificationUrl: `${base}${calendarNotificationPath(tenantId, instanceId, 'notifications')}`,
        lifecycleUrl: `${base}${calendarNotificationPath(tenantId, instanceId, 'lifecycle')}`,
      },
    );
    await writePushState(tenantId, instanceId, next);
    const due = push.nextMaintenance(next);
    const key = `${tenantId}/${instanceId}`;
    clearTimeout(maintenanceTimers.get(key));
    if (due !== null) {
      const timer = later(due.getTime() - now().getTime(), () => maintain(tenantId, instanceId));
      if (timer !== undefined) maintenanceTimers.set(key, timer);
    }
  };

  /** Subscriptions for an instance this process does not maintain yet; retried each minute. */
  const setUp = (tenantId: string, instanceId: string): Promise<void> =>
    maintain(tenantId, instanceId).catch((err: unknown) => {
      if (!maintained.has(`${tenantId}/${instanceId}`)) return; // removed meanwhile
      logger.warn(
        { tenant: tenantId, instance: instanceId, err: { message: (err as Error).message } },
        'could not set up calendar change notifications; retrying in a minute',
      );
      later(60_000, () => setUp(tenantId, instanceId));
    });

  function readPushState(sealed: string | null, tenantId: string, instanceId: string): JsonValue | null {
    if (sealed === null) return null;
    try {
      return JSON.parse(options.secrets.open(sealed, pushStateContext(tenantId, instanceId))) as JsonValue;
    } catch {
      return null; // unreadable (key changed): subscriptions are made anew
    }
  }

  async function writePushState(tenantId: string, instanceId: string, value: JsonValue): Promise<void> {
    const sealed = options.secrets.seal(JSON.stringify(value), pushStateContext(tenantId, instanceId));
    await state.savePushState(tenantId, instanceId, sealed);
    pushStates.set(`${tenantId}/${instanceId}`, value);
  }

  function later(ms: number, work: () => Promise<void>): NodeJS.Timeout | undefined {
    if (shutdown.signal.aborted) return undefined;
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        work().catch((err: unknown) =>
          logger.warn({ err: { message: (err as Error).message } }, 'calendar maintenance failed'),
        );
      },
      Math.min(Math.max(ms, 1000), 2_147_000_000),
    );
    timer.unref();
    timers.add(timer);
    return timer;
  }

  const calendarInstances = async (): Promise<ConnectorInstance[]> =>
    (await instances.listEnabledAcrossTenants()).filter(
      (i) => registry.find(i.connectorType)?.capabilities.calendars !== undefined,
    );

  return {
    async start() {
      await this.refresh();
      if (options.everyMs > 0) {
        const timer = setInterval(() => {
          this.refresh().catch((err: unknown) =>
            logger.warn({ err: { message: (err as Error).message } }, 'calendar sync schedule failed'),
          );
        }, options.everyMs);
        timer.unref();
        timers.add(timer);
      }
    },
    async refresh() {
      const rounds: Promise<void>[] = [];
      for (const instance of await calendarInstances()) {
        const key = `${instance.tenantId}/${instance.id}`;
        let setting = maintained.get(key);
        if (setting === undefined) {
          setting = setUp(instance.tenantId, instance.id);
          maintained.set(key, setting);
        }
        // Subscriptions first: a change made during the first round then still arrives as a push.
        await setting;
        rounds.push(request(instance.tenantId, instance.id));
      }
      await Promise.all(rounds);
    },
    async stop() {
      shutdown.abort(new Error('the hub is stopping'));
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...lanes.values()].map((l) => l.running));
    },
    request,
    maintain,
    changed(tenantId, instanceId) {
      const key = `${tenantId}/${instanceId}`;
      opened.delete(key);
      const work = async () => {
        if ((await open(tenantId, instanceId)) === undefined) {
          // Deleted, disabled or no calendar connector: its renewals stop (the subscriptions at
          // the upstream then expire; pushes meanwhile find no connector and get a 404).
          maintained.delete(key);
          clearTimeout(maintenanceTimers.get(key));
          maintenanceTimers.delete(key);
          return;
        }
        // Maintenance also creates subscriptions for mailboxes a settings change added.
        const setting = setUp(tenantId, instanceId);
        maintained.set(key, setting);
        await setting;
        await request(tenantId, instanceId);
      };
      return track(work());
    },
    async receive(tenantId, instanceId, query, body) {
      const instance = await openCached(tenantId, instanceId);
      const push = instance?.calendars.push;
      if (push === undefined) return { known: false };
      const handshake = push.handshake(query);
      if (handshake !== null) return { handshake };
      const known = await pushStateOf(tenantId, instanceId, false);
      let receipt = push.receive(known.value, body);
      if (receipt.rejected > 0 && known.remembered)
        receipt = push.receive((await pushStateOf(tenantId, instanceId, true)).value, body);
      if (receipt.rejected > 0)
        instance?.log.warn(
          { rejected: receipt.rejected },
          'pushed notifications rejected (unknown subscription or client state)',
        );
      if (receipt.state !== undefined) await writePushState(tenantId, instanceId, receipt.state);
      if (receipt.changed.length > 0) void request(tenantId, instanceId, receipt.changed);
      if (receipt.maintain) {
        const work = maintain(tenantId, instanceId).catch((err: unknown) =>
          instance?.log.warn(
            { err: { message: (err as Error).message } },
            'subscription maintenance after a lifecycle event failed',
          ),
        );
        void track(work);
      }
      return { known: true };
    },
    async idle() {
      for (;;) {
        const running = [...lanes.values()].map((l) => l.running);
        await Promise.allSettled([...running, ...upkeep]);
        if (upkeep.size === 0 && [...lanes.values()].every((l) => l.pending === null)) return;
      }
    },
  };
}
