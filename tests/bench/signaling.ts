import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import { WebSocket } from 'ws';

import { percentile, type Benchmark } from './benchmark.js';

/**
 * Fan-out of chat messages: 1,000 participants in 20 rooms on one node, each sending a chat
 * message at a steady rate, every message delivered to the 50 people of its room. Measured for
 * our signaling server and, in the same run, for a bare `ws` server doing the same fan-out:
 * delivery latency (send to receive, clients in this process) p50/p99, and the server's memory per
 * connection (heap + buffers after GC, and RSS; the server runs in a child process of its own).
 * Bars: p99 at most 2x the bare server's, under 100 KB per connection.
 *
 * Settings: BENCH_PARTICIPANTS (1000), BENCH_ROOMS (20), BENCH_CHAT_INTERVAL_MS (10000 per
 * participant: 100 messages/s in, 5,000 deliveries/s out), BENCH_MEASURE_MS (20000), BENCH_ROUNDS
 * (2, alternating which server goes first), BENCH_SIGNALING_CORE=signaling (load only the signaling
 * server's modules; the default loads it through the package index with the whole core, as the hub
 * does), BENCH_PROFILE_DIR (CPU
 * profiles of the server processes). Pick a rate both servers sustain: a saturated server's
 * latency only measures its queue.
 */
const participants = Number(process.env['BENCH_PARTICIPANTS'] ?? 1000);
const roomCount = Number(process.env['BENCH_ROOMS'] ?? 20);
const intervalMs = Number(process.env['BENCH_CHAT_INTERVAL_MS'] ?? 10_000);
const measureMs = Number(process.env['BENCH_MEASURE_MS'] ?? 20_000);
const warmupMs = 5000;

interface Memory {
  cpuMs: number;
  rss: number;
  heap: number;
  external: number;
}

interface Run {
  latencies: number[];
  expected: number;
  memoryPerConnection: { heap: number; rss: number };
  /** Server CPU time per delivered message while measuring. */
  cpuPerDeliveryUs: number;
}

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

function memory(child: ChildProcess): Promise<Memory> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as Memory));
    child.send('memory');
  });
}

interface Cpu {
  cpuMs: number;
  /** Since the previous `cpu` message: the server's event-loop delay and its GC pauses. */
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  gcPauseMs: number;
  gcMaxPauseMs: number;
}

/** The server's CPU time so far, read without forcing a GC (see signaling-server.ts). */
function cpu(child: ChildProcess): Promise<Cpu> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as Cpu));
    child.send('cpu');
  });
}

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}

async function connectOurs(port: number, room: number): Promise<WebSocket> {
  const ticket = await (await fetch(`http://127.0.0.1:${port}/ticket?room=${room}`)).text();
  const ws = new WebSocket(`ws://127.0.0.1:${port}/signaling/${ticket}`);
  await opened(ws);
  const joined = new Promise<void>((resolve) => {
    const onMessage = (data: Buffer) => {
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

async function run(mode: 'ours' | 'bare'): Promise<Run> {
  const { child, port } = await startServer(mode);
  try {
    const before = await memory(child);
    const clients: WebSocket[] = [];
    for (let i = 0; i < participants; i += 50) {
      const batch = Array.from({ length: Math.min(50, participants - i) }, (_, k) =>
        (mode === 'ours' ? connectOurs : connectBare)(port, (i + k) % roomCount),
      );
      clients.push(...(await Promise.all(batch)));
    }
    const after = await memory(child);

    let recording = false;
    const latencies: number[] = [];
    const sentAts: number[] = [];
    let sentWhileRecording = 0;
    for (const ws of clients) {
      ws.on('message', (data: Buffer) => {
        const text = data.toString();
        if (!text.includes('"message_sent"')) return;
        const frame = JSON.parse(text) as { payload: { content: string } };
        const [sentAt, recorded] = frame.payload.content.split(' ');
        if (recorded === 'r') {
          latencies.push(performance.now() - Number(sentAt));
          sentAts.push(Number(sentAt));
        }
      });
    }
    const timers2: NodeJS.Timeout[] = [];
    const timers = clients.map((ws) => {
      const send = () => {
        const content = `${performance.now()} ${recording ? 'r' : 'w'}`;
        if (recording) sentWhileRecording++;
        ws.send(
          JSON.stringify({
            namespace: 'chat',
            payload: { action: 'send_message', scope: 'global', content },
          }),
        );
      };
      // Spread the senders evenly over the interval: a steady rate, not bursts.
      return setTimeout(() => {
        send();
        timers2.push(setInterval(send, intervalMs));
      }, Math.random() * intervalMs);
    });
    await new Promise((r) => setTimeout(r, warmupMs));
    recording = true;
    const cpuBefore = (await cpu(child)).cpuMs;
    await new Promise((r) => setTimeout(r, measureMs));
    recording = false;
    const measured = await cpu(child);
    const cpuAfter = measured.cpuMs;
    for (const t of timers) clearTimeout(t);
    for (const t of timers2) clearInterval(t);
    await new Promise((r) => setTimeout(r, 1500));
    for (const ws of clients) ws.terminate();
    const perRoom = participants / roomCount;
    // Where the slowest 1% come from: a few stalls (GC, the machine) cluster in a few 100 ms
    // windows; a server that is slow throughout spreads them over the whole run.
    const slow = percentile(
      [...latencies].sort((a, b) => a - b),
      99,
    );
    const windows = new Set(
      sentAts.filter((_, i) => (latencies[i] ?? 0) >= slow).map((t) => Math.floor(t / 100)),
    );
    console.log(
      `  ${mode}: slowest 1% (>= ${slow.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms) sent in ` +
        `${windows.size} of ${measureMs / 100} 100-ms windows; server event loop delay p99 ` +
        `${measured.loopDelayP99Ms.toFixed(1)} ms, max ${measured.loopDelayMaxMs.toFixed(1)} ms; ` +
        `server GC ${measured.gcPauseMs.toFixed(0)} ms, longest pause ${measured.gcMaxPauseMs.toFixed(1)} ms`,
    );
    return {
      latencies: latencies.sort((a, b) => a - b),
      // Every message reaches everyone in its room, the sender included.
      expected: sentWhileRecording * perRoom,
      cpuPerDeliveryUs: ((cpuAfter - cpuBefore) * 1000) / (sentWhileRecording * perRoom),
      memoryPerConnection: {
        heap: (after.heap + after.external - before.heap - before.external) / participants,
        rss: (after.rss - before.rss) / participants,
      },
    };
  } finally {
    child.kill();
  }
}

function merge(runs: readonly Run[]): Run {
  return {
    latencies: runs.flatMap((r) => r.latencies).sort((a, b) => a - b),
    expected: runs.reduce((n, r) => n + r.expected, 0),
    memoryPerConnection: {
      heap: Math.max(...runs.map((r) => r.memoryPerConnection.heap)),
      rss: Math.max(...runs.map((r) => r.memoryPerConnection.rss)),
    },
    cpuPerDeliveryUs: runs.reduce((n, r) => n + r.cpuPerDeliveryUs, 0) / runs.length,
  };
}

function report(label: string, r: Run): string {
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
  return (
    `${label.padEnd(22)} p50 ${percentile(r.latencies, 50).toFixed(2).padStart(7)} ms  ` +
    `p99 ${percentile(r.latencies, 99).toFixed(2).padStart(7)} ms  ` +
    `delivered ${r.latencies.length}/${r.expected}  server cpu ${r.cpuPerDeliveryUs.toFixed(1)} µs/delivery  ` +
    `memory/connection heap+buffers ${kb(r.memoryPerConnection.heap)}, rss ${kb(r.memoryPerConnection.rss)}`
  );
}

export const signalingBenchmark: Benchmark = {
  name: 'signaling',
  description: `chat fan-out, ${participants} participants in ${roomCount} rooms: our signaling vs a bare ws broadcast server`,
  async run() {
    const rate = (participants / intervalMs) * 1000;
    console.log(
      `signaling: ${participants} participants in ${roomCount} rooms, one chat message each every ${intervalMs} ms ` +
        `(${rate.toFixed(0)} msg/s in, ${(rate * (participants / roomCount)).toFixed(0)} deliveries/s out), ${measureMs} ms measured`,
    );
    // Alternating rounds, so neither server profits from running second (JIT, GC state of the clients).
    const rounds = Number(process.env['BENCH_ROUNDS'] ?? 2);
    const bareRuns: Run[] = [];
    const ourRuns: Run[] = [];
    for (let i = 0; i < rounds; i++) {
      if (i % 2 === 0) {
        ourRuns.push(await run('ours'));
        bareRuns.push(await run('bare'));
      } else {
        bareRuns.push(await run('bare'));
        ourRuns.push(await run('ours'));
      }
    }
    const bare = merge(bareRuns);
    const ours = merge(ourRuns);
    console.log(report('bare ws (baseline)', bare));
    console.log(report('signaling server', ours));
    const p99 = percentile(ours.latencies, 99) / percentile(bare.latencies, 99);
    const p50 = percentile(ours.latencies, 50) / percentile(bare.latencies, 50);
    console.log(`ratio ours/bare: p50 ${p50.toFixed(2)}x, p99 ${p99.toFixed(2)}x (bar: p99 <= 2x)`);
    console.log(
      `memory per connection: ${(ours.memoryPerConnection.heap / 1024).toFixed(1)} KB heap+buffers, ` +
        `${(ours.memoryPerConnection.rss / 1024).toFixed(1)} KB rss (bar: < 100 KB)`,
    );
  },
};
