import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import { WebSocket } from 'ws';

import { percentile } from './benchmark.js';

/**
 * One measured pass of `npm run bench -- signaling` against one server (ours or bare `ws`): the
 * server in a child process of its own (its CPU and memory are its own), the clients here. Connect
 * every participant, let the talkers send chat messages at a steady rate, record the delivery
 * latency of every message to every member of the room (sender and receivers are in this process,
 * so one clock), then close everything.
 */
export interface Load {
  readonly participants: number;
  readonly rooms: number;
  /** Participants per room who send; the others only receive. */
  readonly talkersPerRoom: number;
  /** Each talker sends one message per interval. */
  readonly intervalMs: number;
  readonly warmupMs: number;
  readonly measureMs: number;
}

export interface Pass {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly delivered: number;
  readonly expected: number;
  /** Connections opened (ours: ticket, upgrade, join_success) per second of wall time. */
  readonly setupPerS: number;
  /** Server CPU time spent per connection while connecting (load does not bend it). */
  readonly setupCpuUsPerConnection: number;
  /** Server memory per connection after a full GC: V8 heap + buffers, and RSS. */
  readonly heapKbPerConnection: number;
  readonly rssKbPerConnection: number;
  /** Server CPU time per delivered message while measuring, and its share of one core. */
  readonly cpuUsPerDelivery: number;
  readonly serverCpuPct: number;
  /** This process (the clients) while measuring: near 100% means the clients are the bottleneck. */
  readonly clientCpuPct: number;
}

interface Memory {
  rss: number;
  heap: number;
  external: number;
}

interface Cpu {
  cpuMs: number;
  /** Since the previous `cpu` message: the server's event-loop delay and its GC pauses. */
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  gcPauseMs: number;
  gcMaxPauseMs: number;
}

/** Connections being opened at once: enough to keep the server busy, few enough not to time out. */
const connectConcurrency = 100;

function startServer(mode: 'ours' | 'bare'): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(join(import.meta.dirname, 'signaling-server.ts'), [mode], {
    execArgv: [
      '--import',
      'tsx',
      '--expose-gc',
      ...(process.env['BENCH_PROFILE_DIR']
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_PROFILE_DIR']}`]
        : []),
    ],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const port = /port (\d+)/.exec(chunk.toString())?.[1];
      if (port !== undefined) resolve({ child, port: Number(port) });
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
}

function ask<T>(child: ChildProcess, message: 'memory' | 'cpu'): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(message);
  });
}

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}

async function connectOurs(port: number, room: number): Promise<WebSocket> {
  const response = await fetch(`http://127.0.0.1:${port}/ticket?room=${room}`);
  if (!response.ok) throw new Error(`ticket refused: ${response.status}`);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/signaling/${await response.text()}`);
  await opened(ws);
  const joined = new Promise<void>((resolve, reject) => {
    const onMessage = (data: Buffer, isBinary: boolean) => {
      if (isBinary) reject(new Error('the signaling server sent a binary frame; the protocol has text only'));
      if (data.toString().includes('"join_success"')) {
        ws.off('message', onMessage);
        resolve();
      }
    };
    ws.on('message', onMessage);
  });
  ws.send(JSON.stringify({ namespace: 'control', payload: { action: 'join', display_name: `p${room}` } }));
  await joined;
  return ws;
}

async function connectBare(port: number, room: number): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/room/${room}`);
  await opened(ws);
  return ws;
}

/** Opens `count` connections, `connectConcurrency` at a time; participant i goes to room i % rooms. */
async function connectAll(
  count: number,
  rooms: number,
  connect: (room: number) => Promise<WebSocket>,
): Promise<WebSocket[]> {
  const clients: WebSocket[] = new Array<WebSocket>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      clients[i] = await connect(i % rooms);
    }
  };
  await Promise.all(Array.from({ length: Math.min(connectConcurrency, count) }, worker));
  return clients;
}

/** The send time of a recorded message from a raw frame, without a JSON.parse per delivery. */
function recordedSentAt(frame: Buffer): number | undefined {
  const text = frame.toString();
  const start = text.indexOf('"content":"');
  if (start < 0) return undefined;
  const end = text.indexOf('"', start + 11);
  const [sentAt, recorded] = text.slice(start + 11, end).split(' ');
  return recorded === 'r' ? Number(sentAt) : undefined;
}

function chatFrame(content: string): string {
  return JSON.stringify({ namespace: 'chat', payload: { action: 'send_message', scope: 'global', content } });
}

export async function measurePass(mode: 'ours' | 'bare', load: Load): Promise<Pass> {
  const { participants, rooms, talkersPerRoom, intervalMs, warmupMs, measureMs } = load;
  const { child, port } = await startServer(mode);
  try {
    const before = await ask<Memory>(child, 'memory');
    const setupCpuBefore = (await ask<Cpu>(child, 'cpu')).cpuMs;
    const setupStart = performance.now();
    const clients = await connectAll(participants, rooms, (room) =>
      mode === 'ours' ? connectOurs(port, room) : connectBare(port, room),
    );
    const setupS = (performance.now() - setupStart) / 1000;
    const setupCpuMs = (await ask<Cpu>(child, 'cpu')).cpuMs - setupCpuBefore;
    const after = await ask<Memory>(child, 'memory');

    const roomSize = new Array<number>(rooms).fill(0);
    for (let i = 0; i < participants; i++) roomSize[i % rooms] = (roomSize[i % rooms] ?? 0) + 1;

    let recording = false;
    const latencies: number[] = [];
    const sentAts: number[] = [];
    let expected = 0;
    for (const ws of clients) {
      ws.on('message', (data: Buffer) => {
        const sentAt = recordedSentAt(data);
        if (sentAt === undefined) return;
        latencies.push(performance.now() - sentAt);
        sentAts.push(sentAt);
      });
    }
    // The first `talkersPerRoom` participants of each room talk (participant i is in room i % rooms).
    const talkers = clients
      .map((ws, i) => ({ ws, members: roomSize[i % rooms] ?? 0 }))
      .filter((_, i) => Math.floor(i / rooms) < talkersPerRoom);
    const intervals: NodeJS.Timeout[] = [];
    const starts = talkers.map(({ ws, members }, t) => {
      const send = (): void => {
        if (recording) expected += members; // everyone in the room, the sender included
        ws.send(chatFrame(`${performance.now()} ${recording ? 'r' : 'w'}`));
      };
      // Spread the talkers evenly over the interval: a steady rate, not bursts.
      return setTimeout(
        () => {
          send();
          intervals.push(setInterval(send, intervalMs));
        },
        (t / talkers.length) * intervalMs,
      );
    });
    await new Promise((r) => setTimeout(r, warmupMs));
    recording = true;
    const cpuBefore = (await ask<Cpu>(child, 'cpu')).cpuMs;
    const clientCpuBefore = process.cpuUsage();
    const measureStart = performance.now();
    await new Promise((r) => setTimeout(r, measureMs));
    recording = false;
    const measured = await ask<Cpu>(child, 'cpu');
    const wallMs = performance.now() - measureStart;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    for (const t of starts) clearTimeout(t);
    for (const t of intervals) clearInterval(t);
    // Late deliveries of recorded messages still count (a slow server shows as a long tail).
    await new Promise((r) => setTimeout(r, 2000));
    expected = Math.max(expected, 1);
    for (const ws of clients) ws.terminate();

    const sorted = [...latencies].sort((a, b) => a - b);
    const slow = percentile(sorted, 99);
    // Where the slowest 1% come from: a few stalls (GC, the machine) cluster in a few 100 ms
    // windows; a server that is slow throughout spreads them over the whole run.
    const windows = new Set(
      sentAts.filter((_, i) => (latencies[i] ?? 0) >= slow).map((t) => Math.floor(t / 100)),
    );
    console.log(
      `  ${mode}: slowest 1% (>= ${slow.toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms) in ` +
        `${windows.size} of ${Math.round(measureMs / 100)} 100-ms windows; server event loop delay p99 ` +
        `${measured.loopDelayP99Ms.toFixed(1)} ms, max ${measured.loopDelayMaxMs.toFixed(1)} ms; ` +
        `server GC ${measured.gcPauseMs.toFixed(0)} ms, longest pause ${measured.gcMaxPauseMs.toFixed(1)} ms`,
    );
    const cpuMs = measured.cpuMs - cpuBefore;
    return {
      p50Ms: percentile(sorted, 50),
      p99Ms: slow,
      delivered: latencies.length,
      expected,
      setupPerS: participants / setupS,
      setupCpuUsPerConnection: (setupCpuMs * 1000) / participants,
      heapKbPerConnection:
        (after.heap + after.external - before.heap - before.external) / participants / 1024,
      rssKbPerConnection: (after.rss - before.rss) / participants / 1024,
      cpuUsPerDelivery: (cpuMs * 1000) / expected,
      serverCpuPct: (cpuMs / wallMs) * 100,
      clientCpuPct: ((clientCpu.user + clientCpu.system) / 1000 / wallMs) * 100,
    };
  } finally {
    child.kill();
  }
}
