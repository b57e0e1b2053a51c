import { createSocket, type Socket } from 'node:dgram';

import { CallMedia } from '../../conference-core/src/sip/call-media.js';
import { freePort } from '../scripts/free-port.js';
import { startApiHub } from '../src/support/api-hub.js';
import { PlainRtpMixer } from '../src/support/plain-rtp-mixer.js';
import { runSipp } from '../src/support/sipp.js';
import { percentile, type Benchmark } from './benchmark.js';

/**
 * SIP call-in under load on loopback. Part 1: N sipp calls at once dial in (RFC 4733 id and PIN),
 * talk 7 s and hang up; reported: setup time from the PIN's last key to audio up (p50/p95) and
 * frames lost on the way to the mixer. Part 2, the relay's cost: N callers' 30 ms A-law streams
 * through N `CallMedia` relays (parse, DTMF check, re-packetize, re-stamp) against the floor of a
 * bare UDP forwarder (receive, send) carrying the same packets in the same run.
 */
const calls = Number(process.env['BENCH_SIP_CALLS'] ?? 50);
const speechFrames = 350; // g711a.pcap: 236 packets of 30 ms = 354 frames of 20 ms

async function bind(): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: (socket.address() as { port: number }).port };
}

async function gatewayCalls(): Promise<void> {
  const sipPort = await freePort();
  const mixer = new PlainRtpMixer();
  const api = await startApiHub({
    env: {
      SIP_PORT: String(sipPort),
      SIP_HOST: '127.0.0.1',
      SIP_RTP_PORTS: `51000-${51000 + calls * 4 + 9}`,
      SIP_MAX_CALLS: String(calls + 5),
      SIP_INVITES_PER_SECOND: '10',
    },
    conferenceAudio: mixer,
  });
  try {
    const alice = await api.token('alice');
    await api.call('/v1/users/me', { token: alice });
    const room = (await (await api.call('/v1/rooms', { method: 'POST', token: alice, body: {} })).json()) as {
      id: string;
    };
    const sip = (await (
      await api.call(`/v1/rooms/${room.id}/sip`, { method: 'PUT', token: alice })
    ).json()) as {
      sip_id: string;
      password: string;
    };
    const cpu = process.cpuUsage();
    const result = await runSipp(
      { host: '127.0.0.1', port: sipPort },
      {
        from: '+4930111222',
        steps: [
          { dtmf: `${sip.sip_id}#${sip.password}#` },
          { pause: 2000 },
          { speech: true },
          { pause: 7500 },
          { hangUp: true },
        ],
      },
      { calls, rate: 10 },
    );
    const used = process.cpuUsage(cpu);
    const gateway = api.hub.sip();
    for (let i = 0; i < 100 && (gateway?.finished.length ?? 0) < calls; i++)
      await new Promise((r) => setTimeout(r, 100));
    const done = gateway?.finished.filter((c) => c.reachedMeeting) ?? [];
    const setups = done.map((c) => c.setupMs ?? Number.NaN).sort((a, b) => a - b);
    const received = mixer.legs.reduce((sum, l) => sum + l.received, 0);
    const expected = done.length * speechFrames;
    console.log(`sipp exit ${result.code}; ${done.length}/${calls} calls reached the meeting`);
    console.log(
      `setup after PIN: p50 ${percentile(setups, 50).toFixed(0)} ms, p95 ${percentile(setups, 95).toFixed(0)} ms`,
    );
    console.log(
      `frames to the mixer: ${received} for ${expected} expected speech frames (${((100 * Math.max(0, expected - received)) / Math.max(1, expected)).toFixed(1)} % lost; priming and in-meeting silence add a few)`,
    );
    console.log(
      `hub process CPU over the run (API, signaling, relays, the mixer double): ${((used.user + used.system) / 1000 / calls).toFixed(0)} ms per call`,
    );
  } finally {
    mixer.close();
    await api.stop();
  }
}

/** Sends N streams of 30 ms packets for `seconds`; returns CPU µs spent while they flow through `via`. */
async function carry(
  via: (senders: Socket[], ports: number[]) => Promise<{ close(): void; targets: number[] }>,
  seconds: number,
): Promise<number> {
  const senders = await Promise.all(Array.from({ length: calls }, bind));
  const route = await via(
    senders.map((s) => s.socket),
    senders.map((s) => s.port),
  );
  const payload = Buffer.alloc(240, 0x2a);
  const cpu = process.cpuUsage();
  let n = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      n += 1;
      senders.forEach((s, i) => {
        const header = Buffer.alloc(12);
        header[0] = 0x80;
        header[1] = 8;
        header.writeUInt16BE(n & 0xffff, 2);
        header.writeUInt32BE(n * 240, 4);
        s.socket.send(Buffer.concat([header, payload]), route.targets[i], '127.0.0.1');
      });
      if (n * 30 >= seconds * 1000) {
        clearInterval(timer);
        setTimeout(resolve, 200);
      }
    }, 30);
  });
  const used = process.cpuUsage(cpu);
  route.close();
  senders.forEach((s) => s.socket.close());
  return used.user + used.system;
}

async function relayCost(): Promise<void> {
  const seconds = 10;
  const sink = await bind();
  let sunk = 0;
  sink.socket.on('message', () => (sunk += 1));
  const bare = await carry(async () => {
    const hops = await Promise.all(Array.from({ length: calls }, bind));
    hops.forEach((h) => h.socket.on('message', (data) => h.socket.send(data, sink.port, '127.0.0.1')));
    return { targets: hops.map((h) => h.port), close: () => hops.forEach((h) => h.socket.close()) };
  }, seconds);
  const bareSunk = sunk;
  sunk = 0;
  const relayed = await carry(async (_senders, ports) => {
    const legs = await Promise.all(
      ports.map(async (port) => {
        const [caller, conference] = await Promise.all([bind(), bind()]);
        const media = new CallMedia({
          callerSocket: caller.socket,
          conferenceSocket: conference.socket,
          offer: {
            address: '127.0.0.1',
            port,
            codec: 'PCMA',
            payloadType: 8,
            telephoneEvent: 101,
            onHold: false,
          },
          onDigit: () => undefined,
        });
        media.connect({ address: '127.0.0.1', port: sink.port }, 8);
        return { caller, conference, media };
      }),
    );
    return {
      targets: legs.map((l) => l.caller.port),
      close: () =>
        legs.forEach((l) => {
          l.media.close();
          l.caller.socket.close();
          l.conference.socket.close();
        }),
    };
  }, seconds);
  sink.socket.close();
  const perCall = (us: number) => us / 1000 / calls / seconds;
  console.log(
    `relay CPU: ${perCall(relayed).toFixed(2)} ms per call-second (${sunk} frames out) vs bare forwarder ${perCall(bare).toFixed(2)} ms (${bareSunk} packets out): ratio ${(relayed / bare).toFixed(2)}x`,
  );
}

export const sipBenchmark: Benchmark = {
  name: 'sip',
  description: `SIP call-in: ${calls} sipp calls (setup after PIN, frame loss), relay CPU per call vs a bare UDP forwarder`,
  async run() {
    await gatewayCalls();
    await relayCost();
  },
};
