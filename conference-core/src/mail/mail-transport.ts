/**
 * The mail transport contract: where a finished message goes. Two implementations: SMTP (a pool of
 * nodemailer SMTP connections, cluster mode) and a folder of `.eml` files (embedded mode). Both take the
 * message exactly as rendered; neither changes a byte of it.
 */
export interface OutgoingMail {
  readonly messageId: string;
  /** Envelope (MAIL FROM / RCPT TO). */
  readonly sender: string;
  readonly recipient: string;
  readonly raw: string;
  /**
   * `raw` as UTF-8, when the sender has it encoded already (a mail rendered moments ago was
   * encoded once, for its record and its send); the SMTP transport sends these bytes.
   */
  readonly bytes?: Buffer;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'folder';
  /** Resolves when the message was accepted; rejects with a `MailSendError`. */
  send(mail: OutgoingMail): Promise<void>;
  close(): Promise<void>;
}

/**
 * A send that failed. `permanent`: retrying cannot help (a 5xx reply such as 550 "no such
 * user"); otherwise (connection refused, timeouts, 4xx replies such as 421 "try again later")
 * the same message is tried again later.
 */
export class MailSendError extends Error {
  override readonly name = 'MailSendError';
  readonly code = 'mail_send_failed';
  readonly permanent: boolean;
  /** The SMTP reply code, when the server answered. */
  readonly responseCode: number | undefined;
  constructor(message: string, options: { permanent: boolean; responseCode?: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.permanent = options.permanent;
    this.responseCode = options.responseCode;
  }
}
