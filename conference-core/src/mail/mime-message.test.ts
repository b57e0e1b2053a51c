import { describe, expect, it } from 'vitest';

import { asciiAddress, base64Lines, buildMime, headerAddress, headerText } from './mime-message.js';

/** Decodes RFC 2047 B-words the way a mail reader does (adjacent words join without the fold). */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\r\n =\?/g, '?==?')
    .replace(/=\?UTF-8\?B\?([^?]*)\?=/g, (_m, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
}

describe('the MIME writer', () => {
  it('keeps short ASCII as it is and encodes umlauts and long text in folded words of whole characters', () => {
    expect(headerText('Invitation: Design review')).toBe('Invitation: Design review');
    const long = `Einladung: ${'Wöchentliches Treffen 🎉 '.repeat(6)}`.trim();
    const encoded = headerText(long);
    expect(encoded).toMatch(/^=\?UTF-8\?B\?/);
    expect(decodeWords(encoded)).toBe(long);
    for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(70);
    // Text that looks like an encoded word is encoded, not passed on to be decoded.
    expect(decodeWords(headerText('=?UTF-8?B?QQ==?='))).toBe('=?UTF-8?B?QQ==?=');
  });

  it('quotes display names and escapes their quotes and backslashes', () => {
    expect(headerAddress({ name: 'Doe, "J" \\ Jr', address: 'j@example.org' })).toBe(
      '"Doe, \\"J\\" \\\\ Jr" <j@example.org>',
    );
    expect(headerAddress({ name: '', address: 'j@example.org' })).toBe('j@example.org');
    expect(decodeWords(headerAddress({ name: 'Jörg', address: 'j@example.org' }))).toBe(
      'Jörg <j@example.org>',
    );
  });

  it('writes an internationalised domain in its ASCII form and leaves the rest of the address alone', () => {
    expect(asciiAddress('jörg@bücher.example')).toBe('jörg@xn--bcher-kva.example');
    expect(asciiAddress('anna@münchen.de')).toBe('anna@xn--mnchen-3ya.de');
    expect(asciiAddress('plain@example.org')).toBe('plain@example.org');
    // No domain, or one IDNA refuses: kept as it is, never thrown.
    expect(asciiAddress('no-at-sign')).toBe('no-at-sign');
    expect(asciiAddress('x@exa mple.ü')).toBe('x@exa mple.ü');
    expect(headerAddress({ name: 'Anna', address: 'anna@münchen.de' })).toBe(
      '"Anna" <anna@xn--mnchen-3ya.de>',
    );
    expect(headerAddress({ name: '', address: 'anna@MÜNCHEN.de' })).toBe('anna@xn--mnchen-3ya.de');
  });

  it('writes 7-bit CRLF lines of at most 78 characters with the calendar part and its attachment', () => {
    const raw = buildMime({
      from: { name: 'Alice (vc-hub)', address: 'noreply@example.org' },
      sender: { name: 'vc-hub', address: 'noreply@example.org' },
      to: { name: 'Bob', address: 'bob@example.org' },
      replyTo: { name: 'Alice', address: 'alice@example.org' },
      subject: 'Einladung: Größe',
      messageId: '<e.1.invite.abc@example.org>',
      date: new Date('2031-01-01T00:00:00Z'),
      text64: base64Lines('Hallo ü '.repeat(40)),
      html64: base64Lines('<p>Hallo</p>'),
      calendar: { method: 'CANCEL', content: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', fileName: 'cancel.ics' },
    });
    expect(raw).toMatch(/^Date: Wed, 01 Jan 2031 00:00:00 \+0000\r$/m);
    expect(raw).toMatch(/^Content-Type: text\/calendar; charset=utf-8; method=CANCEL\r$/m);
    expect(raw).toMatch(/^Content-Disposition: attachment; filename=cancel\.ics\r$/m);
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(raw).toMatch(/^[\x20-\x7e\r\n]*$/);
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    expect(raw).toMatch(/method=CANCEL\r\nContent-Transfer-Encoding: 7bit\r\n\r\nBEGIN:VCALENDAR\r\n/);
    const boundary = /boundary="([^"]+)"/.exec(raw)?.[1];
    expect(raw.endsWith(`--${boundary}--\r\n`)).toBe(true);
  });

  it('sends an ASCII calendar as it is and one with other characters in base64', () => {
    const mime = (content: string) =>
      buildMime({
        from: { name: 'A', address: 'a@example.org' },
        sender: { name: 'A', address: 'a@example.org' },
        to: { name: '', address: 'b@example.org' },
        replyTo: { name: 'A', address: 'a@example.org' },
        subject: 'S',
        messageId: '<m@example.org>',
        date: new Date(),
        text64: base64Lines('t'),
        html64: base64Lines('h'),
        calendar: { method: 'REQUEST', content, fileName: 'invite.ics' },
      });
    expect(mime('BEGIN:VCALENDAR\r\nSUMMARY:Plain\r\nEND:VCALENDAR')).toContain(
      'method=REQUEST\r\nContent-Transfer-Encoding: 7bit\r\n\r\nBEGIN:VCALENDAR\r\nSUMMARY:Plain\r\nEND:VCALENDAR\r\n--',
    );
    const umlaut = mime('BEGIN:VCALENDAR\r\nSUMMARY:Größe\r\nEND:VCALENDAR\r\n');
    expect(umlaut).toMatch(/method=REQUEST\r\nContent-Transfer-Encoding: base64\r\n/);
    expect(umlaut).toMatch(/^[\x20-\x7e\r\n]*$/);
    // A line that could pass for a boundary, or a bare LF, is never sent as it is.
    expect(mime('BEGIN:VCALENDAR\r\n--x\r\nEND:VCALENDAR\r\n')).not.toContain('7bit');
    expect(mime('BEGIN:VCALENDAR\nEND:VCALENDAR\r\n')).not.toContain('7bit');
    // Lines of up to 998 characters (RFC 5322) go as they are, longer ones in base64.
    expect(mime(`BEGIN:VCALENDAR\r\nX:${'a'.repeat(996)}\r\nEND:VCALENDAR\r\n`)).toContain('7bit');
    expect(mime(`BEGIN:VCALENDAR\r\nX:${'a'.repeat(997)}\r\nEND:VCALENDAR\r\n`)).not.toContain('7bit');
    expect(mime(`X:${'a'.repeat(997)}`)).not.toContain('7bit');
  });
});
