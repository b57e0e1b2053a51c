import { randomBytes } from 'node:crypto';
import { domainToASCII } from 'node:url';

/**
 * A plain-string MIME writer for the one shape invitation mail has (the same structure nodemailer's
 * MailComposer writes, without its stream pipeline, which cost about ten times the rest of the
 * rendering together):
 *
 *   multipart/mixed
 *     multipart/alternative: text/plain, text/html, text/calendar; method=...
 *     application/ics attachment (the same object)
 *
 * Every part but an all-ASCII calendar is base64, so the message is 7-bit with lines of at most 76 characters, and no
 * boundary (which holds `-` and `_`) can occur in a part.
 */
export interface MimeAddress {
  readonly name: string;
  readonly address: string;
}

export interface MimeParts {
  readonly from: MimeAddress;
  readonly sender: MimeAddress;
  readonly to: MimeAddress;
  readonly replyTo: MimeAddress;
  readonly subject: string;
  readonly messageId: string;
  readonly date: Date;
  /** Base64 of the text and HTML bodies, from `base64Lines` (shared by recipients of one body). */
  readonly text64: string;
  readonly html64: string;
  readonly calendar?: { readonly method: string; readonly content: string; readonly fileName: string };
}

const CRLF = '\r\n';

/** Base64 in lines of 76 characters, CRLF between them. */
export function base64Lines(value: string): string {
  const encoded = Buffer.from(value, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let at = 0; at < encoded.length; at += 76) lines.push(encoded.slice(at, at + 76));
  return lines.join(CRLF);
}

const plainAscii = /^[\x20-\x7e]*$/;
// eslint-disable-next-line no-control-regex -- TAB is allowed in a 7bit line
const sevenBitChars = /^(?:(?!--)[\x09\x20-\x7e]*\r\n)*$/;
/**
 * Printable ASCII (and TAB) in CRLF lines of at most 998 characters, none starting with `--`.
 * The length is checked apart: a counted repetition (`{0,998}`) made the pattern about three
 * times slower, and it runs on every mail's calendar.
 */
function sevenBitLines(text: string): boolean {
  if (!sevenBitChars.test(text)) return false;
  for (
    let start = 0, end = text.indexOf(CRLF);
    end !== -1;
    start = end + 2, end = text.indexOf(CRLF, start)
  ) {
    if (end - start > 998) return false;
  }
  return true;
}

/** RFC 2047 B-encoded words of at most 30 bytes of UTF-8 each (whole characters), folded. */
function encodedWords(value: string): string {
  const words: string[] = [];
  let chunk = '';
  let bytes = 0;
  for (const char of value) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > 30 && chunk !== '') {
      words.push(chunk);
      chunk = '';
      bytes = 0;
    }
    chunk += char;
    bytes += size;
  }
  if (chunk !== '') words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(`${CRLF} `);
}

/** An unstructured header value (Subject): as it is when short plain ASCII, else encoded words. */
export function headerText(value: string): string {
  if (plainAscii.test(value) && value.length <= 60 && !value.includes('=?')) return value;
  return encodedWords(value);
}

/**
 * The address with an internationalised domain in its ASCII form (IDNA, `xn--...`), which every
 * server and client reads; headers stay 7-bit. The local part is kept: a non-ASCII one needs
 * SMTPUTF8, which is not offered. A domain IDNA refuses is kept too (the server refuses the mail,
 * which then lands on the dead-letter list).
 */
export function asciiAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const domain = address.slice(at + 1);
  if (plainAscii.test(domain)) return address;
  const ascii = domainToASCII(domain);
  return ascii === '' ? address : `${address.slice(0, at)}@${ascii}`;
}

/** `"Name" <a@b>`, `=?UTF-8?B?...?= <a@b>` or `a@b` (the domain in ASCII, see `asciiAddress`). */
export function headerAddress({ name, address: given }: MimeAddress): string {
  const address = asciiAddress(given);
  if (name === '') return address;
  if (plainAscii.test(name) && name.length <= 60 && !name.includes('=?')) {
    return `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}" <${address}>`;
  }
  return `${encodedWords(name)} <${address}>`;
}

/** RFC 5322 date in UTC: `Wed, 01 Jan 2031 00:00:00 +0000`. */
function headerDate(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}
/** The recipients of one pass share their stamp: its header text is written once. */
let lastDate = { time: Number.NaN, text: '' };
function headerDateOnce(date: Date): string {
  if (date.getTime() !== lastDate.time) lastDate = { time: date.getTime(), text: headerDate(date) };
  return lastDate.text;
}

/**
 * Boundary tags: unique per message, never guessable from its content (a random start per
 * process and a counter), without a call into the random source for every mail (which cost as
 * much as writing the headers).
 */
const tagPrefix = randomBytes(4).toString('hex');
let tagCounter = 0;
function boundaryTag(): string {
  tagCounter = (tagCounter + 1) % 0x1_0000_0000;
  return `${tagPrefix}${tagCounter.toString(16).padStart(8, '0')}`;
}

export function buildMime(parts: MimeParts): string {
  const tag = boundaryTag();
  const mixed = `--_vc-${tag}-mixed`;
  const alternative = `--_vc-${tag}-alt`;
  const part = (type: string, body: string, extra = '', encoding = 'base64') =>
    `Content-Type: ${type}${CRLF}${extra}Content-Transfer-Encoding: ${encoding}${CRLF}${CRLF}${body}${CRLF}`;
  const calendar = parts.calendar;
  const calendar64 = calendar === undefined ? '' : base64Lines(calendar.content);
  // As nodemailer does: an all-ASCII calendar (folded at 75 octets, so no line is too long) goes
  // as it is, readable in the source and a quarter smaller; with other characters, base64.
  const calendarLines =
    calendar === undefined || calendar.content.endsWith(CRLF)
      ? calendar?.content
      : `${calendar.content}${CRLF}`;
  const calendar7bit =
    calendarLines !== undefined && sevenBitLines(calendarLines) ? calendarLines.slice(0, -2) : undefined;
  const alternatives = [
    part('text/plain; charset=utf-8', parts.text64),
    part('text/html; charset=utf-8', parts.html64),
    ...(calendar === undefined
      ? []
      : [
          calendar7bit === undefined
            ? part(`text/calendar; charset=utf-8; method=${calendar.method}`, calendar64)
            : part(`text/calendar; charset=utf-8; method=${calendar.method}`, calendar7bit, '', '7bit'),
        ]),
  ];
  const mixedParts = [
    `Content-Type: multipart/alternative;${CRLF} boundary="${alternative}"${CRLF}${CRLF}` +
      alternatives.map((p) => `--${alternative}${CRLF}${p}`).join('') +
      `--${alternative}--${CRLF}`,
    ...(calendar === undefined
      ? []
      : [
          part(
            `application/ics; name=${calendar.fileName}`,
            calendar64,
            `Content-Disposition: attachment; filename=${calendar.fileName}${CRLF}`,
          ),
        ]),
  ];
  const headers = [
    `From: ${headerAddress(parts.from)}`,
    `Sender: ${headerAddress(parts.sender)}`,
    `To: ${headerAddress(parts.to)}`,
    `Reply-To: ${headerAddress(parts.replyTo)}`,
    `Subject: ${headerText(parts.subject)}`,
    `Message-ID: ${parts.messageId}`,
    `Date: ${headerDateOnce(parts.date)}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${mixed}"`,
  ];
  return (
    headers.join(CRLF) +
    CRLF +
    CRLF +
    mixedParts.map((p) => `--${mixed}${CRLF}${p}`).join(CRLF) +
    `--${mixed}--${CRLF}`
  );
}
