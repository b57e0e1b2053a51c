import { parseConnectionUrl } from 'nodemailer/lib/shared/index.js';
import type SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';

import { MailSendError, type MailTransport, type OutgoingMail } from './mail-transport.js';
import { createSmtpPool } from './smtp-pool.js';

export interface SmtpTransportOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://host:465` (implicit TLS). */
  readonly url: string;
  /** Connections kept open to the server (default 5). */
  readonly maxConnections?: number;
  /** Milliseconds to wait for the connection and for each reply (default 30 s). */
  readonly timeoutMs?: number;
}

/**
 * SMTP through a pool of nodemailer connections (smtp-pool.ts), reused across messages. The URL is
 * read by nodemailer's own parser, so the query options it documents (`?tls.rejectUnauthorized=`)
 * keep working.
 */
export function createSmtpTransport(options: SmtpTransportOptions): MailTransport {
  const timeout = options.timeoutMs ?? 30_000;
  // The parser puts `user:pass@` under `auth`, which the connection takes at login, not as an option.
  const { auth, ...connection } = parseConnectionUrl(options.url) as SMTPConnection.Options & {
    auth?: SMTPConnection.Credentials;
  };
  const pool = createSmtpPool(
    { ...connection, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout },
    auth,
    options.maxConnections ?? 5,
  );
  return {
    kind: 'smtp',
    async send(mail: OutgoingMail) {
      try {
        await pool.send(
          { from: mail.sender, to: [mail.recipient] },
          mail.bytes ?? Buffer.from(mail.raw, 'utf8'),
        );
      } catch (error) {
        throw classify(error);
      }
    },
    close() {
      pool.close();
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
