import { describe, expect, it } from 'vitest';

import { BusyError, InvalidCredentialsError, NoSuchObjectError, UnavailableError } from 'ldapts';

import { translateLdapError } from './ldap-errors.js';

const netError = (code: string): Error => Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });

describe('LDAP error translation', () => {
  it('turns a rejected bind into auth_failed, not retryable', () => {
    const error = translateLdapError(new InvalidCredentialsError('Invalid Credentials'), 'bind');
    expect([error.code, error.retryable]).toEqual(['auth_failed', false]);
  });

  it('turns refused, reset and timed out connections and a busy or unavailable server into retryable errors', () => {
    for (const err of [
      netError('ECONNREFUSED'),
      netError('ECONNRESET'),
      new Error('Connection timeout'),
      new UnavailableError('down'),
    ]) {
      const error = translateLdapError(err, 'search');
      expect([error.code, error.retryable]).toEqual(['upstream_unavailable', true]);
    }
    const busy = translateLdapError(new BusyError('busy'), 'search');
    expect([busy.code, busy.retryable]).toEqual(['rate_limited', true]);
    expect(busy.retryAfterMs).toBeGreaterThan(0);
  });

  it('turns a missing base DN and an untrusted certificate into invalid_settings', () => {
    expect(translateLdapError(new NoSuchObjectError('No Such Object'), 'search').code).toBe(
      'invalid_settings',
    );
    expect(translateLdapError(netError('SELF_SIGNED_CERT_IN_CHAIN'), 'connect').code).toBe(
      'invalid_settings',
    );
  });
});
