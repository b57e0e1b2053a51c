import type { Transform } from 'node:stream';

/**
 * A faster way through nodemailer's SMTP `DataStream` for messages that need no escaping.
 *
 * nodemailer sends a message's DATA through a Transform that looks at every byte in JavaScript
 * (dots at the start of a line are doubled, bare CR and bare LF become CRLF). That loop was the
 * largest single item of the mail benchmark's profile (about 10% of ours' CPU, 40-75 us for a
 * 7 KiB message). Our messages are CRLF lines without a leading dot, so that loop finds nothing:
 * `isCleanData` asks the same questions with the native `indexOf` (one call per line, about 7 us
 * per message) and, when the answer is "nothing to change", the chunk goes out as it is; any
 * other chunk goes through nodemailer's own `_transform`, unchanged. The output is byte for byte
 * what nodemailer writes (tested against its `DataStream` on messages with every case it
 * escapes).
 */

const LF = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;

/**
 * True when nodemailer's `DataStream` would pass `chunk` through unchanged after a chunk ending
 * in `lastByte` (`false`: the start of the message): no CR without an LF after it, no LF without
 * a CR before it, and no dot at the start of a line. A CR at the very end is fine (the next chunk
 * or the final `CRLF.CRLF` decides, as in nodemailer).
 */
export function isCleanData(
  chunk: Uint8Array & { indexOf(value: number, from?: number): number },
  lastByte: number | false,
): boolean {
  const length = chunk.length;
  if (length === 0) return true;
  const first = chunk[0];
  if (lastByte === CR && first !== LF) return false;
  if (first === DOT && (lastByte === LF || lastByte === false)) return false;
  for (let at = chunk.indexOf(LF); at !== -1; at = chunk.indexOf(LF, at + 1)) {
    if ((at === 0 ? lastByte : chunk[at - 1]) !== CR) return false;
    if (at + 1 < length && chunk[at + 1] === DOT) return false;
  }
  for (let at = chunk.indexOf(CR); at !== -1 && at + 1 < length; at = chunk.indexOf(CR, at + 1)) {
    if (chunk[at + 1] !== LF) return false;
  }
  return true;
}

/** What the fast path touches of nodemailer's `DataStream` (nodemailer/lib/smtp-connection/data-stream). */
interface DataStreamState extends Transform {
  inByteCount: number;
  outByteCount: number;
  lastByte: number | false;
}

type TransformFn = (chunk: unknown, encoding: BufferEncoding, done: (error?: Error | null) => void) => void;

/**
 * Gives one of nodemailer's `DataStream`s the fast path: a Buffer chunk with nothing to escape
 * is pushed as it is, with the stream's counters and last byte kept as nodemailer keeps them;
 * everything else goes to the stream's own `_transform`. Anything that is not such a stream is
 * left as it is.
 */
export function withFastEscape(stream: unknown): void {
  if (!isDataStream(stream)) return;
  const state = stream as DataStreamState;
  const escape = (state as unknown as { _transform: TransformFn })._transform;
  const fast: TransformFn = function (this: DataStreamState, chunk, encoding, done) {
    if (Buffer.isBuffer(chunk) && chunk.length > 0 && isCleanData(chunk, this.lastByte)) {
      this.inByteCount += chunk.length;
      this.outByteCount += chunk.length;
      this.lastByte = chunk[chunk.length - 1] ?? false;
      this.push(chunk);
      done();
      return;
    }
    escape.call(this, chunk, encoding, done);
  };
  (state as unknown as { _transform: TransformFn })._transform = fast;
}

/**
 * Installs the fast path on a nodemailer `SMTPConnection`: each DATA stream it makes gets
 * `withFastEscape`. Returns false (and changes nothing) when the connection does not make its
 * DATA streams the way nodemailer 10 does; messages are then escaped by nodemailer alone, as
 * before (slower, same bytes). A test fails when that happens, so that an upgrade is noticed.
 */
export function installFastEscape(connection: object): boolean {
  const target = connection as { _createSendStream?: (...args: unknown[]) => unknown };
  const create = target._createSendStream;
  if (typeof create !== 'function') return false;
  target._createSendStream = function (this: unknown, ...args: unknown[]) {
    const stream = create.apply(this, args);
    withFastEscape(stream);
    return stream;
  };
  return true;
}

/** What `withFastEscape` relies on: a Transform with nodemailer's byte counters and last byte. */
function isDataStream(stream: unknown): stream is Transform {
  return (
    typeof stream === 'object' &&
    stream !== null &&
    typeof (stream as { _transform?: unknown })._transform === 'function' &&
    typeof (stream as { inByteCount?: unknown }).inByteCount === 'number' &&
    'lastByte' in stream
  );
}
