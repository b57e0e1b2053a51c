import type { ConnectorLogger } from '@vc/connector-sdk';

import { AppRequestError, appRequestSchema, type AppRequest } from './app-messages.js';
import type { ChallengeBook } from './challenges.js';
import { appLoginDigest, digestMatches, infoForDigest } from './digest.js';

/** A login whose digest proved that the PBX vouches for these fields. */
export interface VerifiedLogin {
  readonly app: string;
  readonly domain: string;
  readonly sip: string;
  readonly guid: string;
  readonly dn: string;
  readonly info: unknown;
}

export type SignInOutcome<TAccount> =
  { readonly ok: true; readonly account: TAccount } | { readonly ok: false; readonly reason: string };

/** What the hosting application (the hub) does with verified logins and app requests. */
export interface AppRequestHandler<TAccount> {
  signIn(login: VerifiedLogin): Promise<SignInOutcome<TAccount>>;
  /** The result fields of `<mt>Result`; throws AppRequestError for an expected refusal. */
  handle(account: TAccount, request: AppRequest): Promise<Record<string, unknown>>;
}

export interface AppSessionOptions<TAccount> {
  /** The App object's password, shared with the PBX. */
  readonly password: string;
  /** `app` values accepted in AppLogin (the app's HTML file name without `.htm`). */
  readonly apps: readonly string[];
  readonly challenges: ChallengeBook;
  readonly handler: AppRequestHandler<TAccount>;
  readonly send: (message: Record<string, unknown>) => void;
  readonly close: (code: number, reason: string) => void;
  readonly logger: ConnectorLogger;
  /** Failed logins before the socket is closed. */
  readonly maxLoginFailures?: number;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * One AppWebsocket connection on the service side: `AppChallenge` -> `AppLogin` (digest checked
 * against a challenge issued on this socket, used once), then the app's requests, answered in
 * order of arrival. Transport-free, so the protocol is tested without sockets.
 */
export function createAppSession<TAccount>(options: AppSessionOptions<TAccount>) {
  let challenge: string | undefined;
  let account: TAccount | undefined;
  let failures = 0;
  const maxFailures = options.maxLoginFailures ?? 3;

  const refuseLogin = (src: string | undefined, reason: string): void => {
    failures += 1;
    options.logger.warn({ reason, failures }, 'AppLogin refused');
    options.send({ mt: 'AppLoginResult', ...(src !== undefined && { src }), ok: false, error: reason });
    if (failures >= maxFailures) options.close(1008, 'too many failed logins');
  };

  const login = async (message: Record<string, unknown>, src: string | undefined): Promise<void> => {
    const fields = {
      app: text(message['app']),
      domain: text(message['domain']) ?? '',
      sip: text(message['sip']) ?? '',
      guid: text(message['guid']) ?? '',
      dn: text(message['dn']) ?? '',
    };
    const issued = challenge;
    challenge = undefined;
    if (fields.app === undefined) return refuseLogin(src, 'AppLogin without app');
    if (!options.apps.includes(fields.app)) return refuseLogin(src, `app ${fields.app} is not served here`);
    // The challenge named in the message must be the one this socket was given (GET-style logins
    // name it; AppWebsocket logins answer the last AppChallenge).
    const named = text(message['challenge']) ?? issued;
    if (named === undefined || (issued !== undefined && named !== issued)) {
      return refuseLogin(src, 'no challenge was issued on this connection');
    }
    const verdict = options.challenges.consume(named);
    if (verdict !== 'ok') return refuseLogin(src, `challenge ${verdict}`);
    const info = message['info'];
    const expected = appLoginDigest(
      { ...fields, app: fields.app, info: infoForDigest(info) },
      named,
      options.password,
    );
    if (!digestMatches(expected, message['digest'])) return refuseLogin(src, 'digest mismatch');
    const outcome = await options.handler.signIn({ ...fields, app: fields.app, info });
    if (!outcome.ok) return refuseLogin(src, outcome.reason);
    account = outcome.account;
    options.send({ mt: 'AppLoginResult', ...(src !== undefined && { src }), ok: true });
  };

  const request = async (message: Record<string, unknown>, mt: string, src: string | undefined) => {
    const result = `${mt}Result`;
    const answer = (fields: Record<string, unknown>) =>
      options.send({ mt: result, ...(src !== undefined && { src }), ...fields });
    if (account === undefined) {
      answer({ error: 'not_logged_in', errorText: 'Log in first (AppChallenge, AppLogin).' });
      return;
    }
    const parsed = appRequestSchema.safeParse(message);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue === undefined ? '' : `${issue.path.join('.') || 'mt'}: `;
      answer({ error: 'bad_request', errorText: `${where}${issue?.message ?? 'invalid message'}` });
      return;
    }
    try {
      answer(await options.handler.handle(account, parsed.data));
    } catch (err) {
      if (err instanceof AppRequestError) {
        answer({ error: err.code, errorText: err.message });
        return;
      }
      options.logger.error({ err, mt }, 'app request failed');
      answer({ error: 'unavailable', errorText: 'The service could not answer; try again.' });
    }
  };

  return {
    /** Handles one text frame; never throws (a bad frame gets an answer, not a crash). */
    async receive(frame: string): Promise<void> {
      let message: unknown;
      try {
        message = JSON.parse(frame);
      } catch {
        options.send({ mt: 'Error', error: 'bad_request', errorText: 'not JSON' });
        return;
      }
      if (typeof message !== 'object' || message === null || Array.isArray(message)) {
        options.send({ mt: 'Error', error: 'bad_request', errorText: 'not a JSON object' });
        return;
      }
      const fields = message as Record<string, unknown>;
      const mt = text(fields['mt']);
      const src = text(fields['src']);
      if (mt === undefined || mt.length > 64) {
        options.send({ mt: 'Error', error: 'bad_request', errorText: 'mt missing' });
        return;
      }
      switch (mt) {
        case 'KeepAlive':
          return;
        case 'AppChallenge':
          challenge = options.challenges.issue();
          options.send({ mt: 'AppChallengeResult', ...(src !== undefined && { src }), challenge });
          return;
        case 'AppLogin':
          await login(fields, src);
          return;
        default:
          await request(fields, mt, src);
      }
    },
    get loggedIn(): boolean {
      return account !== undefined;
    },
  };
}

export type AppSession = ReturnType<typeof createAppSession>;
export type { AppRequest };
