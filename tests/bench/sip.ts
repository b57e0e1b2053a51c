import { randomInt } from 'node:crypto';

import { silentLogger } from '@vc/conference-core';
import { JanusConnection, buildAudioAnswer, startSipEdge } from '@vc/conference-core/testing';
import type { SignalingClient } from '@vc/conference-core/signaling-client';

import { freePort } from '../scripts/free-port.js';
import { startApiHub } from '../src/support/api-hub.js';
import {
  dialInRoom,
  type DialIn,
  joinAsRtpPhone,
  RtpParticipant,
  pinEntrySteps,
  waitUntil,
} from '../src/support/call-in.js';
import { startTestJanus, type TestJanus } from '../src/support/janus.js';
import { cpuMs, udpDrops } from '../src/support/process-stats.js';
import { runSipp, type SippResult, type SippStep } from '../src/support/sipp.js';
import { speechPcap20ms } from '../src/support/speech-pcap.js';
import { isQuick, percentile, printResult, type Benchmark, type BenchResult } from './benchmark.js';
import { relayCost } from './sip-relay.js';

/**
 * SIP call-in under load on loopback, against its floor in the same run. Both runs put the same
 * sipp calls (A-law speech re-cut to 20 ms, 4 plays = 30 s held; BENCH_SIP_PLAYS) into `meetings` AudioBridge rooms
 * of one real Janus, each room with one more plain-RTP participant that only listens:
 * - floor: sipp talks straight to AudioBridge plain-RTP ports (a bare SIP answerer joins the bridge
 *   for each INVITE and answers with Janus's port), no gateway in between;
 * - gateway: sipp dials the hub's SIP edge, types id and PIN (RFC 4733) and the gateway takes each
 *   call through the API, signaling (kind `phone`) and its RTP relay into the meeting's bridge.
 * Measured over the same steady window with every call up: CPU per call of Janus and of this
 * process (hub: API, signaling, relays), UDP receive drops, and the mix frames the listeners get;
 * setup is PIN entered → audio up (gateway) against INVITE → bridge joined (floor).
 */
let calls = Number(process.env['BENCH_SIP_CALLS'] ?? 50);
let meetings = Number(process.env['BENCH_SIP_MEETINGS'] ?? 5);
let windowSeconds = Number(process.env['BENCH_SIP_WINDOW'] ?? 20);
let speechPlays = Number(process.env['BENCH_SIP_PLAYS'] ?? 4);
let perMeeting = Math.ceil(calls / meetings);

/** `--quick`: 10 calls in 2 meetings, 15 s held, 5 s measured (the same figures, smaller). */
function useQuickSizes(): void {
  calls = Number(process.env['BENCH_SIP_CALLS'] ?? 10);
  meetings = Number(process.env['BENCH_SIP_MEETINGS'] ?? 2);
  windowSeconds = Number(process.env['BENCH_SIP_WINDOW'] ?? 5);
  speechPlays = Number(process.env['BENCH_SIP_PLAYS'] ?? 2);
  perMeeting = Math.ceil(calls / meetings);
}
const sippRate = 2; // per sipp, so calls arrive at ~10/s in all

interface Figures {
  readonly setups: number[];
  readonly up: number;
  readonly janusCpu: number;
  readonly ourCpu: number;
  readonly sippCpu: number;
  /** UDP datagrams the kernel dropped for Janus and this process (real receivers)… */
  readonly drops: number;
  /** …and for sipp, which never reads the mix it is sent (its socket buffer just overflows). */
  readonly sippDrops: number;
  /** Per listener: mix frames and loud ones during the window. */
  readonly heard: { frames: number; loud: number }[];
  readonly seconds: number;
  /** Calls up during the window (mean of its start and end): what CPU is divided by. */
  readonly callsInWindow: number;
  readonly sipp: SippResult[];
}

/**
 * CPU, drops and listener counts over `windowSeconds` once all calls are up (`callsUp`), or once
 * waiting for that took 90 s (a loaded machine: the first calls may end before the last are in).
 */
async function measureWindow(
  janus: TestJanus,
  sippPids: number[],
  listeners: RtpParticipant[],
  callsUp: () => number,
): Promise<Omit<Figures, 'setups' | 'up' | 'sipp'>> {
  await waitUntil(() => callsUp() >= calls, 'every call to be up', 90_000).catch(() => {
    console.log(`only ${callsUp()} of ${calls} calls up at once; measuring those`);
  });
  const upAtStart = callsUp();
  const pids = [janus.pid ?? 0, process.pid];
  const start = {
    at: performance.now(),
    janus: cpuMs(janus.pid ?? 0),
    ours: process.cpuUsage(),
    sipp: sippPids.reduce((s, p) => s + cpuMs(p), 0),
    drops: udpDrops(pids),
    sippDrops: udpDrops(sippPids),
    heard: listeners.map((l) => ({ ...l.heard })),
  };
  await new Promise((resolve) => setTimeout(resolve, windowSeconds * 1000));
  const ours = process.cpuUsage(start.ours);
  return {
    seconds: (performance.now() - start.at) / 1000,
    callsInWindow: Math.max(1, (upAtStart + callsUp()) / 2),
    janusCpu: cpuMs(janus.pid ?? 0) - start.janus,
    ourCpu: (ours.user + ours.system) / 1000,
    sippCpu: sippPids.reduce((s, p) => s + cpuMs(p), 0) - start.sipp,
    drops: udpDrops(pids) - start.drops,
    sippDrops: udpDrops(sippPids) - start.sippDrops,
    heard: listeners.map((l, i) => ({
      frames: l.heard.frames - start.heard[i]!.frames,
      loud: l.heard.loud - start.heard[i]!.loud,
    })),
  };
}

function placeCalls(
  target: { host: string; port: number },
  perRoom: (room: number) => { dial?: string; steps: SippStep[] },
  sippPids: number[],
): Promise<SippResult[]> {
  return Promise.all(
    Array.from({ length: meetings }, (_, room) =>
      runSipp(
        target,
        { from: `+49301112${String(room).padStart(2, '0')}`, ...perRoom(room) },
        { calls: Math.min(perMeeting, calls - room * perMeeting), rate: sippRate },
        (pid) => sippPids.push(pid),
      ),
    ),
  );
}

/** sipp → bare SIP answer → AudioBridge plain-RTP port: no relay, no API, no signaling. */
async function floorRun(janus: TestJanus, pcap: string): Promise<Figures> {
  const connection = await JanusConnection.open({ url: janus.url, apiSecret: janus.apiSecret });
  const session = await connection.createSession();
  const admin = await session.attachAudioBridge();
  const rooms = Array.from({ length: meetings }, () => randomInt(1, 2 ** 40));
  const secret = 'bench';
  for (const room of rooms) await admin.createRoom({ room, secret, adminKey: janus.adminKey });
  const listeners: RtpParticipant[] = [];
  for (const room of rooms) {
    const listener = await RtpParticipant.bind();
    const handle = await session.attachAudioBridge();
    const joined = await handle.joinRtp({
      room,
      display: 'Listener',
      codec: 'pcma',
      rtp: { ip: '127.0.0.1', port: listener.port },
    });
    listener.start(joined.janusRtp, 'silence');
    listeners.push(listener);
  }
  const setups: number[] = [];
  let live = 0;
  const port = await freePort();
  const edge = await startSipEdge({
    address: '127.0.0.1',
    port,
    publicAddress: '127.0.0.1',
    udp: true,
    tcp: false,
    logger: silentLogger,
    invitesPerSource: { burst: calls * 2, perSecond: calls },
    async onInvite(call) {
      const started = performance.now();
      const room = rooms[Number(call.requestUser)];
      if (room === undefined) return { ok: false, status: 480, reason: 'Temporarily Unavailable' };
      const handle = await session.attachAudioBridge();
      const joined = await handle.joinRtp({
        room,
        display: call.from.user ?? 'caller',
        codec: call.offer.codec === 'PCMA' ? 'pcma' : 'pcmu',
        rtp: { ip: call.offer.address, port: call.offer.port, payloadType: call.offer.payloadType },
      });
      setups.push(performance.now() - started);
      live += 1;
      const answerFor = (offer: typeof call.offer) =>
        buildAudioAnswer({
          address: joined.janusRtp.ip,
          port: joined.janusRtp.port,
          offer,
          sessionId: Date.now(),
          version: 1,
        });
      return {
        ok: true,
        sdp: answerFor(call.offer),
        answerFor,
        events: {
          offerChanged: () => undefined,
          digit: () => undefined,
          ended: () => {
            live -= 1;
            void handle.detach();
          },
        },
      };
    },
  });
  const sippPids: number[] = [];
  try {
    const talk: SippStep[] = [{ pause: 1000 }];
    for (let i = 0; i < speechPlays; i++) talk.push({ speech: true, pcap }, { pause: 7500 });
    const placed = placeCalls(
      { host: '127.0.0.1', port },
      (room) => ({ dial: String(room), steps: [...talk, { hangUp: true }] }),
      sippPids,
    );
    const window = await measureWindow(janus, sippPids, listeners, () => live);
    const sipp = await placed;
    return { ...window, setups: setups.sort((a, b) => a - b), up: setups.length, sipp };
  } finally {
    listeners.forEach((l) => l.close());
    await edge.close();
    for (const room of rooms) await admin.destroyRoom(room, secret).catch(() => undefined);
    await session.destroy();
    await connection.close();
  }
}

/** sipp → the hub's SIP gateway (menu, API, signaling, relay) → the meeting's AudioBridge. */
async function gatewayRun(janus: TestJanus, pcap: string): Promise<Figures & { relay: string }> {
  const sipPort = await freePort();
  const callInSecret = 'call-in-secret-for-the-sip-bench';
  const rtpBase = 51000;
  const api = await startApiHub({
    SIP_PORT: String(sipPort),
    SIP_HOST: '127.0.0.1',
    SIP_RTP_PORTS: `${rtpBase}-${rtpBase + calls * 4 + 9}`,
    SIP_MAX_CALLS: String(calls + 5),
    SIP_INVITES_PER_SECOND: '10',
    DEV_IDP_CALL_IN_SECRET: callInSecret,
    MEDIA: 'auto',
    JANUS_URLS: janus.url,
    JANUS_API_SECRET: janus.apiSecret,
    JANUS_ADMIN_KEY: janus.adminKey,
  });
  const listeners: RtpParticipant[] = [];
  const clients: SignalingClient[] = [];
  try {
    const alice = await api.token('alice');
    await api.call('/v1/users/me', { token: alice });
    const dialIns: DialIn[] = [];
    for (let room = 0; room < meetings; room++) {
      const dialIn = await dialInRoom(api, alice);
      const { client, rtp } = await joinAsRtpPhone(api, {
        callInSecret,
        dialIn,
        displayName: `Listener ${room}`,
        sound: 'silence',
      });
      clients.push(client);
      listeners.push(rtp);
      dialIns.push(dialIn);
    }
    const gateway = api.hub.sip();
    if (gateway === undefined) throw new Error('the SIP gateway did not start');
    const sippPids: number[] = [];
    const placed = placeCalls(
      { host: '127.0.0.1', port: sipPort },
      (room) => ({ steps: pinEntrySteps(dialIns[room]!, { speechPlays, pcap }) }),
      sippPids,
    );
    const window = await measureWindow(
      janus,
      sippPids,
      listeners,
      () => [...gateway.calls].filter((c) => c.stage === 'in_meeting').length,
    );
    const sipp = await placed;
    await waitUntil(() => gateway.calls.size === 0, 'every call to end', 30_000);
    const done = gateway.finished.filter((c) => c.reachedMeeting);
    const sum = (pick: (s: (typeof done)[number]['stats']) => number) =>
      done.reduce((total, c) => total + pick(c.stats), 0);
    const sent = done.length * speechPlays * speechPcap20ms().frames;
    const relay =
      `relay, ${done.length} calls: ${sum((s) => s.fromCaller)} speech frames from sipp of ${sent} sent ` +
      `(${pct(sent - sum((s) => s.fromCaller), sent)} lost), ${sum((s) => s.toConference)} to Janus, ` +
      `${sum((s) => s.fromConference)} mix frames back, ${sum((s) => s.ignored)} ignored` +
      `; not in the meeting: ${
        gateway.finished
          .filter((c) => !c.reachedMeeting)
          .map((c) => c.reason)
          .join(', ') || 'none'
      }`;
    return {
      ...window,
      setups: done.map((c) => c.setupMs ?? Number.NaN).sort((a, b) => a - b),
      up: done.length,
      sipp,
      relay,
    };
  } finally {
    listeners.forEach((l) => l.close());
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await api.stop();
  }
}

const pct = (part: number, whole: number) =>
  `${((100 * Math.max(0, part)) / Math.max(1, whole)).toFixed(2)} %`;

function report(gateway: Figures & { relay: string }, floor: Figures): BenchResult {
  const perCall = (f: Figures, ms: number) => ms / f.callsInWindow / f.seconds;
  const heard = (f: Figures) => f.heard.reduce((s, h) => s + h.frames, 0);
  const loud = (f: Figures) => f.heard.reduce((s, h) => s + h.loud, 0);
  const expected = (f: Figures) => f.heard.length * 50 * f.seconds;
  const missing = (f: Figures) => Math.max(0, expected(f) - heard(f)) / expected(f);
  const row = (name: string, g: number, f: number, unit: string, digits = 2) =>
    console.log(
      `${name.padEnd(42)} ${g.toFixed(digits).padStart(9)} ${f.toFixed(digits).padStart(9)} ${unit.padEnd(8)} ${f === 0 ? (g === 0 ? 'equal' : 'n/a (floor 0)') : `${(g / f).toFixed(2)}x`}`,
    );
  console.log(
    `\n${calls} sipp calls in ${meetings} meetings (${perMeeting} callers + 1 listener each), ${speechPlays * 7.5} s held, ${windowSeconds} s measured with all calls up`,
  );
  console.log(`${''.padEnd(42)} ${'gateway'.padStart(9)} ${'floor'.padStart(9)} ${''.padEnd(8)} ratio`);
  row(
    'setup p50 (gateway: PIN→audio; floor: join)',
    percentile(gateway.setups, 50),
    percentile(floor.setups, 50),
    'ms',
    0,
  );
  row('setup p95', percentile(gateway.setups, 95), percentile(floor.setups, 95), 'ms', 0);
  row('Janus CPU per call', perCall(gateway, gateway.janusCpu), perCall(floor, floor.janusCpu), 'ms/s');
  row(
    'hub/bench process CPU per call',
    perCall(gateway, gateway.ourCpu),
    perCall(floor, floor.ourCpu),
    'ms/s',
  );
  row(
    'Janus + process CPU per call',
    perCall(gateway, gateway.janusCpu + gateway.ourCpu),
    perCall(floor, floor.janusCpu + floor.ourCpu),
    'ms/s',
  );
  row(
    'sipp CPU per call (same load both runs)',
    perCall(gateway, gateway.sippCpu),
    perCall(floor, floor.sippCpu),
    'ms/s',
  );
  row('listener mix frames missing', 100 * missing(gateway), 100 * missing(floor), '%');
  row(
    'listener loud mix frames per second',
    loud(gateway) / gateway.seconds,
    loud(floor) / floor.seconds,
    '/s',
    0,
  );
  console.log(
    `UDP receive drops in the window, Janus + this process: gateway ${gateway.drops}, floor ${floor.drops} ` +
      `(sipp, which never reads the mix: ${gateway.sippDrops} and ${floor.sippDrops}); ` +
      `calls up: gateway ${gateway.up}/${calls} (${gateway.callsInWindow} in the window), floor ${floor.up}/${calls} (${floor.callsInWindow}); ` +
      `sipp exit codes: gateway ${gateway.sipp.map((r) => r.code).join(',')}, floor ${floor.sipp.map((r) => r.code).join(',')}`,
  );
  console.log(gateway.relay);
  const both = (f: Figures) => perCall(f, f.janusCpu + f.ourCpu);
  return {
    name: 'sip',
    ratio: both(gateway) / both(floor),
    bars: [],
    figures: {
      calls,
      setup_p50_ms: Math.round(percentile(gateway.setups, 50)),
      setup_p95_ms: Math.round(percentile(gateway.setups, 95)),
      floor_setup_p50_ms: Math.round(percentile(floor.setups, 50)),
      cpu_per_call_ms_per_s: Number(both(gateway).toFixed(2)),
      floor_cpu_per_call_ms_per_s: Number(both(floor).toFixed(2)),
      mix_missing_percent: Number((100 * missing(gateway)).toFixed(2)),
      udp_drops: gateway.drops,
      calls_up: gateway.up,
    },
  };
}

export const sipBenchmark: Benchmark = {
  name: 'sip',
  description: `SIP call-in: ${calls} sipp calls through the gateway into Janus AudioBridge vs sipp straight to AudioBridge ports (add "relay" for the relay alone vs a bare forwarder)`,
  async run(args) {
    if (isQuick(args)) useQuickSizes();
    if (args.includes('relay')) {
      await relayCost(calls);
      return;
    }
    const janus = await startTestJanus();
    try {
      const pcap = speechPcap20ms().file;
      const floor = await floorRun(janus, pcap);
      const gateway = await gatewayRun(janus, pcap);
      printResult({ ...report(gateway, floor), ...(isQuick(args) && { quick: true }) });
    } finally {
      await janus.dispose();
    }
  },
};
