import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';

import { installFastEscape } from './smtp-data-escape.js';

/**
 * A pool of nodemailer `SMTPConnection`s that sends already-composed messages. Why not nodemailer's
 * own pooled transport: `sendMail` compiles a mail object around every raw message (message id,
 * MIME node, plugins, stream pipelines), which cost 2-3x the CPU of the SMTP conversation itself
 * in the mail benchmark. Our messages are complete bytes (MIME and DKIM are done when composing),
 * so the pool hands them to the connection directly. Decision 0010 records this.
 */
export interface SmtpPool {
  /** Sends one message; rejects with nodemailer's error (with `responseCode` when the server answered). */
  send(envelope: { from: string; to: string[] }, message: Buffer): Promise<void>;
  /** Says goodbye on idle connections and refuses further sends; sends in flight finish. */
  close(): void;
}

interface Pooled {
  readonly connection: SMTPConnection;
  /** Messages sent over it: a reused connection may have been closed by the server meanwhile. */
  sent: number;
  dead: boolean;
}

type SmtpError = Error & { code?: string | undefined; responseCode?: number | undefined };

/** The server closed, or never answered: nothing about the message itself. */
function isTransient(err: SmtpError): boolean {
  return (
    err.responseCode === 421 ||
    err.code === 'ECONNECTION' ||
    err.code === 'ESOCKET' ||
    err.code === 'ETIMEDOUT'
  );
}

export function createSmtpPool(
  options: SMTPConnection.Options,
  /** Logged in with when the server offers AUTH (as nodemailer's pool does). */
  auth: SMTPConnection.Credentials | undefined,
  maxConnections: number,
): SmtpPool {
  const idle: Pooled[] = [];
  const waiting: { resolve: (p: Pooled) => void; reject: (err: Error) => void }[] = [];
  let open = 0;
  let closed = false;

  function discard(pooled: Pooled): void {
    if (pooled.dead) return;
    pooled.dead = true;
    open--;
    const at = idle.indexOf(pooled);
    if (at >= 0) idle.splice(at, 1);
    pooled.connection.close();
    // A slot is free: the first waiter gets a new connection rather than waiting for a busy one.
    const next = waiting.shift();
    if (next !== undefined) connectFor(next);
  }

  function connect(): Promise<Pooled> {
    open++;
    const connection = new SMTPConnection(options);
    // DATA of a message with nothing to escape skips nodemailer's byte loop (smtp-data-escape.ts).
    installFastEscape(connection);
    const pooled: Pooled = { connection, sent: 0, dead: false };
    return new Promise<Pooled>((resolve, reject) => {
      let settled = false;
      const ready = () => {
        if (settled) return;
        settled = true;
        resolve(pooled);
      };
      const failed = (err: SmtpError) => {
        discard(pooled);
        if (settled) return;
        settled = true;
        reject(err);
      };
      // A refused or dropped connection is reported as 'error' (and 'end'), not to the connect
      // callback; once connected, a send's callback reports its own errors, and the listener is
      // still needed (an unhandled 'error' would crash the process).
      connection.on('error', (err: SmtpError) => failed(err));
      // The server may end a connection at any time (idle timeout, restart): it leaves the pool.
      // A turn later, so that the reply that made the server close (535 to a login) wins.
      connection.once('end', () =>
        setImmediate(() =>
          failed(Object.assign(new Error('the SMTP server closed the connection'), { code: 'ECONNECTION' })),
        ),
      );
      connection.connect((err) => {
        if (err) return failed(err);
        if (auth === undefined || !connection.allowsAuth) return ready();
        connection.login(auth, (loginErr) => (loginErr ? failed(loginErr) : ready()));
      });
    });
  }

  function connectFor(waiter: (typeof waiting)[number]): void {
    connect().then(waiter.resolve, waiter.reject);
  }

  function acquire(): Promise<Pooled> {
    if (closed) return Promise.reject(new Error('the SMTP pool is closed'));
    const ready = idle.pop();
    if (ready !== undefined) return Promise.resolve(ready);
    if (open < maxConnections) return connect();
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  }

  function release(pooled: Pooled): void {
    if (pooled.dead) return;
    if (closed) return discard(pooled);
    const next = waiting.shift();
    if (next !== undefined) next.resolve(pooled);
    else idle.push(pooled);
  }

  function sendOver(pooled: Pooled, envelope: { from: string; to: string[] }, message: Buffer) {
    return new Promise<void>((resolve, reject) => {
      pooled.connection.send(envelope, message, (err) => {
        if (!err) {
          pooled.sent++;
          release(pooled);
          return resolve();
        }
        const error = err as SmtpError;
        if (!isTransient(error) && (error.code === 'EENVELOPE' || error.code === 'EMESSAGE')) {
          // The server refused this message; the connection is fine once its session is reset.
          pooled.connection.reset((resetErr) => (resetErr ? discard(pooled) : release(pooled)));
        } else discard(pooled);
        reject(error);
      });
    });
  }

  return {
    async send(envelope, message) {
      const pooled = await acquire();
      const reused = pooled.sent > 0;
      try {
        await sendOver(pooled, envelope, message);
      } catch (err) {
        // A reused connection the server closed while it was idle: once more on a fresh one.
        if (!reused || !isTransient(err as SmtpError) || closed) throw err;
        await sendOver(await acquire(), envelope, message);
      }
    },
    close() {
      closed = true;
      for (const waiter of waiting.splice(0)) waiter.reject(new Error('the SMTP pool is closed'));
      for (const pooled of [...idle]) {
        pooled.dead = true;
        open--;
        pooled.connection.quit();
      }
      idle.length = 0;
    },
  };
}
