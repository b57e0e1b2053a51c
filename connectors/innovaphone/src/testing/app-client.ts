import { WebSocket } from 'ws';

/** A small AppWebsocket client for tests: requests by `src`, answers awaited, nothing slept. */
export interface AppClient {
  request(message: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Resolves when the server closes the socket (code and reason). */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export async function connectAppClient(url: string): Promise<AppClient> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let next = 0;
  const waiting = new Map<string, (message: Record<string, unknown>) => void>();
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
    const src = typeof message['src'] === 'string' ? message['src'] : '';
    waiting.get(src)?.(message);
    waiting.delete(src);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return {
    request(message) {
      const src = `t${++next}`;
      return new Promise((resolve, reject) => {
        waiting.set(src, resolve);
        ws.send(JSON.stringify({ ...message, src }), (err) => {
          if (err !== undefined && err !== null) reject(err);
        });
        void closed.then(() =>
          reject(new Error(`socket closed before ${String(message['mt'])} was answered`)),
        );
      });
    },
    closed,
    close: () => ws.close(),
  };
}
