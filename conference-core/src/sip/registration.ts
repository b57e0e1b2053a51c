import { randomBytes } from 'node:crypto';

import type { SipMessage, SipStack } from 'sip';
import digest, { type DigestContext } from 'sip/digest.js';

import type { Logger } from '../logging/logger.js';

export interface RegistrationOptions {
  readonly stack: SipStack;
  /** The registrar, e.g. `sip:pbx.example.org` or `sip:203.0.113.5:5060;transport=tcp`. */
  readonly registrar: string;
  /** The address of record we register (`sip:dialin@pbx.example.org`). */
  readonly aor: string;
  /** Digest credentials (user may differ from the AOR's user, as with many providers). */
  readonly username: string;
  readonly password: string;
  readonly expiresSec: number;
  /** OPTIONS to the registrar this often keeps NAT bindings open; 0 turns it off. */
  readonly keepAliveSec: number;
  readonly contactHost: string;
  readonly contactPort: number;
  readonly logger: Logger;
}

export interface Registration {
  /** Registered now (the last REGISTER was answered 200 and has not expired). */
  readonly registered: boolean;
  /** How many times the registrar answered 200. */
  readonly successes: number;
  stop(): Promise<void>;
}

/**
 * Registers the gateway at a provider or PBX (RFC 3261 10.2) with digest authentication, renews
 * at 80 % of the granted time, retries with backoff after failures, keeps NAT bindings alive and
 * unregisters on stop.
 */
export function startRegistration(options: RegistrationOptions): Registration {
  const callId = `${randomBytes(12).toString('hex')}@vc-hub`;
  const fromTag = randomBytes(6).toString('hex');
  let cseq = 1;
  let context: DigestContext | undefined;
  let registeredUntil = 0;
  let successes = 0;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const log = options.logger;

  const request = (method: 'REGISTER' | 'OPTIONS', expires: number): SipMessage => ({
    method,
    uri: options.registrar,
    headers: {
      to: { uri: options.aor, params: {} },
      from: { uri: options.aor, params: { tag: fromTag } },
      'call-id': callId,
      cseq: { seq: cseq++, method },
      'max-forwards': '70',
      ...(method === 'REGISTER'
        ? {
            contact: [
              {
                uri: `sip:${userOf(options.aor)}@${options.contactHost}:${options.contactPort}`,
                params: { expires: String(expires) },
              },
            ],
            expires: String(expires),
          }
        : {}),
      'user-agent': 'vc-hub',
    },
  });

  function send(expires: number, onDone: (ok: boolean, granted: number) => void): void {
    const first = request('REGISTER', expires);
    if (context !== undefined) digest.signRequest(context, first, undefined, credentials());
    let challenged = false;
    const handle = (rs: SipMessage) => {
      const status = rs.status ?? 0;
      if (status < 200) return;
      if ((status === 401 || status === 407) && !challenged) {
        challenged = true;
        const retry = request('REGISTER', expires);
        context = {};
        digest.signRequest(context, retry, rs, credentials());
        options.stack.send(retry, handle);
        return;
      }
      if (status >= 200 && status < 300) {
        onDone(true, grantedExpires(rs, expires));
        return;
      }
      log.warn({ status, reason: rs.reason }, 'SIP registration refused');
      onDone(false, 0);
    };
    options.stack.send(first, handle);
  }

  const credentials = () => ({ user: options.username, password: options.password });

  function register(): void {
    if (stopped) return;
    send(options.expiresSec, (ok, granted) => {
      if (stopped) return;
      if (ok) {
        failures = 0;
        successes += 1;
        registeredUntil = Date.now() + granted * 1000;
        log.info({ registrar: options.registrar, expires: granted }, 'SIP registration done');
        schedule(Math.max(5, granted * 0.8) * 1000);
      } else {
        failures += 1;
        registeredUntil = 0;
        schedule(Math.min(300_000, 5_000 * 2 ** Math.min(failures - 1, 6)));
      }
    });
  }

  function schedule(ms: number): void {
    clearTimeout(timer);
    timer = setTimeout(register, ms);
    timer.unref();
  }

  const keepAlive =
    options.keepAliveSec > 0
      ? setInterval(
          () => options.stack.send(request('OPTIONS', 0), () => undefined),
          options.keepAliveSec * 1000,
        )
      : undefined;
  keepAlive?.unref();
  register();

  return {
    get registered() {
      return Date.now() < registeredUntil;
    },
    get successes() {
      return successes;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(keepAlive);
      if (registeredUntil < Date.now()) return Promise.resolve();
      registeredUntil = 0;
      // Unregister (Expires: 0), waiting briefly for the answer.
      return new Promise((resolve) => {
        const done = setTimeout(resolve, 2000);
        done.unref();
        send(0, () => {
          clearTimeout(done);
          resolve();
        });
      });
    },
  };
}

function userOf(aor: string): string {
  return /^sips?:([^@;]+)@/.exec(aor)?.[1] ?? 'vc-hub';
}

/** The expiry the registrar granted: our Contact's `expires` param, else the Expires header. */
function grantedExpires(rs: SipMessage, asked: number): number {
  const contacts = Array.isArray(rs.headers.contact) ? rs.headers.contact : [];
  const fromContact = Number(contacts[0]?.params['expires']);
  if (Number.isFinite(fromContact) && fromContact > 0) return fromContact;
  const header = Number(rs.headers['expires']);
  return Number.isFinite(header) && header > 0 ? header : asked;
}
