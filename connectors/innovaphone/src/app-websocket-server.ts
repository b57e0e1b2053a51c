import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import type { ConnectorLogger } from '@vc/connector-sdk';
import { WebSocket, WebSocketServer } from 'ws';

import { createAppSession, type AppRequestHandler } from './app-session.js';
import { ChallengeBook } from './challenges.js';

/** Where the app of one connector instance opens its AppWebsocket. */
export const appWebsocketPath = /^\/innovaphone\/([0-9a-fA-F-]{36})\/websocket(?:\?.*)?$/;

/** What one connector instance offers its app: the App object's password and the request handler. */
export interface AppEndpoint<TAccount> {
  readonly password: string;
  readonly apps: readonly string[];
  readonly handler: AppRequestHandler<TAccount>;
}

export interface AppWebsocketServerOptions {
  /** The endpoint of an enabled innovaphone connector instance, or undefined. */
  readonly endpoint: (instanceId: string) => Promise<AppEndpoint<unknown> | undefined>;
  readonly logger: ConnectorLogger;
  readonly challenges?: ChallengeBook;
  /** Frames per connection and second before the socket is closed (a misbehaving app). */
  readonly maxMessagesPerSecond?: number;
  readonly maxMessageBytes?: number;
}

function refuse(socket: Duplex, status: number, reason: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ type: 'about:blank', title: reason, status });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/problem+json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * The app service's AppWebsocket endpoint, mounted by the hub on its HTTP server's upgrades at
 * `/innovaphone/<instance id>/websocket`. The PBX never sees this socket: myApps computes the
 * login digest (AppGetLogin) and the app forwards it here.
 */
export function createAppWebsocketServer(options: AppWebsocketServerOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? 64 * 1024 });
  const challenges = options.challenges ?? new ChallengeBook();
  const perSecond = options.maxMessagesPerSecond ?? 20;

  const accept = (ws: WebSocket, endpoint: AppEndpoint<unknown>, instanceId: string) => {
    const logger = options.logger;
    let queue = Promise.resolve();
    let windowStart = Date.now();
    let inWindow = 0;
    const session = createAppSession({
      password: endpoint.password,
      apps: endpoint.apps,
      challenges,
      handler: endpoint.handler,
      logger,
      send: (message) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
      },
      close: (code, reason) => ws.close(code, reason),
    });
    ws.on('message', (data, isBinary) => {
      const now = Date.now();
      if (now - windowStart >= 1000) {
        windowStart = now;
        inWindow = 0;
      }
      if (++inWindow > perSecond) {
        logger.warn({ instance: instanceId }, 'app websocket sends too fast; closing');
        ws.close(1008, 'too many messages');
        return;
      }
      if (isBinary) {
        ws.close(1003, 'text frames only');
        return;
      }
      const frame = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8');
      // Answers keep the order of requests, as the app's src bookkeeping expects.
      queue = queue.then(() => session.receive(frame));
    });
    ws.on('error', () => undefined);
  };

  return {
    /** Whether this upgrade request is ours to answer. */
    owns(req: IncomingMessage): boolean {
      return (req.url ?? '').startsWith('/innovaphone/');
    },
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      socket.on('error', () => undefined);
      const instanceId = appWebsocketPath.exec(req.url ?? '')?.[1]?.toLowerCase();
      if (instanceId === undefined) return refuse(socket, 404, 'Not Found');
      options
        .endpoint(instanceId)
        .then((endpoint) => {
          if (endpoint === undefined) return refuse(socket, 404, 'Not Found');
          if (socket.destroyed) return;
          wss.handleUpgrade(req, socket, head, (ws) => accept(ws, endpoint, instanceId));
        })
        .catch((err: unknown) => {
          options.logger.error({ err }, 'app websocket upgrade failed');
          refuse(socket, 503, 'Service Unavailable');
        });
    },
    connections: () => wss.clients.size,
    async close(): Promise<void> {
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

export type AppWebsocketServer = ReturnType<typeof createAppWebsocketServer>;
