import { randomUUID } from 'node:crypto';

import type { Logger } from '../../logging/logger.js';
import type { MediaService, MediaUnavailableReason, MeetingMediaEvents } from '../media-service.js';
import { iceServersFor, type IceConfig } from '../turn-credentials.js';
import type { JanusServer } from './janus-client.js';
import { JanusInstance } from './janus-instance.js';
import { JanusMeeting } from './janus-meeting.js';
import { createJanusRoomSweeper, type NodeLiveness } from './janus-room-sweeper.js';

export interface JanusPoolOptions {
  readonly servers: readonly JanusServer[];
  /** The plugins' `admin_key`, the same on every server of the pool. */
  readonly adminKey?: string | undefined;
  readonly ice: IceConfig;
  readonly logger: Logger;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly healthIntervalMs?: number;
  /** Runs after the pool closed (embedded mode stops its Janus process here). */
  readonly onClose?: () => Promise<void>;
  /** This hub node, tagged on the rooms it creates (default: a random id). */
  readonly nodeId?: string | undefined;
  /**
   * Whether another hub node is alive. With it and an admin key, the rooms of dead nodes are
   * removed every `sweepIntervalMs` (default a minute; two sweeps in a row must find them dead).
   */
  readonly isNodeAlive?: NodeLiveness | undefined;
  readonly sweepIntervalMs?: number;
}

/**
 * Media on a pool of Janus servers. Each meeting's rooms live on one server, the one with the
 * fewest participants when the meeting first needs media (mixing needs the whole AudioBridge room
 * on one box). A supervisor per server reconnects after a drop; the meetings that were there are
 * rebuilt on the first server that is up and their clients renegotiate.
 */
export function createJanusMediaService(options: JanusPoolOptions): MediaService {
  const listeners = new Set<() => void>();
  const notify = (): void => listeners.forEach((l) => l());
  const meetings = new Set<JanusMeeting>();
  const instances = options.servers.map(
    (server) =>
      new JanusInstance({
        server,
        adminKey: options.adminKey,
        logger: options.logger,
        ...(options.minBackoffMs === undefined ? {} : { minBackoffMs: options.minBackoffMs }),
        ...(options.maxBackoffMs === undefined ? {} : { maxBackoffMs: options.maxBackoffMs }),
        ...(options.healthIntervalMs === undefined ? {} : { healthIntervalMs: options.healthIntervalMs }),
      }),
  );
  for (const instance of instances) {
    instance.on('up', notify);
    instance.on('down', notify);
    instance.start();
  }
  const nodeId = options.nodeId ?? randomUUID();
  const { adminKey, isNodeAlive } = options;
  // One sweeper per server: each remembers which owners it found dead on its own server last time
  // (a shared one let the servers' sweeps overwrite each other's suspects).
  const sweepers =
    adminKey === undefined || isNodeAlive === undefined
      ? undefined
      : instances.map((instance) => ({
          instance,
          sweeper: createJanusRoomSweeper({ nodeId, adminKey, isAlive: isNodeAlive, logger: options.logger }),
        }));
  const sweepTimer =
    sweepers === undefined
      ? undefined
      : setInterval(() => {
          for (const { instance, sweeper } of sweepers) {
            const link = instance.link;
            if (link === undefined) continue;
            sweeper
              .sweep(link)
              .catch((err: unknown) =>
                options.logger.warn(
                  { janus: instance.url, err: err instanceof Error ? err.message : String(err) },
                  'sweeping the rooms of dead hub nodes failed; trying again later',
                ),
              );
          }
        }, options.sweepIntervalMs ?? 60_000);
  sweepTimer?.unref();

  const participantsOn = (instance: JanusInstance): number => {
    let count = 0;
    for (const m of meetings) if (m.placedOn === instance) count += m.participantCount();
    return count;
  };

  const pick = (): JanusInstance | undefined => {
    let best: JanusInstance | undefined;
    let bestLoad = Infinity;
    for (const instance of instances) {
      if (!instance.up) continue;
      const load = participantsOn(instance);
      if (load < bestLoad) [best, bestLoad] = [instance, load];
    }
    return best;
  };

  const waitForInstance = (listener: () => void): (() => void) => {
    for (const instance of instances) instance.on('up', listener);
    return () => instances.forEach((i) => i.off('up', listener));
  };

  return {
    unavailable(): MediaUnavailableReason | null {
      return instances.some((i) => i.up) ? null : 'media_server_down';
    },
    onAvailabilityChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    iceServers: (participantId) => iceServersFor(options.ice, participantId),
    meeting(key: string, events: MeetingMediaEvents) {
      const meeting: JanusMeeting = new JanusMeeting({
        pick,
        waitForInstance,
        adminKey: options.adminKey,
        nodeId,
        events,
        logger: options.logger.child({ meeting: key }),
        onClosed: () => meetings.delete(meeting),
      });
      meetings.add(meeting);
      return meeting;
    },
    load: () =>
      instances.map((instance) => ({
        url: instance.url,
        up: instance.up,
        meetings: [...meetings].filter((m) => m.placedOn === instance).length,
        participants: participantsOn(instance),
      })),
    async close() {
      clearInterval(sweepTimer);
      await Promise.all([...meetings].map((m) => m.close()));
      await Promise.all(instances.map((i) => i.stop()));
      listeners.clear();
      await options.onClose?.();
    },
  };
}
