import type { Logger } from '../../logging/logger.js';
import type { MediaService, MediaUnavailableReason, MeetingMediaEvents } from '../media-service.js';
import { iceServersFor, type IceConfig } from '../turn-credentials.js';
import type { JanusServer } from './janus-client.js';
import { JanusInstance } from './janus-instance.js';
import { JanusMeeting } from './janus-meeting.js';

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
      await Promise.all([...meetings].map((m) => m.close()));
      await Promise.all(instances.map((i) => i.stop()));
      listeners.clear();
      await options.onClose?.();
    },
  };
}
