import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import { WebSocket, WebSocketServer, type RawData } from 'ws';

import type { Logger } from '../../logging/logger.js';
import type { TicketStore } from '../../tickets/ticket-store.js';
import { signalingModules } from '../modules/registry.js';
import { closeCodes } from '../protocol/envelope.js';
import type { AnySignalingModule } from '../runtime/module.js';
import type { Connection } from '../runtime/participant.js';
import type { RoomDirectory } from '../runtime/room-info.js';
import { RoomManager } from '../runtime/room-manager.js';
import type { NodeRegistry } from '../registry/node-registry.js';
import { startHeartbeat } from './heartbeat.js';
import { Session } from './session.js';
import { admissionFromTicket } from './ticket-admission.js';
import { defaultLimits, type SignalingLimits } from './token-bucket.js';

export interface SignalingServerOptions {
  readonly tickets: TicketStore;
  readonly directory: RoomDirectory;
  readonly registry: NodeRegistry;
  readonly logger: Logger;
  /** How long a dropped participant keeps its place (default 30 s). */
  readonly reconnectGraceMs?: number;
  /** How often connections are pinged; one missed pong closes the connection (default 20 s). */
  readonly pingIntervalMs?: number;
  readonly limits?: Partial<SignalingLimits>;
  readonly modules?: readonly AnySignalingModule[];
}

export interface SignalingServer {
  /** Handles `GET /signaling/{ticket}` upgrades; answers anything else with 404. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Open connections: the load this node reports. */
  connections(): number;
  readonly rooms: RoomManager;
  /** Closes every connection (1001) and room. */
  close(): Promise<void>;
}

/** A connection whose unsent data grows beyond this is too slow to keep up: it is dropped. */
const maxBufferedBytes = 4 * 1024 * 1024;

/**
 * The WebSocket edge of a signaling node. The ticket is redeemed and the room claimed BEFORE the
 * upgrade, so a used, expired or misdirected ticket gets a plain HTTP problem answer and never a
 * WebSocket.
 */
export function createSignalingServer(options: SignalingServerOptions): SignalingServer {
  const limits: SignalingLimits = { ...defaultLimits, ...options.limits };
  const modules = options.modules ?? signalingModules;
  const logger = options.logger;
  const rooms = new RoomManager({
    directory: options.directory,
    modules,
    logger,
    reconnectGraceMs: options.reconnectGraceMs ?? 30_000,
    limits,
    onRoomClosed: (roomId) => {
      options.registry
        .release(roomId)
        .catch((err: unknown) => logger.warn({ err, roomId }, 'releasing a room failed'));
    },
  });
  const moduleMap = new Map(modules.map((m) => [m.namespace, m]));
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayload });
  const heartbeat = startHeartbeat(options.pingIntervalMs ?? 20_000);

  const accept = (ws: WebSocket, session: Session): void => {
    heartbeat.add(ws);
    ws.on('pong', () => heartbeat.alive(ws));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      heartbeat.alive(ws);
      // ws hands over a Buffer (binaryType nodebuffer); Buffer.from(buffer) would copy every frame.
      const buffer = Buffer.isBuffer(data)
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data);
      // Binary frames are not part of the protocol; they fail JSON parsing like any garbage.
      session.receive(isBinary ? '\u0000' : buffer.toString('utf8'), buffer.byteLength);
    });
    ws.on('close', (code: number) => {
      heartbeat.remove(ws);
      session.closedBy(code);
    });
    ws.on('error', (err) => {
      logger.debug({ err }, 'signaling socket error');
      // ws closes the socket itself after a protocol error (1009 for frames over maxPayload).
      if ((err as { code?: string }).code?.startsWith('WS_ERR_') === true) session.protocolBroken();
    });
  };

  const upgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const match = /^\/signaling\/([^/?#]+)(?:[?#].*)?$/.exec(req.url ?? '');
    if (match?.[1] === undefined) return refuse(socket, 404, 'not_found', 'No such endpoint');
    const data = await options.tickets.redeem(decodeURIComponent(match[1]));
    const admission = data === undefined ? undefined : admissionFromTicket(data);
    if (admission === undefined) {
      return refuse(
        socket,
        401,
        'unauthorized',
        'Access denied',
        'unknown, used or expired ticket; start again',
      );
    }
    if (!(await options.registry.claim(admission.roomId))) {
      return refuse(
        socket,
        409,
        'conflict',
        'Room lives on another node',
        'start the room again for a new ticket',
      );
    }
    if (socket.destroyed) return;
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection: Connection = {
        send(frame) {
          if (ws.readyState !== WebSocket.OPEN) return;
          if (ws.bufferedAmount > maxBufferedBytes) {
            logger.warn(
              { buffered: ws.bufferedAmount },
              'dropping a signaling connection that does not keep up',
            );
            ws.terminate();
            return;
          }
          // A Buffer would go out as a binary frame by default; the protocol has text frames only.
          ws.send(frame, { binary: false });
        },
        close(code, reason) {
          if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)
            ws.close(code, reason);
        },
      };
      accept(
        ws,
        new Session(admission, connection, {
          rooms,
          directory: options.directory,
          modules: moduleMap,
          limits,
          logger,
        }),
      );
    });
  };

  return {
    rooms,
    handleUpgrade(req, socket, head) {
      socket.on('error', () => undefined);
      upgrade(req, socket, head).catch((err: unknown) => {
        logger.error({ err }, 'signaling upgrade failed');
        refuse(socket, 503, 'service_unavailable', 'Signaling is unavailable', 'try again');
      });
    },
    connections: () => wss.clients.size,
    async close() {
      heartbeat.stop();
      rooms.closeAll({ code: closeCodes.goingAway, reason: 'server shutting down' });
      for (const ws of wss.clients) ws.close(closeCodes.goingAway, 'server shutting down');
      await new Promise<void>((resolve) => {
        const deadline = setTimeout(() => {
          for (const ws of wss.clients) ws.terminate();
          resolve();
        }, 1000);
        const check = (): void => {
          if (wss.clients.size === 0) {
            clearTimeout(deadline);
            resolve();
          } else setTimeout(check, 20);
        };
        check();
      });
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** An HTTP problem answer on the raw socket, instead of the upgrade. */
function refuse(socket: Duplex, status: number, code: string, title: string, detail?: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({
    type: 'about:blank',
    status,
    code,
    title,
    ...(detail === undefined ? {} : { detail }),
  });
  const reason =
    { 401: 'Unauthorized', 404: 'Not Found', 409: 'Conflict', 503: 'Service Unavailable' }[status] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
