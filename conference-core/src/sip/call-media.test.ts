import { createSocket, type Socket } from 'node:dgram';

import { afterEach, describe, expect, it } from 'vitest';

import { CallMedia } from './call-media.js';
import { buildRtp, parseRtp, type RtpPacket } from './rtp-packet.js';

const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

async function bound(address = '127.0.0.1'): Promise<{ socket: Socket; port: number; got: RtpPacket[] }> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  const got: RtpPacket[] = [];
  socket.on('message', (data) => {
    const packet = parseRtp(data);
    if (packet !== undefined) got.push(packet);
  });
  return { socket, port: (socket.address() as { port: number }).port, got };
}

const rtp = (payloadType: number, payload: Buffer, sequence = 1, timestamp = 1000) =>
  buildRtp({ payloadType, marker: false, sequence, timestamp, ssrc: 7, payload });

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** A relay between a caller socket and a mixer socket, both on loopback. */
async function relay() {
  const caller = await bound();
  const mixer = await bound();
  const callerSide = await bound();
  const mixerSide = await bound();
  const digits: string[] = [];
  const talking: boolean[] = [];
  const media = new CallMedia({
    callerSocket: callerSide.socket,
    conferenceSocket: mixerSide.socket,
    offer: {
      address: '127.0.0.1',
      port: caller.port,
      codec: 'PCMA',
      payloadType: 8,
      telephoneEvent: 101,
      onHold: false,
    },
    onDigit: (d) => digits.push(d),
    onTalking: (t) => talking.push(t),
  });
  media.connect({ address: '127.0.0.1', port: mixer.port }, 8);
  return { caller, mixer, callerSide, mixerSide, media, digits, talking };
}

describe('call relay', () => {
  it('re-packetizes 30 ms caller packets into 20 ms frames of one continuous stream', async () => {
    const r = await relay();
    await until(() => r.mixer.got.length === 1); // the priming frame
    for (let i = 0; i < 4; i++)
      r.caller.socket.send(rtp(8, Buffer.alloc(240, 0x2a), i), r.callerSide.port, '127.0.0.1');
    await until(() => r.mixer.got.length === 7);
    expect(r.mixer.got.map((p) => p.payload.length)).toEqual([160, 160, 160, 160, 160, 160, 160]);
    const sequences = r.mixer.got.map((p) => p.sequence);
    expect(sequences.every((s, i) => i === 0 || s === ((sequences[i - 1]! + 1) & 0xffff))).toBe(true);
    expect(new Set(r.mixer.got.map((p) => p.ssrc)).size).toBe(1);
  });

  it('takes DTMF out of the stream and ignores RTP from an address the caller did not announce', async () => {
    const r = await relay();
    const stranger = await bound('127.0.0.2');
    stranger.socket.send(rtp(8, Buffer.alloc(160, 0x2a)), r.callerSide.port, '127.0.0.1');
    stranger.socket.send(rtp(101, Buffer.from([5, 0x0a, 0, 160]), 1, 500), r.callerSide.port, '127.0.0.1');
    r.caller.socket.send(rtp(101, Buffer.from([5, 0x0a, 0, 160]), 2, 900), r.callerSide.port, '127.0.0.1');
    r.caller.socket.send(rtp(0, Buffer.alloc(160, 0xff), 3), r.callerSide.port, '127.0.0.1');
    await until(() => r.media.stats.ignored === 3);
    expect(r.digits).toEqual(['5']);
    expect(r.media.stats.ignored).toBe(3);
    expect(r.mixer.got).toHaveLength(1); // only the priming frame: no DTMF, no stranger, no other codec
  });

  it('sends silence while muted and forwards the mix only from the mixer endpoint', async () => {
    const r = await relay();
    r.media.setMuted(true);
    r.caller.socket.send(rtp(8, Buffer.alloc(160, 0x2a)), r.callerSide.port, '127.0.0.1');
    await until(() => r.mixer.got.length === 2);
    expect(r.mixer.got[1]!.payload.every((b) => b === 0xd5)).toBe(true);
    const other = await bound();
    other.socket.send(rtp(8, Buffer.alloc(160, 0x2a)), r.mixerSide.port, '127.0.0.1');
    r.mixer.socket.send(rtp(8, Buffer.alloc(160, 0x2a)), r.mixerSide.port, '127.0.0.1');
    await until(() => r.caller.got.length === 1 && r.media.stats.ignored === 1);
    expect(r.caller.got[0]!.payload.equals(Buffer.alloc(160, 0x2a))).toBe(true);
    expect(r.media.stats.loudFromConference).toBe(1);
    r.media.close();
  });

  it('reports the caller talking after a second of loud frames, and not talking once muted', async () => {
    const r = await relay();
    // 0x2a is a loud A-law sample: 50 frames (one detection window) make the caller talk.
    for (let i = 0; i < 50; i++)
      r.caller.socket.send(rtp(8, Buffer.alloc(160, 0x2a), i, i * 160), r.callerSide.port, '127.0.0.1');
    await until(() => r.talking.length === 1);
    expect(r.talking).toEqual([true]);
    r.media.setMuted(true);
    expect(r.talking).toEqual([true, false]);
    r.media.close();
    expect(r.talking).toEqual([true, false]);
  });
});
