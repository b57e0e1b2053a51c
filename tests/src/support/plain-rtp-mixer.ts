import { createSocket, type Socket } from 'node:dgram';

import type { ConferenceAudio } from '@vc/conference-core';
import type { ConferenceAudioLeg, PhoneInMeeting } from '@vc/conference-core/testing';

/** Mean absolute linear level of an A-law frame (G.711 decoding, ITU-T table). */
export function alawLevel(frame: Buffer): number {
  let sum = 0;
  for (const byte of frame) {
    const a = byte ^ 0x55;
    const exponent = (a >> 4) & 7;
    const mantissa = a & 15;
    sum += exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  }
  return frame.length === 0 ? 0 : sum / frame.length;
}

/** 20 ms of a 440 Hz tone in A-law, at about -12 dBFS. */
export function toneFrame(offset: number): Buffer {
  const frame = Buffer.alloc(160);
  for (let i = 0; i < 160; i++) {
    const sample = Math.round(8000 * Math.sin((2 * Math.PI * 440 * (offset + i)) / 8000));
    frame[i] = linearToAlaw(sample);
  }
  return frame;
}

function linearToAlaw(sample: number): number {
  const sign = sample >= 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), 32767) >> 3;
  let exponent = 0;
  if (magnitude >= 32) {
    exponent = 1;
    while (magnitude >= 64 && exponent < 7) {
      magnitude >>= 1;
      exponent++;
    }
    magnitude = (magnitude >> 1) & 15;
  } else magnitude = magnitude >> 1;
  return (sign | (exponent << 4) | magnitude) ^ 0x55;
}

export interface MixerLeg {
  readonly phone: PhoneInMeeting;
  /** RTP packets received from the gateway, and how many were 160-byte A-law frames above silence. */
  received: number;
  wrongSize: number;
  nonSilent: number;
  /** Tone frames sent back (one per frame received, like a mixer's output). */
  sent: number;
  left: boolean;
}

/**
 * A plain-RTP "mixer" on 127.0.0.1 standing in for the AudioBridge behind the `ConferenceAudio`
 * port, the way the reference design's listener worked: it counts the phone's frames, checks they
 * are 20 ms A-law, and answers each with a tone frame so the way back is exercised too.
 */
export class PlainRtpMixer implements ConferenceAudio {
  readonly legs: MixerLeg[] = [];
  private readonly sockets = new Set<Socket>();

  async join(phone: PhoneInMeeting, local: { address: string; port: number }): Promise<ConferenceAudioLeg> {
    const socket = createSocket('udp4');
    this.sockets.add(socket);
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const leg: MixerLeg = { phone, received: 0, wrongSize: 0, nonSilent: 0, sent: 0, left: false };
    this.legs.push(leg);
    let sequence = 1;
    socket.on('message', (data, from) => {
      if (from.address !== local.address || from.port !== local.port || data.length < 12) return;
      leg.received += 1;
      const payload = data.subarray(12);
      if (payload.length !== 160 || (data[1]! & 0x7f) !== 8) leg.wrongSize += 1;
      else if (alawLevel(payload) > 200) leg.nonSilent += 1;
      const out = Buffer.alloc(12);
      out[0] = 0x80;
      out[1] = 8;
      out.writeUInt16BE(sequence & 0xffff, 2);
      out.writeUInt32BE(sequence * 160, 4);
      out.writeUInt32BE(0x4d495852, 8);
      sequence += 1;
      socket.send(Buffer.concat([out, toneFrame(sequence * 160)]), local.port, local.address);
      leg.sent += 1;
    });
    const port = (socket.address() as { port: number }).port;
    return {
      remote: { address: '127.0.0.1', port },
      payloadType: 8,
      leave: () => {
        leg.left = true;
        this.sockets.delete(socket);
        return new Promise((resolve) => socket.close(() => resolve()));
      },
    };
  }

  close(): void {
    for (const socket of this.sockets) socket.close();
    this.sockets.clear();
  }
}
