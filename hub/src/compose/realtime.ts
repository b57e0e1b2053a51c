import { randomUUID } from 'node:crypto';

import {
  createMediaService,
  createRoomDirectory,
  createSignalingModules,
  createSignalingServer,
  type DatabaseHandle,
  type Logger,
  type MediaService,
  type NodeRegistry,
  type SignalingServer,
  type TicketStore,
} from '@vc/conference-core';

import { signalingBaseUrl, type HubConfig } from '../config.js';

/** The `signaling` role: meetings over WebSocket, with media through Janus. */
export interface Realtime {
  readonly signaling: SignalingServer;
  /** Offers this node for rooms; only once the database can read them. */
  register(): Promise<void>;
  /** Live rooms close (clients reconnect to another node via a new start), then media stops. */
  close(): Promise<void>;
}

/**
 * Starts media (embedded mode starts a private Janus here, well under a second; without one media
 * is unavailable and clients are told so) and the signaling server on top of it.
 */
export async function startRealtime(
  config: HubConfig,
  parts: { url: string; tickets: TicketStore; nodes: NodeRegistry; database: DatabaseHandle; logger: Logger },
): Promise<Realtime> {
  const nodeId = randomUUID();
  const media: MediaService = await createMediaService({
    ...config.media,
    // Rooms carry this node's id; the pool's other nodes remove them once it is dead (Redis registry).
    nodeId,
    isNodeAlive: (id) => parts.nodes.isAlive(id),
    workDir: config.dataDir,
    ice: {
      stunUrls: config.media.stunUrls,
      turnUrls: config.media.turnUrls,
      turnSecret: config.media.turnSecret,
      turnTtlSeconds: config.media.turnTtlSeconds,
    },
    logger: parts.logger.child({ component: 'media' }),
  });
  const signaling = createSignalingServer({
    modules: createSignalingModules({ media }),
    tickets: parts.tickets,
    directory: createRoomDirectory(parts.database.db),
    registry: parts.nodes,
    logger: parts.logger.child({ component: 'signaling' }),
    reconnectGraceMs: config.signalingReconnectGraceMs,
    pingIntervalMs: config.signalingPingIntervalMs,
  });
  const node = {
    id: nodeId,
    url: signalingBaseUrl(config, parts.url),
    load: () => signaling.connections(),
  };
  return {
    signaling,
    async register() {
      await parts.nodes.register(node);
      parts.logger.info({ node: node.id, url: node.url }, 'signaling node registered');
    },
    async close() {
      await signaling.close();
      await media.close();
    },
  };
}
