import { capturingLogger } from '@vc/connector-sdk/testing';
import { describe, expect, it } from 'vitest';

import { AppRequestError } from './app-messages.js';
import { createAppSession, type AppRequestHandler, type VerifiedLogin } from './app-session.js';
import { ChallengeBook } from './challenges.js';
import { appLoginDigest } from './digest.js';

const password = 'app-object-secret';
const user = { domain: 'example.com', sip: 'alice', guid: 'a'.repeat(32), dn: 'Alice Example' };
const info = { appobj: 'vc', apps: [{ name: 'vc' }], cn: 'Alice Example' };

/** What myApps does for the app (AppGetLogin at the PBX): the digest with the App object password. */
function loginFor(challenge: string, overrides: Record<string, unknown> = {}, secret = password) {
  const fields = { app: 'vc-meetings', ...user, ...overrides };
  const digest = appLoginDigest(
    { ...(fields as typeof user & { app: string }), info: JSON.stringify(info) },
    challenge,
    secret,
  );
  return JSON.stringify({ mt: 'AppLogin', ...fields, info, digest, src: 'login' });
}

function session(book = new ChallengeBook()) {
  const sent: Record<string, unknown>[] = [];
  const closed: string[] = [];
  const signedIn: VerifiedLogin[] = [];
  const handler: AppRequestHandler<string> = {
    signIn(login) {
      signedIn.push(login);
      return Promise.resolve(
        login.sip === 'nobody' ? { ok: false, reason: 'unknown user' } : { ok: true, account: login.sip },
      );
    },
    handle(account, request) {
      if (request.mt === 'MeetingDetails')
        return Promise.reject(new AppRequestError('not_found', 'No such meeting'));
      if (request.mt === 'MeetingCreate') return Promise.reject(new Error('database down'));
      return Promise.resolve({ account, meetings: [] });
    },
  };
  const s = createAppSession({
    password,
    apps: ['vc-meetings'],
    challenges: book,
    handler,
    send: (m) => sent.push(m),
    close: (_code, reason) => closed.push(reason),
    logger: capturingLogger(),
  });
  const challenge = async () => {
    await s.receive(JSON.stringify({ mt: 'AppChallenge', src: 'c' }));
    const last = sent.at(-1)!;
    expect(last).toMatchObject({ mt: 'AppChallengeResult', src: 'c' });
    return last['challenge'] as string;
  };
  return { s, sent, closed, signedIn, challenge, book };
}

describe('an AppWebsocket session', () => {
  it('logs in with a digest over the issued challenge, then answers requests echoing src', async () => {
    const t = session();
    await t.s.receive(loginFor(await t.challenge()));
    expect(t.sent.at(-1)).toEqual({ mt: 'AppLoginResult', src: 'login', ok: true });
    expect(t.signedIn[0]).toMatchObject({ sip: 'alice', guid: user.guid, dn: 'Alice Example', info });
    await t.s.receive(JSON.stringify({ mt: 'MeetingsList', src: 'q1' }));
    expect(t.sent.at(-1)).toEqual({ mt: 'MeetingsListResult', src: 'q1', account: 'alice', meetings: [] });
  });

  it('refuses a login replayed with its used challenge, on the same or another connection', async () => {
    const book = new ChallengeBook();
    const first = session(book);
    const challenge = await first.challenge();
    const recorded = loginFor(challenge);
    await first.s.receive(recorded);
    expect(first.sent.at(-1)).toMatchObject({ ok: true });
    await first.s.receive(recorded);
    expect(first.sent.at(-1)).toMatchObject({ mt: 'AppLoginResult', ok: false });
    // On a new connection the recorded login answers no challenge of that socket; naming the old
    // challenge explicitly (the HTTP-style login) meets the book, which knows it was used.
    const second = session(book);
    await second.s.receive(recorded);
    expect(second.sent.at(-1)).toMatchObject({
      ok: false,
      error: 'no challenge was issued on this connection',
    });
    const named = JSON.stringify({ ...(JSON.parse(recorded) as object), challenge });
    await second.s.receive(named);
    expect(second.sent.at(-1)).toMatchObject({ ok: false, error: 'challenge used' });
    expect(second.s.loggedIn).toBe(false);
  });

  it('refuses a stale challenge', async () => {
    let now = 0;
    const t = session(new ChallengeBook({ ttlMs: 1000, now: () => now }));
    const challenge = await t.challenge();
    now = 1001;
    await t.s.receive(loginFor(challenge));
    expect(t.sent.at(-1)).toMatchObject({ ok: false, error: 'challenge stale' });
  });

  it('refuses a wrong password, a changed field, another app and a login without a challenge', async () => {
    const t = session();
    await t.s.receive(loginFor(await t.challenge(), {}, 'wrong'));
    expect(t.sent.at(-1)).toMatchObject({ ok: false, error: 'digest mismatch' });
    const u = session();
    const challenge = await u.challenge();
    const tampered = JSON.parse(loginFor(challenge)) as Record<string, unknown>;
    await u.s.receive(JSON.stringify({ ...tampered, sip: 'bob' }));
    expect(u.sent.at(-1)).toMatchObject({ ok: false, error: 'digest mismatch' });
    const v = session();
    await v.s.receive(loginFor(await v.challenge(), { app: 'other' }));
    expect(v.sent.at(-1)).toMatchObject({ ok: false, error: 'app other is not served here' });
    const w = session();
    await w.s.receive(loginFor('1234567890123456'));
    expect(w.sent.at(-1)).toMatchObject({ ok: false, error: 'no challenge was issued on this connection' });
  });

  it('closes the socket after three failed logins', async () => {
    const t = session();
    for (let i = 0; i < 3; i++) await t.s.receive(loginFor(await t.challenge(), {}, 'wrong'));
    expect(t.closed).toEqual(['too many failed logins']);
  });

  it('refuses a verified login whose user the service does not know', async () => {
    const t = session();
    await t.s.receive(loginFor(await t.challenge(), { sip: 'nobody' }));
    expect(t.sent.at(-1)).toMatchObject({ ok: false, error: 'unknown user' });
  });

  it('answers requests before login, bad frames and bad fields with an error, never a crash', async () => {
    const t = session();
    await t.s.receive(JSON.stringify({ mt: 'MeetingsList', src: 'early' }));
    expect(t.sent.at(-1)).toMatchObject({ mt: 'MeetingsListResult', src: 'early', error: 'not_logged_in' });
    await t.s.receive('{not json');
    expect(t.sent.at(-1)).toMatchObject({ mt: 'Error', error: 'bad_request' });
    await t.s.receive('[1]');
    expect(t.sent.at(-1)).toMatchObject({ error: 'bad_request' });
    await t.s.receive(loginFor(await t.challenge()));
    await t.s.receive(JSON.stringify({ mt: 'MeetingDetails', src: 'd', id: 'not-a-uuid' }));
    expect(t.sent.at(-1)).toMatchObject({ mt: 'MeetingDetailsResult', src: 'd', error: 'bad_request' });
    await t.s.receive(JSON.stringify({ mt: 'Nonsense', src: 'n' }));
    expect(t.sent.at(-1)).toMatchObject({ mt: 'NonsenseResult', src: 'n', error: 'bad_request' });
  });

  it('turns an expected refusal into its code and an unexpected failure into unavailable', async () => {
    const t = session();
    await t.s.receive(loginFor(await t.challenge()));
    const id = '00000000-0000-4000-8000-000000000000';
    await t.s.receive(JSON.stringify({ mt: 'MeetingDetails', src: 'd', id }));
    expect(t.sent.at(-1)).toEqual({
      mt: 'MeetingDetailsResult',
      src: 'd',
      error: 'not_found',
      errorText: 'No such meeting',
    });
    await t.s.receive(JSON.stringify({ mt: 'MeetingCreate', src: 'c' }));
    expect(t.sent.at(-1)).toMatchObject({ mt: 'MeetingCreateResult', src: 'c', error: 'unavailable' });
  });
});
