import type { AddressInfo } from 'node:net';

import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';

import { createSmtpTransport, type MailTransport } from '@vc/conference-core';
import { MailSendError } from '@vc/conference-core/testing';

import { startSmtpCapture, type SmtpCapture } from './support/smtp-capture.js';

/**
 * The SMTP transport's own connection pool (conference-core/src/mail/smtp-pool.ts) against a
 * real smtp-server on loopback: connection limit, login, refused messages, a server that drops
 * its connections, a server that is down.
 */
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
});

function mail(n: number, recipient = `r${n}@example.org`) {
  return {
    messageId: `<m${n}@example.org>`,
    sender: 'hub@example.org',
    recipient,
    raw: `From: hub@example.org\r\nTo: ${recipient}\r\nSubject: n${n} Grüße\r\n\r\nBody ${n} äöü\r\n`,
  };
}

async function capture(): Promise<SmtpCapture> {
  const smtp = await startSmtpCapture();
  cleanup.push(() => smtp.close());
  return smtp;
}

function transport(url: string, maxConnections = 5): MailTransport {
  const t = createSmtpTransport({ url, maxConnections, timeoutMs: 3000 });
  cleanup.push(() => t.close());
  return t;
}

describe('SMTP transport pool', () => {
  it('sends many messages over at most maxConnections connections, byte for byte', async () => {
    let open = 0;
    let most = 0;
    let connections = 0;
    const received: string[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onConnect(_s, cb) {
        open++;
        connections++;
        most = Math.max(most, open);
        cb();
      },
      onClose() {
        open--;
      },
      onData(stream, _s, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push(Buffer.concat(chunks).toString('utf8'));
          cb();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
    const t = transport(`smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, 2);
    await Promise.all(Array.from({ length: 40 }, (_, i) => t.send(mail(i))));
    expect(received).toHaveLength(40);
    expect(most).toBeLessThanOrEqual(2);
    expect(connections).toBeLessThanOrEqual(2);
    expect(received).toContain(mail(7).raw);
  });

  it('logs in with the user and password of the URL when the server asks for AUTH', async () => {
    const logins: string[] = [];
    let delivered = 0;
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _s, cb) {
        logins.push(`${auth.username}:${auth.password ?? ''}`);
        if (auth.username === 'hub@example.org' && auth.password === 'p:ss') cb(null, { user: 'hub' });
        else cb(new Error('Invalid username or password'));
      },
      onData(stream, _s, cb) {
        stream.resume();
        stream.on('end', () => {
          delivered++;
          cb();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.server.address() as AddressInfo).port;
    await transport(`smtp://hub%40example.org:p%3Ass@127.0.0.1:${port}`).send(mail(1));
    expect(delivered).toBe(1);
    expect(logins).toEqual(['hub@example.org:p:ss']);

    const refused = await transport(`smtp://hub%40example.org:wrong@127.0.0.1:${port}`)
      .send(mail(2))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MailSendError);
    expect((refused as MailSendError).permanent).toBe(true); // 535: retrying the same password cannot help
    expect(delivered).toBe(1);
  });

  it('a refused recipient fails that message only; the connection goes on with the next', async () => {
    const smtp = await capture();
    smtp.rejectRecipients.add('nobody@example.org');
    const t = transport(smtp.url, 1);
    await t.send(mail(1));
    const refused = await t.send(mail(2, 'nobody@example.org')).catch((e: unknown) => e);
    expect(refused).toMatchObject({ permanent: true, responseCode: 550 });
    await t.send(mail(3));
    expect(smtp.messages.map((m) => m.to)).toEqual([['r1@example.org'], ['r3@example.org']]);
  });

  it('a server that drops its connections and comes back: the next message goes over a new one', async () => {
    const smtp = await capture();
    const t = transport(smtp.url, 2);
    await Promise.all([t.send(mail(1)), t.send(mail(2))]);
    smtp.goDown();
    const down = await t.send(mail(3)).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(MailSendError);
    expect((down as MailSendError).permanent).toBe(false); // 421 or a closed connection: try later
    smtp.refuseConnections = false;
    await t.send(mail(4));
    await Promise.all([t.send(mail(5)), t.send(mail(6))]);
    expect(smtp.messages.map((m) => m.to[0])).toEqual([
      'r1@example.org',
      'r2@example.org',
      'r4@example.org',
      'r5@example.org',
      'r6@example.org',
    ]);
  });

  it('no server at all: a retryable error, not a crash; after close, sends are refused', async () => {
    const smtp = await capture();
    const url = smtp.url;
    await smtp.close();
    const t = transport(url);
    const err = await t.send(mail(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailSendError);
    expect((err as MailSendError).permanent).toBe(false);
    await t.close();
    expect(await t.send(mail(2)).catch((e: unknown) => e)).toBeInstanceOf(MailSendError);
  });
});
