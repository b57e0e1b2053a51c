import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';

import { WebSocket, WebSocketServer } from 'ws';

import type { RoomDirectory } from './signaling-core.js';

const mode = process.argv[2];

// By default the signaling server is loaded through the package index, with the whole core, as the
// hub loads it (its heap, its GC, its module graph). BENCH_SIGNALING_CORE=signaling loads only the
// signaling server's modules, to tell the server's own cost from the rest of the core's.
const { MemoryNodeRegistry, MemoryTicketStore, createSignalingServer, silentLogger } =
  mode === 'ours' && process.env['BENCH_SIGNALING_CORE'] === 'signaling'
    ? await import('./signaling-core.js')
    : await import('@vc/conference-core');

/**
 * The server side of `npm run bench -- signaling`, in a child process of its own so its memory
 * is measured alone: `ours` is the signaling server (rooms, modules, checks, limits), `bare` a
 * plain `ws` server doing the same fan-out (parse the chat frame, wrap it, send it to the room)
 * and nothing else. It prints `port <n>`, answers `GET /ticket?room=<n>` with a ticket (ours), and
 * answers the IPC message `memory` with its memory use after a full GC.
 */
const tenantId = randomUUID();
const roomIds = new Map<string, string>();
const roomId = (n: string): string => {
  let id = roomIds.get(n);
  if (id === undefined) roomIds.set(n, (id = randomUUID()));
  return id;
};

const server = createServer();

if (mode === 'ours') {
  const directory: RoomDirectory = {
    loadRoom: (tenant, room) =>
      Promise.resolve({
        id: room,
        tenantId: tenant,
        ownerId: randomUUID(),
        password: null,
        waitingRoom: false,
        guestAccess: 'direct_access',
        event: undefined,
        dialIn: undefined,
      }),
    displayNameOf: () => Promise.resolve(undefined),
  };
  const tickets = new MemoryTicketStore();
  const registry = new MemoryNodeRegistry();
  const signaling = createSignalingServer({ tickets, directory, registry, logger: silentLogger });
  server.on('upgrade', (req, socket, head) => signaling.handleUpgrade(req, socket, head));
  server.on('request', (req: IncomingMessage, res) => {
    const room = new URL(req.url ?? '/', 'http://x').searchParams.get('room') ?? '0';
    tickets
      .issue({
        tenant_id: tenantId,
        room_id: roomId(room),
        participant: { kind: 'user', user_id: randomUUID() },
        role: 'user',
        waiting_room: false,
      })
      .then((ticket) => res.end(ticket))
      .catch(() => res.writeHead(500).end());
  });
  await registry.register({ id: 'bench', url: 'ws://bench/signaling', load: () => signaling.connections() });
} else {
  const wss = new WebSocketServer({ noServer: true });
  const rooms = new Map<string, Set<WebSocket>>();
  server.on('upgrade', (req, socket, head) => {
    const room = /^\/room\/(\d+)$/.exec(req.url ?? '')?.[1] ?? '0';
    wss.handleUpgrade(req, socket, head, (ws) => {
      const members = rooms.get(room) ?? new Set<WebSocket>();
      rooms.set(room, members);
      members.add(ws);
      const id = randomUUID();
      ws.on('close', () => members.delete(ws));
      ws.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString()) as { payload: { content: string } };
        const now = new Date().toISOString();
        const out = JSON.stringify({
          namespace: 'chat',
          timestamp: now,
          payload: {
            message: 'message_sent',
            id: randomUUID(),
            source: id,
            scope: 'global',
            content: frame.payload.content,
            timestamp: now,
          },
        });
        for (const member of members) if (member.readyState === WebSocket.OPEN) member.send(out);
      });
    });
  });
}

// Where a latency tail comes from: the server's event-loop stalls and its GC pauses since the
// last `cpu` message.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let gcPauseMs = 0;
let gcMaxPauseMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcPauseMs += entry.duration;
    gcMaxPauseMs = Math.max(gcMaxPauseMs, entry.duration);
  }
}).observe({ entryTypes: ['gc'] });

process.on('message', (message) => {
  if (message === 'cpu') {
    // CPU time only, without a GC: a forced full GC here would stall the server in the middle of
    // the measured window, and longer the bigger the heap.
    const cpu = process.cpuUsage();
    process.send?.({
      cpuMs: (cpu.user + cpu.system) / 1000,
      loopDelayMaxMs: loopDelay.max / 1e6,
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      gcPauseMs,
      gcMaxPauseMs,
    });
    loopDelay.reset();
    gcPauseMs = 0;
    gcMaxPauseMs = 0;
    return;
  }
  if (message !== 'memory') return;
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  const cpu = process.cpuUsage();
  process.send?.({
    rss: m.rss,
    heap: m.heapUsed,
    external: m.external + m.arrayBuffers,
    cpuMs: (cpu.user + cpu.system) / 1000,
  });
});

server.listen(0, '127.0.0.1', () => {
  console.log(`port ${(server.address() as AddressInfo).port}`);
});

// Exit normally on SIGTERM so `--cpu-prof` (BENCH_PROFILE_DIR) can write its profile.
process.on('SIGTERM', () => process.exit(0));
