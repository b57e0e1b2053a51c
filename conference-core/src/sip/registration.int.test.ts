import { createServer } from 'node:net';

import sip, { type SipMessage } from 'sip';
import digest, { type DigestContext } from 'sip/digest.js';
import { afterEach, describe, expect, it } from 'vitest';

import { silentLogger } from '../logging/logger.js';
import { startRegistration, type Registration } from './registration.js';
import { createSipStack, type GatewaySipStack } from './sip-transport.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** A registrar on loopback built on the same SIP stack: digest challenge, then 200 with our expiry. */
async function startRegistrar(password: string, grantSec: number) {
  const port = await freePort();
  const seen: { expires: string | undefined; authorized: boolean }[] = [];
  const contexts = new Map<string, DigestContext>();
  const stack: GatewaySipStack = createSipStack(
    { address: '127.0.0.1', port, udp: true, tcp: false },
    (rq: SipMessage) => {
      if (rq.method !== 'REGISTER') {
        stack.send(sip.makeResponse(rq, 200, 'OK'));
        return;
      }
      const callId = rq.headers['call-id'] ?? '';
      const context = contexts.get(callId) ?? { realm: 'test.local' };
      contexts.set(callId, context);
      const authorized =
        rq.headers.authorization !== undefined &&
        digest.authenticateRequest(context, rq, { user: 'dialin', password });
      seen.push({ expires: rq.headers['expires'] as string | undefined, authorized });
      if (!authorized) {
        stack.send(digest.challenge(context, sip.makeResponse(rq, 401, 'Unauthorized')));
        return;
      }
      const contact = Array.isArray(rq.headers.contact) ? rq.headers.contact : [];
      stack.send(
        sip.makeResponse(rq, 200, 'OK', {
          headers: {
            contact: contact.map((c) => ({ ...c, params: { ...c.params, expires: String(grantSec) } })),
          },
        }),
      );
    },
  );
  return { port, seen, stop: () => stack.destroy() };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function register(registrarPort: number, password: string): Promise<Registration> {
  const port = await freePort();
  const stack = createSipStack({ address: '127.0.0.1', port, udp: true, tcp: false }, () => undefined);
  cleanups.push(() => stack.destroy());
  const registration = startRegistration({
    stack,
    registrar: `sip:127.0.0.1:${registrarPort}`,
    aor: 'sip:dialin@test.local',
    username: 'dialin',
    password,
    expiresSec: 300,
    keepAliveSec: 0,
    contactHost: '127.0.0.1',
    contactPort: port,
    logger: silentLogger,
  });
  cleanups.push(() => registration.stop());
  return registration;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('SIP registration', () => {
  it('answers the digest challenge, renews before the granted time runs out and unregisters on stop', async () => {
    const registrar = await startRegistrar('s3cret', 6);
    cleanups.push(registrar.stop);
    const registration = await register(registrar.port, 's3cret');
    await until(() => registration.registered, 5_000);
    expect(registrar.seen.slice(0, 2)).toEqual([
      { expires: '300', authorized: false },
      { expires: '300', authorized: true },
    ]);
    // Granted 6 s: renewed at 80 % (the 5 s floor), on the same digest context.
    await until(() => registration.successes >= 2, 8_000);
    await registration.stop();
    expect(registrar.seen.at(-1)).toEqual({ expires: '0', authorized: true });
    expect(registration.registered).toBe(false);
  }, 20_000);

  it('stays unregistered with a wrong password and tries again later', async () => {
    const registrar = await startRegistrar('s3cret', 60);
    cleanups.push(registrar.stop);
    const registration = await register(registrar.port, 'wrong');
    await until(() => registrar.seen.length >= 2, 5_000);
    expect(registrar.seen.every((r) => !r.authorized)).toBe(true);
    expect(registration.registered).toBe(false);
    expect(registration.successes).toBe(0);
  });
});
