import type { AddressInfo } from 'node:net';

import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

/** One message the server accepted: the envelope as the client gave it and the raw bytes. */
export interface CapturedMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly raw: string;
}

/**
 * A real SMTP server (smtp-server) on a free loopback port that keeps every message it accepts.
 * Tests switch its behaviour at run time: refuse connections with 421 (a server that is
 * overloaded or restarting), or answer RCPT TO for chosen addresses with 550 (no such user).
 */
export interface SmtpCapture {
  readonly port: number;
  /** `smtp://127.0.0.1:<port>` */
  readonly url: string;
  readonly messages: CapturedMail[];
  /** Every RCPT TO seen, including refused ones. */
  readonly recipientsSeen: string[];
  refuseConnections: boolean;
  readonly rejectRecipients: Set<string>;
  /**
   * What a restarting server does to its clients: every open connection is closed, and new ones
   * get "421" until `refuseConnections` is false again.
   */
  goDown(): void;
  /** Resolves once at least `count` messages were accepted. */
  waitFor(count: number, timeoutMs?: number): Promise<CapturedMail[]>;
  close(): Promise<void>;
}

function replyError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

export async function startSmtpCapture(): Promise<SmtpCapture> {
  const messages: CapturedMail[] = [];
  const recipientsSeen: string[] = [];
  const capture = {
    refuseConnections: false,
    rejectRecipients: new Set<string>(),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 10 * 1024 * 1024,
    onConnect(_session, callback) {
      if (capture.refuseConnections) callback(replyError('Service not available, try again later', 421));
      else callback();
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      recipientsSeen.push(address.address);
      if (capture.rejectRecipients.has(address.address.toLowerCase())) {
        callback(replyError(`No such user here: ${address.address}`, 550));
      } else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return Object.assign(capture, {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    recipientsSeen,
    async waitFor(count: number, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > until) {
          throw new Error(`expected ${count} messages, the SMTP server got ${messages.length}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      return messages;
    },
    goDown() {
      capture.refuseConnections = true;
      const { connections } = server as unknown as { connections: Set<{ close(): void }> };
      for (const connection of connections) connection.close();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** A captured message parsed back: headers and bodies by mailparser, the calendar part as text. */
export interface ParsedInvitation {
  readonly mail: ParsedMail;
  readonly raw: string;
  /** The `method=` of the `text/calendar` MIME part. */
  readonly mimeMethod: string | undefined;
  /** The text/calendar part's content. */
  readonly ics: string | undefined;
  /** The `.ics` attachment's content. */
  readonly attachment: string | undefined;
}

export async function parseInvitation(raw: string): Promise<ParsedInvitation> {
  const mail = await simpleParser(raw);
  const mimeMethod = /Content-Type: text\/calendar;[^\r\n]*method=([A-Z]+)/i.exec(raw)?.[1];
  const calendar = mail.attachments.find((a) => a.contentType === 'text/calendar');
  const attachment = mail.attachments.find((a) => a.contentType === 'application/ics');
  return {
    mail,
    raw,
    mimeMethod,
    ics: calendar?.content.toString('utf8'),
    attachment: attachment?.content.toString('utf8'),
  };
}
