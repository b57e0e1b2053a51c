import { describe, expect, it } from 'vitest';

import { alawToUlaw, g711ToLinear } from './g711.js';
import { buildRtp, parseRtp, RtpStream } from './rtp-packet.js';
import { digitFromInfo, TelephoneEventDecoder } from './telephone-event.js';

const event = (digit: number, end: boolean) => Buffer.from([digit, end ? 0x8a : 0x0a, 0x01, 0x40]);

describe('RTP, telephone-events and G.711', () => {
  it('builds and parses RTP packets', () => {
    const packet = {
      payloadType: 8,
      marker: true,
      sequence: 65535,
      timestamp: 4294967295,
      ssrc: 42,
      payload: Buffer.from([1, 2, 3]),
    };
    expect(parseRtp(buildRtp(packet))).toEqual(packet);
    expect(parseRtp(Buffer.from([0x40, 0, 0]))).toBeUndefined();
  });

  it('numbers a stream continuously with wrap-around', () => {
    const stream = new RtpStream(() => 0.99999);
    const first = parseRtp(stream.next(8, Buffer.alloc(160), 160))!;
    const second = parseRtp(stream.next(8, Buffer.alloc(160), 160))!;
    expect(second.sequence).toBe((first.sequence + 1) & 0xffff);
    expect(second.timestamp).toBe((first.timestamp + 160) >>> 0);
  });

  it('counts a key press once despite repeated and end packets, and a second press again', () => {
    const decoder = new TelephoneEventDecoder();
    const digits = [
      decoder.decode(1000, event(1, false)),
      decoder.decode(1000, event(1, false)),
      decoder.decode(1000, event(1, true)),
      decoder.decode(1000, event(1, true)),
      decoder.decode(2000, event(1, false)),
      decoder.decode(3000, event(11, true)),
      decoder.decode(4000, Buffer.from([1])),
      // sipp's recorded presses: the same timestamp for every press of a key.
      decoder.decode(5000, event(2, false)),
      decoder.decode(5000, event(2, true)),
      decoder.decode(5000, event(2, true)),
      decoder.decode(5000, event(2, false)),
      decoder.decode(5000, event(3, false)),
    ];
    expect(digits).toEqual([
      '1',
      undefined,
      undefined,
      undefined,
      '1',
      '#',
      undefined,
      '2',
      undefined,
      undefined,
      '2',
      '3',
    ]);
  });

  it('reads digits from SIP INFO bodies', () => {
    expect(digitFromInfo('application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n')).toBe('5');
    expect(digitFromInfo('application/dtmf', '#')).toBe('#');
    expect(digitFromInfo('text/plain', '5')).toBeUndefined();
    expect(digitFromInfo('application/dtmf-relay', 'Signal=xyz')).toBeUndefined();
  });

  it('converts A-law to µ-law keeping silence silent and loud loud', () => {
    const converted = alawToUlaw(Buffer.from([0xd5, 0x2a]));
    expect(Math.abs(g711ToLinear('PCMU', converted[0]!))).toBeLessThan(16);
    expect(Math.abs(g711ToLinear('PCMU', converted[1]!) - g711ToLinear('PCMA', 0x2a))).toBeLessThan(1024);
  });
});
