import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';

import { MailSendError, type MailTransport, type OutgoingMail } from './mail-transport.js';

export interface SmtpTransportOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://host:465` (implicit TLS). */
  readonly url: string;
  /** Connections kept open to the server (default 5). */
  readonly maxConnections?: number;
  /** Milliseconds to wait for the connection and for each reply (default 30 s). */
  readonly timeoutMs?: number;
}

/** SMTP through a pool of nodemailer connections, reused across messages. */
export function createSmtpTransport(options: SmtpTransportOptions): MailTransport {
  const timeout = options.timeoutMs ?? 30_000;
  const transporter: Transporter<SMTPPool.SentMessageInfo> = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: options.maxConnections ?? 5,
    maxMessages: Infinity,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  } as SMTPPool.Options & { url: string });
  return {
    kind: 'smtp',
    async send(mail: OutgoingMail) {
      try {
        await transporter.sendMail({ envelope: { from: mail.sender, to: [mail.recipient] }, raw: mail.raw });
      } catch (error) {
        throw classify(error);
      }
    },
    close() {
      transporter.close();
      return Promise.resolve();
    },
  };
}

/** 5xx replies are final; 4xx replies and everything without a reply (connection trouble) are not. */
export function classify(error: unknown): MailSendError {
  const details = (typeof error === 'object' && error !== null ? error : {}) as {
    responseCode?: unknown;
    code?: unknown;
    message?: unknown;
  };
  const responseCode = typeof details.responseCode === 'number' ? details.responseCode : undefined;
  const message = typeof details.message === 'string' ? details.message : String(error);
  const permanent = responseCode !== undefined && responseCode >= 500;
  return new MailSendError(message, {
    permanent,
    ...(responseCode !== undefined && { responseCode }),
    cause: error,
  });
}
