import { PassThrough, type Transform } from 'node:stream';

import DataStream from 'nodemailer/lib/smtp-connection/data-stream.js';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import { describe, expect, it } from 'vitest';

import { installFastEscape, isCleanData, withFastEscape } from './smtp-data-escape.js';

/** What a DataStream writes for these chunks (one message), with its byte counters. */
async function escaped(chunks: readonly (Buffer | string)[], fast: boolean) {
  const stream = new DataStream() as Transform & { inByteCount: number; outByteCount: number };
  if (fast) withFastEscape(stream);
  const out: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => out.push(c));
  stream.pipe(sink);
  const ended = new Promise((resolve) => sink.on('end', resolve));
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  await ended;
  return { bytes: Buffer.concat(out).toString('latin1'), in: stream.inByteCount, out: stream.outByteCount };
}

const samples: readonly (readonly string[])[] = [
  ['Subject: a\r\n\r\nbody\r\n'],
  ['Subject: a\r\n\r\nbody'],
  ['Subject: a\r\n\r\nbody\r'],
  ['.starts with a dot\r\n'],
  ['a\r\n.dot after CRLF\r\n..two\r\n'],
  ['bare LF\nhere\r\n'],
  ['\nstarts with LF'],
  ['bare CR\rhere\r\n'],
  ['CR then dot\r.x\r\n'],
  ['ends in CR\r', '\nnext starts with LF'],
  ['ends in CR\r', 'next does not start with LF'],
  ['ends in CR\r', '.dot'],
  ['ends in LF\r\n', '.dot'],
  ['ends in LF\r\n', 'no dot\r\n'],
  ['ends in bare LF\n', 'x'],
  ['', 'x\r\n', ''],
  ['Grüße\r\n', 'äöü\r\n.\r\n'],
  ['\r\n\r\n\r\n'],
  ['\r\r\n\n'],
];

describe('the fast path through nodemailer’s DATA escaping', () => {
  it('writes exactly what nodemailer’s DataStream writes, counters included', async () => {
    for (const sample of samples) {
      for (const asBuffers of [true, false]) {
        const chunks = sample.map((s) => (asBuffers ? Buffer.from(s, 'utf8') : s));
        expect(await escaped(chunks, true), JSON.stringify(sample)).toEqual(await escaped(chunks, false));
      }
    }
  });

  it('agrees with nodemailer on random messages of CR, LF, dots and letters, in random chunks', async () => {
    const alphabet = ['\r', '\n', '.', 'a', '\r\n', '\r\n.', 'ä'];
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 400; round++) {
      const text = Array.from({ length: random(40) }, () => alphabet[random(alphabet.length)]).join('');
      const bytes = Buffer.from(text, 'utf8');
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length;) {
        const size = 1 + random(12);
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      expect(await escaped(chunks, true), JSON.stringify(text)).toEqual(await escaped(chunks, false));
    }
  });

  it('finds nothing to change in CRLF lines without a leading dot, and finds each case it must change', () => {
    const clean = Buffer.from('From: a@b\r\nSubject: x\r\n\r\nQUJD\r\n', 'latin1');
    expect(isCleanData(clean, false)).toBe(true);
    expect(isCleanData(clean, 0x0a)).toBe(true);
    expect(isCleanData(Buffer.from('\nx', 'latin1'), 0x0d)).toBe(true);
    expect(isCleanData(Buffer.from('x\r', 'latin1'), false)).toBe(true);
    expect(isCleanData(Buffer.from('.x', 'latin1'), false)).toBe(false);
    expect(isCleanData(Buffer.from('.x', 'latin1'), 0x0a)).toBe(false);
    expect(isCleanData(Buffer.from('x', 'latin1'), 0x0d)).toBe(false);
    expect(isCleanData(Buffer.from('a\r\n.b', 'latin1'), false)).toBe(false);
    expect(isCleanData(Buffer.from('a\nb', 'latin1'), false)).toBe(false);
    expect(isCleanData(Buffer.from('a\rb', 'latin1'), false)).toBe(false);
  });

  it('installs on the SMTPConnection of the nodemailer version in use (an upgrade that changes it fails here)', () => {
    const connection = new SMTPConnection({ host: '127.0.0.1', port: 1 });
    expect(installFastEscape(connection)).toBe(true);
    const create = (
      connection as unknown as { _createSendStream: (this: unknown, cb: () => void) => unknown }
    )._createSendStream;
    // The stream it makes is nodemailer's, with the fast path: what it writes is checked above.
    const stream = create.call(
      Object.assign(Object.create(connection) as object, {
        _envelope: { accepted: [] },
        _responseActions: [],
        _socket: new PassThrough(),
        options: {},
        logger: { info: () => undefined },
      }),
      () => undefined,
    ) as Transform;
    expect(stream).toBeInstanceOf(DataStream);
    expect(Object.hasOwn(stream, '_transform')).toBe(true);
  });
});
