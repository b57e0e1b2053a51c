import type { Server } from 'node:http';

/**
 * Stops accepting connections, lets requests in flight finish, and after `timeoutMs` cuts the
 * connections that are still open. Idle keep-alive connections are closed as soon as they are idle,
 * so a client that holds one open cannot delay shutdown.
 */
export async function closeHttpServer(server: Server, timeoutMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // A keep-alive connection whose request finishes during the drain turns idle; close it then
  // rather than after the keep-alive timeout.
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(timer);
  }
}
