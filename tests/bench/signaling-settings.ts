import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { defaultLimits } from '@vc/conference-core/testing';

import { isQuick } from './benchmark.js';
import type { Load } from './signaling-load.js';

/**
 * The command line of `npm run bench -- signaling`:
 *
 *   --participants N   connections, on one server (1000; --quick 200)
 *   --rooms N          participant i joins room i % N (20; --quick 4)
 *   --talkers N        senders per room, the others only receive (default: everyone)
 *   --rate N           deliveries per second the talkers cause together (5000); each talker's
 *                      interval follows from it. Pick a rate both servers sustain: a saturated
 *                      server's latency only measures its queue.
 *   --measure-ms N     measured window per pass (20000; --quick 3000), after --warmup-ms (5000; 1000)
 *   --runs N           runs of (ours, bare), alternating which goes first; figures are medians (3; 1)
 *
 * e.g. `--participants 10000 --rooms 200` (scale) or `--participants 500 --rooms 1 --talkers 10`.
 */
export interface Settings extends Load {
  readonly runs: number;
  readonly rate: number;
  readonly quick: boolean;
}

export function parseSettings(args: readonly string[]): Settings {
  const quick = isQuick(args);
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    options: {
      quick: { type: 'boolean' },
      participants: { type: 'string' },
      rooms: { type: 'string' },
      talkers: { type: 'string' },
      rate: { type: 'string' },
      'measure-ms': { type: 'string' },
      'warmup-ms': { type: 'string' },
      runs: { type: 'string' },
    },
  });
  const int = (name: keyof typeof values, fallback: number, min = 1): number => {
    const raw = values[name];
    if (raw === undefined || typeof raw === 'boolean') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) {
      throw new Error(`--${name} must be a whole number >= ${min}, got ${JSON.stringify(raw)}`);
    }
    return value;
  };
  const participants = int('participants', quick ? 200 : 1000);
  const rooms = int('rooms', quick ? 4 : 20);
  if (rooms > participants) throw new Error(`--rooms (${rooms}) exceeds --participants (${participants})`);
  const smallestRoom = Math.floor(participants / rooms);
  const talkersPerRoom = int('talkers', smallestRoom);
  if (talkersPerRoom > smallestRoom) {
    throw new Error(`--talkers (${talkersPerRoom}) exceeds the smallest room's ${smallestRoom} participants`);
  }
  const rate = int('rate', 5000);
  const talkers = talkersPerRoom * rooms;
  // Every message reaches its whole room: rate = talkers * room size / interval.
  const intervalMs = Math.round((talkers * (participants / rooms) * 1000) / rate);
  const fastestMs = 1000 / defaultLimits.chatPerSecond;
  if (intervalMs < fastestMs) {
    throw new Error(
      `--rate ${rate} needs each of the ${talkers} talkers to send every ${intervalMs} ms, faster than ` +
        `the chat limit (one per ${fastestMs} ms): lower --rate or add --talkers`,
    );
  }
  checkHost(participants);
  return {
    participants,
    rooms,
    talkersPerRoom,
    intervalMs,
    rate,
    warmupMs: int('warmup-ms', quick ? 1000 : 5000, 0),
    measureMs: int('measure-ms', quick ? 3000 : 20_000, 100),
    runs: int('runs', quick ? 1 : 3),
    quick,
  };
}

/**
 * Each process (clients here, server in its child) holds one descriptor per connection, and the
 * clients need one local port each: say so up front instead of failing with EMFILE half-way.
 */
function checkHost(participants: number): void {
  const needed = participants + 256;
  const soft = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim());
  if (Number.isFinite(soft) && soft < needed) {
    throw new Error(
      `${participants} participants need ${needed} open files per process; ulimit -n is ${soft}: ` +
        `run 'ulimit -n ${needed}' (at most the hard limit, 'ulimit -Hn') in the shell first`,
    );
  }
  const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
  const ports = Number(high) - Number(low) + 1;
  if (ports < needed) {
    throw new Error(
      `${participants} participants need ${needed} local ports; net.ipv4.ip_local_port_range has ${ports}`,
    );
  }
}
