import { createSocket, type Socket } from 'node:dgram';

import { CallMedia } from '@vc/conference-core/testing';

/**
 * The relay alone (`npm run bench -- sip relay`): N callers' 30 ms A-law streams through N
 * `CallMedia` relays (parse, DTMF check, re-packetize, re-stamp) against a bare UDP forwarder
 * (receive, send) carrying the same packets in the same run. Kept beside the Janus benchmark
 * because it isolates the relay's own per-packet cost from API, signaling and Janus.
 */
async function bind(): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: (socket.address() as { port: number }).port };
}

/** Sends N streams of 30 ms packets for `seconds`; returns CPU µs spent while they flow through `via`. */
async function carry(
  calls: number,
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

export async function relayCost(calls: number): Promise<void> {
  const seconds = 10;
  const sink = await bind();
  let sunk = 0;
  sink.socket.on('message', () => (sunk += 1));
  const bare = await carry(
    calls,
    async () => {
      const hops = await Promise.all(Array.from({ length: calls }, bind));
      hops.forEach((h) => h.socket.on('message', (data) => h.socket.send(data, sink.port, '127.0.0.1')));
      return { targets: hops.map((h) => h.port), close: () => hops.forEach((h) => h.socket.close()) };
    },
    seconds,
  );
  const bareSunk = sunk;
  sunk = 0;
  const relayed = await carry(
    calls,
    async (_senders, ports) => {
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
    },
    seconds,
  );
  sink.socket.close();
  const perCall = (us: number) => us / 1000 / calls / seconds;
  console.log(
    `relay CPU: ${perCall(relayed).toFixed(2)} ms per call-second (${sunk} frames out) vs bare forwarder ${perCall(bare).toFixed(2)} ms (${bareSunk} packets out): ratio ${(relayed / bare).toFixed(2)}x`,
  );
}
