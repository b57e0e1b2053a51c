import { loadavg } from 'node:os';

import { bar, printResult, type Benchmark } from './benchmark.js';
import { measurePass, type Pass } from './signaling-load.js';
import { parseSettings } from './signaling-settings.js';

/**
 * Chat fan-out on one node: N participants in R rooms, T talkers per room sending chat messages at
 * a steady rate, every message delivered to everyone in its room. Our signaling server and, in the
 * same run, a bare `ws` server doing the same fan-out (signaling-server.ts), at the same load;
 * each in a child process of its own, the clients here (signaling-load.ts). Per pass: connection
 * setup rate and server CPU per connection, server memory per connection, delivery latency
 * p50/p99, server CPU per delivery. `--runs N` repeats (ours, bare), alternating which goes
 * first, and the figures and bars are the medians over the runs. Bars (issue 20): p99 at most 2x
 * the bare server's, under 20 KB per connection. Command line: signaling-settings.ts.
 *
 * Environment: BENCH_SIGNALING_CORE=signaling (load only the signaling server's modules; the
 * default loads it through the package index with the whole core, as the hub does),
 * BENCH_PROFILE_DIR (CPU profiles of the server processes).
 */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

function line(label: string, p: Pass): string {
  return (
    `  ${label.padEnd(5)} p50 ${p.p50Ms.toFixed(2).padStart(7)} ms  p99 ${p.p99Ms.toFixed(2).padStart(7)} ms  ` +
    `delivered ${p.delivered}/${p.expected}  cpu ${p.cpuUsPerDelivery.toFixed(1)} µs/delivery ` +
    `(${p.serverCpuPct.toFixed(0)}% of a core; clients ${p.clientCpuPct.toFixed(0)}%)  ` +
    `setup ${p.setupPerS.toFixed(0)} conn/s, ${p.setupCpuUsPerConnection.toFixed(0)} µs cpu/conn  ` +
    `memory/conn heap+buffers ${p.heapKbPerConnection.toFixed(1)} KB, rss ${p.rssKbPerConnection.toFixed(1)} KB`
  );
}

export const signalingBenchmark: Benchmark = {
  name: 'signaling',
  description:
    'chat fan-out on one node (--participants, --rooms, --talkers, --rate, --runs): our signaling vs a bare ws broadcast server',
  async run(args) {
    const s = parseSettings(args);
    const talkers = s.talkersPerRoom * s.rooms;
    console.log(
      `signaling: ${s.participants} participants in ${s.rooms} rooms, ${s.talkersPerRoom} talkers per room, ` +
        `each sending every ${s.intervalMs} ms (${((talkers * 1000) / s.intervalMs).toFixed(0)} msg/s in, ` +
        `~${s.rate} deliveries/s out), ${s.measureMs} ms measured after ${s.warmupMs} ms, ${s.runs} run(s); load ${load()}`,
    );
    const ours: Pass[] = [];
    const bare: Pass[] = [];
    for (let run = 0; run < s.runs; run++) {
      // Alternating, so neither server profits from going second (JIT and GC state of the clients).
      const order = run % 2 === 0 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const);
      for (const mode of order) (mode === 'ours' ? ours : bare).push(await measurePass(mode, s));
      const o = ours[run];
      const b = bare[run];
      if (o === undefined || b === undefined) throw new Error('a pass is missing');
      console.log(`run ${run + 1}/${s.runs} (load ${load()}):`);
      console.log(line('bare', b));
      console.log(line('ours', o));
      console.log(
        `  ratio ours/bare: p50 ${(o.p50Ms / b.p50Ms).toFixed(2)}x, p99 ${(o.p99Ms / b.p99Ms).toFixed(2)}x, ` +
          `cpu ${(o.cpuUsPerDelivery / b.cpuUsPerDelivery).toFixed(2)}x`,
      );
      for (const [label, p] of [
        ['ours', o],
        ['bare', b],
      ] as const) {
        if (p.delivered < p.expected * 0.99) {
          console.log(`  WARNING ${label}: only ${p.delivered} of ${p.expected} deliveries arrived`);
        }
      }
    }
    const m = (passes: readonly Pass[], figure: (p: Pass) => number): number => median(passes.map(figure));
    const ratio = (figure: (p: Pass) => number): number =>
      median(ours.map((o, i) => figure(o) / figure(bare[i] ?? o)));
    const p99Ratio = ratio((p) => p.p99Ms);
    const p50Ratio = ratio((p) => p.p50Ms);
    const cpuRatio = ratio((p) => p.cpuUsPerDelivery);
    const kb = m(ours, (p) => p.heapKbPerConnection);
    console.log(
      `median of ${s.runs}: p99 ${m(ours, (p) => p.p99Ms).toFixed(2)} vs ${m(bare, (p) => p.p99Ms).toFixed(2)} ms ` +
        `(${p99Ratio.toFixed(2)}x, bar <= 2x), p50 ${m(ours, (p) => p.p50Ms).toFixed(2)} vs ` +
        `${m(bare, (p) => p.p50Ms).toFixed(2)} ms (${p50Ratio.toFixed(2)}x), cpu/delivery ${cpuRatio.toFixed(2)}x, ` +
        `setup ${m(ours, (p) => p.setupPerS).toFixed(0)} vs ${m(bare, (p) => p.setupPerS).toFixed(0)} conn/s, ` +
        `${kb.toFixed(1)} KB heap+buffers per connection (bar < 20 KB), rss ${m(ours, (p) => p.rssKbPerConnection).toFixed(1)} KB`,
    );
    printResult({
      name: 'signaling',
      ratio: p99Ratio,
      bars: [bar('p99_ratio', p99Ratio, '<= 2'), bar('kb_per_connection', kb, '< 20')],
      figures: {
        participants: s.participants,
        rooms: s.rooms,
        talkers_per_room: s.talkersPerRoom,
        deliveries_per_s: s.rate,
        runs: s.runs,
        p50_ratio: p50Ratio,
        cpu_ratio: cpuRatio,
        p50_ms: m(ours, (p) => p.p50Ms),
        p99_ms: m(ours, (p) => p.p99Ms),
        bare_p50_ms: m(bare, (p) => p.p50Ms),
        bare_p99_ms: m(bare, (p) => p.p99Ms),
        cpu_us_per_delivery: m(ours, (p) => p.cpuUsPerDelivery),
        bare_cpu_us_per_delivery: m(bare, (p) => p.cpuUsPerDelivery),
        server_cpu_pct: m(ours, (p) => p.serverCpuPct),
        bare_server_cpu_pct: m(bare, (p) => p.serverCpuPct),
        setup_per_s: m(ours, (p) => p.setupPerS),
        bare_setup_per_s: m(bare, (p) => p.setupPerS),
        setup_cpu_us_per_connection: m(ours, (p) => p.setupCpuUsPerConnection),
        bare_setup_cpu_us_per_connection: m(bare, (p) => p.setupCpuUsPerConnection),
        heap_kb_per_connection: kb,
        rss_kb_per_connection: m(ours, (p) => p.rssKbPerConnection),
        bare_heap_kb_per_connection: m(bare, (p) => p.heapKbPerConnection),
        bare_rss_kb_per_connection: m(bare, (p) => p.rssKbPerConnection),
        delivered_fraction: m(ours, (p) => p.delivered / p.expected),
        bare_delivered_fraction: m(bare, (p) => p.delivered / p.expected),
        client_cpu_pct: m(ours, (p) => p.clientCpuPct),
      },
      ...(s.quick ? { quick: true } : {}),
    });
  },
};
