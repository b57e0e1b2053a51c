/** The parts of an RTP packet (RFC 3550) the relay reads and writes; no CSRCs or extensions are sent. */
export interface RtpPacket {
  readonly payloadType: number;
  readonly marker: boolean;
  readonly sequence: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly payload: Buffer;
}

/** Parses a datagram; undefined when it is not RTP version 2 or its header runs past the end. */
export function parseRtp(data: Buffer): RtpPacket | undefined {
  if (data.length < 12 || data[0]! >> 6 !== 2) return undefined;
  const csrcCount = data[0]! & 0x0f;
  let offset = 12 + csrcCount * 4;
  if ((data[0]! & 0x10) !== 0) {
    if (data.length < offset + 4) return undefined;
    offset += 4 + data.readUInt16BE(offset + 2) * 4;
  }
  let end = data.length;
  if ((data[0]! & 0x20) !== 0) end -= data[data.length - 1]!;
  if (offset > end) return undefined;
  return {
    payloadType: data[1]! & 0x7f,
    marker: (data[1]! & 0x80) !== 0,
    sequence: data.readUInt16BE(2),
    timestamp: data.readUInt32BE(4),
    ssrc: data.readUInt32BE(8),
    payload: data.subarray(offset, end),
  };
}

export function buildRtp(packet: RtpPacket): Buffer {
  const out = Buffer.allocUnsafe(12 + packet.payload.length);
  out[0] = 0x80;
  out[1] = (packet.marker ? 0x80 : 0) | (packet.payloadType & 0x7f);
  out.writeUInt16BE(packet.sequence & 0xffff, 2);
  out.writeUInt32BE(packet.timestamp >>> 0, 4);
  out.writeUInt32BE(packet.ssrc >>> 0, 8);
  packet.payload.copy(out, 12);
  return out;
}

/**
 * One outgoing RTP stream: its own SSRC, sequence and timestamp, so whatever feeds it (prompts,
 * the caller's re-packetized audio, the meeting's mix) the receiver sees one continuous stream.
 */
export class RtpStream {
  private sequence: number;
  private timestamp: number;
  readonly ssrc: number;

  constructor(random: () => number = Math.random) {
    this.sequence = Math.floor(random() * 0x10000);
    this.timestamp = Math.floor(random() * 0x100000000);
    this.ssrc = Math.floor(random() * 0x100000000);
  }

  /** The next packet; `samples` advances the timestamp (160 for 20 ms at 8 kHz). */
  next(payloadType: number, payload: Buffer, samples: number, marker = false): Buffer {
    const packet = buildRtp({
      payloadType,
      marker,
      sequence: this.sequence,
      timestamp: this.timestamp,
      ssrc: this.ssrc,
      payload,
    });
    this.sequence = (this.sequence + 1) & 0xffff;
    this.timestamp = (this.timestamp + samples) >>> 0;
    return packet;
  }

  /** Same timestamp as the previous event packet: RFC 4733 events keep one timestamp while they last. */
  skip(samples: number): void {
    this.timestamp = (this.timestamp + samples) >>> 0;
  }
}
