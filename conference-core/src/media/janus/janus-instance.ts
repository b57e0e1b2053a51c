import { EventEmitter } from 'node:events';

import type { Logger } from '../../logging/logger.js';
import {
  JanusConnection,
  type AudioBridgeHandle,
  type JanusServer,
  type JanusSession,
  type VideoRoomHandle,
} from './janus-client.js';

export interface JanusInstanceOptions {
  readonly server: JanusServer;
  /** The plugins' `admin_key` (room creation needs it when Janus has one). */
  readonly adminKey?: string | undefined;
  readonly logger: Logger;
  /** First reconnect delay; doubles per failure up to `maxBackoffMs`. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** How often a live connection is asked for `info` (a hung Janus is treated as gone). */
  readonly healthIntervalMs?: number;
}

/** What a live connection to one Janus offers: one session shared by every handle we attach. */
export interface JanusLink {
  /** Increments on every (re)connect; rooms made on an earlier link are gone with it. */
  readonly generation: number;
  readonly session: JanusSession;
  /** Handles for room administration (create, destroy, moderator mute). */
  readonly audioAdmin: AudioBridgeHandle;
  readonly videoAdmin: VideoRoomHandle;
}

type InstanceEvents = { up: [link: JanusLink]; down: [generation: number] };

/**
 * The supervisor of one Janus server. janode does not reconnect an established connection, so
 * this does: on a drop (or a failed health check) it reports `down`, reconnects with exponential
 * backoff, and reports `up` with a fresh session. Sessions and handles never survive a drop (Janus
 * forgets them), so whoever had rooms there rebuilds them on `up` or elsewhere.
 */
export class JanusInstance extends EventEmitter<InstanceEvents> {
  readonly url: string;
  private current: { link: JanusLink; connection: JanusConnection } | undefined;
  private generation = 0;
  private stopped = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private healthTimer: NodeJS.Timeout | undefined;

  private readonly options: JanusInstanceOptions;

  constructor(options: JanusInstanceOptions) {
    super();
    this.options = options;
    this.url = options.server.url;
  }

  get link(): JanusLink | undefined {
    return this.current?.link;
  }

  get up(): boolean {
    return this.current !== undefined;
  }

  /** Starts connecting; `up` follows when Janus answers. */
  start(): void {
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.healthTimer);
    const current = this.current;
    this.current = undefined;
    if (current !== undefined) {
      await current.link.session.destroy();
      await current.connection.close();
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let connection: JanusConnection | undefined;
    try {
      connection = await JanusConnection.open(this.options.server);
      const session = await connection.createSession();
      const [audioAdmin, videoAdmin] = await Promise.all([
        session.attachAudioBridge(),
        session.attachVideoRoom(),
      ]);
      if (this.stopped) {
        await connection.close();
        return;
      }
      this.generation += 1;
      const link: JanusLink = { generation: this.generation, session, audioAdmin, videoAdmin };
      this.current = { link, connection };
      this.failures = 0;
      connection.once('lost', (reason) => this.lost(link.generation, reason.message));
      // A session janode gave up is as dead as a dropped connection: start over on a new one.
      const open = connection;
      session.once('lost', (reason) => {
        this.lost(link.generation, reason);
        void open.close();
      });
      this.watchHealth(connection, link.generation);
      this.options.logger.info({ janus: this.url, generation: link.generation }, 'Janus connected');
      this.emit('up', link);
    } catch (err) {
      await connection?.close();
      this.failures += 1;
      const delay = Math.min(
        (this.options.minBackoffMs ?? 200) * 2 ** (this.failures - 1),
        this.options.maxBackoffMs ?? 2000,
      );
      if (this.failures === 1 || this.failures % 20 === 0) {
        this.options.logger.warn({ janus: this.url, err, retryInMs: delay }, 'Janus unreachable');
      }
      this.retryTimer = setTimeout(() => void this.connect(), delay);
      this.retryTimer.unref();
    }
  }

  private watchHealth(connection: JanusConnection, generation: number): void {
    clearInterval(this.healthTimer);
    const every = this.options.healthIntervalMs ?? 5000;
    this.healthTimer = setInterval(() => {
      const timeout = new Promise<never>((_, reject) => {
        setTimeout(() => reject(new Error('no answer to info')), every).unref();
      });
      Promise.race([connection.info(), timeout]).catch((err: unknown) => {
        this.lost(generation, err instanceof Error ? err.message : String(err));
        void connection.close();
      });
    }, every);
    this.healthTimer.unref();
  }

  private lost(generation: number, reason: string): void {
    if (this.current?.link.generation !== generation) return;
    this.current = undefined;
    clearInterval(this.healthTimer);
    this.options.logger.warn({ janus: this.url, generation, reason }, 'Janus connection lost');
    this.emit('down', generation);
    if (!this.stopped) {
      this.retryTimer = setTimeout(() => void this.connect(), this.options.minBackoffMs ?? 200);
      this.retryTimer.unref();
    }
  }
}
