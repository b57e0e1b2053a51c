import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** sip-tester's 7 s of A-law speech, in 30 ms packets (240-byte payloads). */
export const speechPcap30ms = '/usr/share/sip-tester/g711a.pcap';

let cached: { file: string; frames: number } | undefined;

/**
 * The same speech re-cut into 20 ms packets (160-byte payloads, 50 per second), written once per
 * process to a temp file. AudioBridge's plain-RTP participants drop any other G.711 size, so a
 * caller that talks straight to the bridge (the benchmark's floor) must send these; the gateway
 * run plays the same file so both carry identical streams. `frames`: how many (354).
 */
export function speechPcap20ms(): { file: string; frames: number } {
  if (cached !== undefined) return cached;
  const source = readFileSync(speechPcap30ms);
  if (source.readUInt32LE(0) !== 0xa1b2c3d4 || source.readUInt32LE(20) !== 1) {
    throw new Error(`${speechPcap30ms}: expected a little-endian Ethernet pcap`);
  }
  const payloads: Buffer[] = [];
  let headers: { link: Buffer; ssrc: number; sec: number; usec: number } | undefined;
  for (let at = 24; at + 16 <= source.length;) {
    const length = source.readUInt32LE(at + 8);
    const frame = source.subarray(at + 16, at + 16 + length);
    at += 16 + length;
    const ipHeader = (frame[14]! & 0x0f) * 4;
    const rtp = frame.subarray(14 + ipHeader + 8);
    const rtpHeader = 12 + (rtp[0]! & 0x0f) * 4;
    headers ??= {
      link: Buffer.from(frame.subarray(0, 14 + ipHeader + 8)),
      ssrc: rtp.readUInt32BE(8),
      sec: source.readUInt32LE(at - 16 - length),
      usec: source.readUInt32LE(at - 12 - length),
    };
    payloads.push(rtp.subarray(rtpHeader));
  }
  if (headers === undefined) throw new Error(`${speechPcap30ms} holds no packets`);
  const audio = Buffer.concat(payloads);
  const records: Buffer[] = [source.subarray(0, 24)];
  const { link, ssrc } = headers;
  const ipHeader = link.length - 14 - 8;
  for (let i = 0; (i + 1) * 160 <= audio.length; i++) {
    const rtp = Buffer.alloc(12);
    rtp[0] = 0x80;
    rtp[1] = (i === 0 ? 0x80 : 0) | 8;
    rtp.writeUInt16BE(i & 0xffff, 2);
    rtp.writeUInt32BE(i * 160, 4);
    rtp.writeUInt32BE(ssrc, 8);
    const packet = Buffer.concat([link, rtp, audio.subarray(i * 160, (i + 1) * 160)]);
    // IP total length and UDP length for the shorter packet (sipp reads the UDP payload only).
    packet.writeUInt16BE(packet.length - 14, 16);
    packet.writeUInt16BE(packet.length - 14 - ipHeader, 14 + ipHeader + 4);
    const micros = headers.usec + i * 20_000;
    const record = Buffer.alloc(16);
    record.writeUInt32LE(headers.sec + Math.floor(micros / 1_000_000), 0);
    record.writeUInt32LE(micros % 1_000_000, 4);
    record.writeUInt32LE(packet.length, 8);
    record.writeUInt32LE(packet.length, 12);
    records.push(record, packet);
  }
  const file = join(mkdtempSync(join(tmpdir(), 'vc-speech-')), 'g711a-20ms.pcap');
  writeFileSync(file, Buffer.concat(records));
  cached = { file, frames: (records.length - 1) / 2 };
  return cached;
}
