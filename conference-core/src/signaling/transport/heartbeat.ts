import type { WebSocket } from 'ws';

export interface Heartbeat {
  add(ws: WebSocket): void;
  /** The connection showed it is alive (a pong or any frame). */
  alive(ws: WebSocket): void;
  remove(ws: WebSocket): void;
  stop(): void;
}

/** Ticks per ping interval; each tick pings one slice of the connections. */
const slices = 20;

/**
 * Pings every connection once per `intervalMs` and ends one that has not answered the previous
 * ping (one missed pong). The connections are spread over `slices` ticks of the interval, so a
 * node with 10,000 connections writes 500 pings per tick rather than 10,000 in one turn of the
 * event loop, a stall of a few hundred ms for every room on the node.
 */
export function startHeartbeat(intervalMs: number): Heartbeat {
  const groups = Array.from({ length: slices }, () => new Map<WebSocket, boolean>());
  const groupOf = new WeakMap<WebSocket, Map<WebSocket, boolean>>();
  let added = 0;
  let tick = 0;
  const timer = setInterval(
    () => {
      const group = groups[tick++ % slices];
      if (group === undefined) return;
      for (const [ws, alive] of group) {
        if (!alive) {
          group.delete(ws);
          ws.terminate();
          continue;
        }
        group.set(ws, false);
        ws.ping();
      }
    },
    Math.max(1, Math.floor(intervalMs / slices)),
  );
  timer.unref();
  return {
    add(ws) {
      // Round robin: the slices stay equal in size whoever comes and goes.
      const group = groups[added++ % slices];
      if (group === undefined) return;
      group.set(ws, true);
      groupOf.set(ws, group);
    },
    alive(ws) {
      const group = groupOf.get(ws);
      if (group?.has(ws) === true) group.set(ws, true);
    },
    remove(ws) {
      groupOf.get(ws)?.delete(ws);
    },
    stop() {
      clearInterval(timer);
    },
  };
}
