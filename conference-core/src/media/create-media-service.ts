import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import type { Logger } from '../logging/logger.js';
import { createJanusMediaService } from './janus/janus-media-service.js';
import type { NodeLiveness } from './janus/janus-room-sweeper.js';
import { findJanusModules, startJanusProcess } from './janus/janus-process.js';
import type { MediaService } from './media-service.js';
import type { IceConfig } from './turn-credentials.js';
import { createUnavailableMediaService } from './unavailable-media-service.js';

export interface MediaSettings {
  /** off: no media at all; auto: `janusUrls` when set, else a local janus when installed. */
  readonly mode: 'auto' | 'off';
  readonly janusUrls: readonly string[];
  readonly janusApiSecret?: string | undefined;
  readonly janusAdminKey?: string | undefined;
  /** The binary embedded mode starts (default /usr/bin/janus). */
  readonly janusBinary?: string | undefined;
  /** Embedded mode's config and log folder. */
  readonly workDir: string;
  /** Embedded mode's RTP ports. */
  readonly rtpPorts?: readonly [number, number];
  readonly ice: IceConfig;
  readonly logger: Logger;
  /** This hub node (the owner tag of the Janus rooms it creates). */
  readonly nodeId?: string;
  /** Whether another hub node is alive: with it, the rooms of dead nodes are swept from the pool. */
  readonly isNodeAlive?: NodeLiveness;
}

/**
 * The media service the hub runs with: a pool of configured Janus servers, or (embedded mode) a
 * private Janus this process starts with a generated loopback config and stops on close, or,
 * without either, a service that tells clients media is unavailable while everything else works.
 */
export async function createMediaService(settings: MediaSettings): Promise<MediaService> {
  const { logger } = settings;
  if (settings.mode === 'off') return createUnavailableMediaService('disabled');
  if (settings.janusUrls.length > 0) {
    return createJanusMediaService({
      servers: settings.janusUrls.map((url) => ({ url, apiSecret: settings.janusApiSecret })),
      adminKey: settings.janusAdminKey,
      ice: settings.ice,
      logger,
      nodeId: settings.nodeId,
      isNodeAlive: settings.isNodeAlive,
    });
  }
  const binary = settings.janusBinary ?? '/usr/bin/janus';
  if (!existsSync(binary) || findJanusModules() === undefined) {
    logger.warn({ binary }, 'no Janus configured or installed (apt-get install janus): media is unavailable');
    return createUnavailableMediaService('no_media_server');
  }
  try {
    const janus = await startJanusProcess({
      binary,
      workDir: join(settings.workDir, 'janus'),
      wsPort: await freePort(),
      rtpPorts: settings.rtpPorts ?? [40000, 40999],
    });
    logger.info({ url: janus.url, pid: janus.pid }, 'embedded Janus started');
    return createJanusMediaService({
      servers: [{ url: janus.url, apiSecret: janus.apiSecret }],
      adminKey: janus.adminKey,
      ice: settings.ice,
      logger,
      onClose: () => janus.stop(),
    });
  } catch (err) {
    logger.error({ err }, 'the embedded Janus did not start: media is unavailable');
    return createUnavailableMediaService('no_media_server');
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}
