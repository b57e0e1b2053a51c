import { describe, expect, it } from 'vitest';

import { AuthError } from './auth-error.js';
import { identityFromClaims, serviceRolesOf } from './identity.js';

const options = { defaultTenant: 'default' };

/** An access token's claims as Keycloak 2x issues them for a user of the UCS realm. */
const keycloakUser = {
  exp: 1_900_000_000,
  iat: 1_899_999_700,
  jti: 'b1f0c2d4-0000-4000-8000-000000000001',
  iss: 'https://ucs.example.test/realms/ucs',
  aud: ['vc-api', 'account'],
  sub: 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6',
  typ: 'Bearer',
  azp: 'vc-web',
  scope: 'openid email profile',
  email_verified: true,
  name: 'Anna Schmidt',
  preferred_username: 'anna',
  given_name: 'Anna',
  family_name: 'Schmidt',
  email: 'anna.schmidt@example.test',
  locale: 'de',
  zoneinfo: 'Europe/Berlin',
  phone_number: '+49 30 1234567',
  groups: ['/staff', '/staff/moderators'],
  realm_access: { roles: ['offline_access', 'uma_authorization', 'default-roles-ucs'] },
};

function errorOf(claims: Record<string, unknown>): AuthError {
  try {
    identityFromClaims(claims, options);
  } catch (err) {
    if (err instanceof AuthError) return err;
    throw err;
  }
  throw new Error('expected the claims to be refused');
}

describe('mapping token claims to an identity', () => {
  it('maps a Keycloak user token to a user with every profile field', () => {
    expect(identityFromClaims(keycloakUser, options)).toEqual({
      kind: 'user',
      subject: 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6',
      email: 'anna.schmidt@example.test',
      emailVerified: true,
      displayName: 'Anna Schmidt',
      givenName: 'Anna',
      familyName: 'Schmidt',
      username: 'anna',
      locale: 'de',
      zoneinfo: 'Europe/Berlin',
      phone: '+49 30 1234567',
      groups: ['/staff', '/staff/moderators'],
      tenant: 'default',
      realmRoles: ['offline_access', 'uma_authorization', 'default-roles-ucs'],
    });
  });

  it('takes the tenant from tenant_id and falls back to the default tenant', () => {
    expect(identityFromClaims({ ...keycloakUser, tenant_id: 'acme' }, options).tenant).toBe('acme');
    expect(identityFromClaims(keycloakUser, { defaultTenant: 'other' }).tenant).toBe('other');
  });

  it('refuses a tenant_id that is not an identifier, naming the claim', () => {
    const error = errorOf({ ...keycloakUser, tenant_id: '../../etc' });
    expect(error.code).toBe('invalid_token');
    expect(error.message).toContain('tenant_id');
    expect(errorOf({ ...keycloakUser, tenant_id: 7 }).message).toContain('tenant_id');
  });

  it('merges OpenTalk x_grp groups with groups, dropping duplicates and non-strings', () => {
    const identity = identityFromClaims(
      { ...keycloakUser, groups: ['staff', 42, 'sales'], x_grp: ['sales', 'board'] },
      options,
    );
    expect(identity.kind === 'user' && identity.groups).toEqual(['staff', 'sales', 'board']);
    const single = identityFromClaims({ ...keycloakUser, groups: undefined, x_grp: 'board' }, options);
    expect(single.kind === 'user' && single.groups).toEqual(['board']);
  });

  it('refuses a user token without a usable email, and says what to fix', () => {
    const missing = errorOf({ ...keycloakUser, email: undefined });
    expect(missing.code).toBe('invalid_token');
    expect(missing.message).toMatch(/no "email" claim/);
    expect(errorOf({ ...keycloakUser, email: 'not an address' }).message).toMatch(/not an email address/);
    expect(errorOf({ ...keycloakUser, email: ['a@example.test'] }).code).toBe('invalid_token');
  });

  it('refuses claims without a subject', () => {
    expect(errorOf({ ...keycloakUser, sub: undefined }).message).toMatch(/no subject/);
    expect(errorOf({ ...keycloakUser, sub: '' }).message).toMatch(/empty subject/);
  });

  it('drops profile claims of the wrong shape instead of refusing the person', () => {
    const identity = identityFromClaims(
      {
        sub: 'u1',
        email: ' bob@example.test ',
        email_verified: 'true',
        locale: 'xx-not-a-locale-at-all-1234567890',
        zoneinfo: 'Mars/Olympus_Mons',
        given_name: 5,
        realm_access: 'admin',
      },
      options,
    );
    expect(identity).toMatchObject({
      kind: 'user',
      email: 'bob@example.test',
      emailVerified: true,
      locale: null,
      zoneinfo: null,
      givenName: null,
      realmRoles: [],
      displayName: 'bob@example.test',
    });
  });

  it('canonicalizes locales, and builds a display name from the parts that exist', () => {
    const identity = identityFromClaims(
      {
        sub: 'u2',
        email: 'c@example.test',
        locale: 'de_DE',
        given_name: 'Carol',
        preferred_username: 'carol',
      },
      options,
    );
    expect(identity).toMatchObject({ locale: 'de-DE', displayName: 'Carol', emailVerified: false });
    const byUsername = identityFromClaims(
      { sub: 'u3', email: 'd@example.test', preferred_username: 'dora' },
      options,
    );
    expect(byUsername).toMatchObject({ displayName: 'dora', username: 'dora' });
  });

  it('recognizes a Keycloak service account by its service-account- username', () => {
    const identity = identityFromClaims(
      {
        sub: '2c7e1d7c-5d8b-4b6e-9b51-3f1cbd1a0a11',
        azp: 'vc-call-in',
        client_id: 'vc-call-in',
        preferred_username: 'service-account-vc-call-in',
        realm_access: { roles: ['opentalk-call-in', 'default-roles-ucs'] },
      },
      options,
    );
    expect(identity).toEqual({
      kind: 'service',
      clientId: 'vc-call-in',
      subject: '2c7e1d7c-5d8b-4b6e-9b51-3f1cbd1a0a11',
      tenant: 'default',
      roles: ['call-in'],
      realmRoles: ['opentalk-call-in', 'default-roles-ucs'],
    });
  });

  it('recognizes older Keycloak service tokens by clientId, and RFC 9068 ones by sub equal to client_id', () => {
    const older = identityFromClaims(
      {
        sub: 'x',
        azp: 'rec',
        clientId: 'rec',
        preferred_username: 'service-account-rec',
        realm_access: { roles: ['recorder'] },
      },
      options,
    );
    expect(older).toMatchObject({ kind: 'service', clientId: 'rec', roles: ['recorder'] });
    const standard = identityFromClaims(
      { sub: 'vc-call-in', client_id: 'vc-call-in', tenant_id: 'acme', realm_access: { roles: ['call-in'] } },
      options,
    );
    expect(standard).toMatchObject({
      kind: 'service',
      clientId: 'vc-call-in',
      tenant: 'acme',
      roles: ['call-in'],
    });
  });

  it('treats a user whose token names a client as a user, not a service', () => {
    const identity = identityFromClaims({ ...keycloakUser, client_id: 'vc-web' }, options);
    expect(identity.kind).toBe('user');
  });

  it('knows the service roles under both names and ignores the rest', () => {
    expect(serviceRolesOf(['opentalk-recorder', 'call-in', 'admin'])).toEqual(['call-in', 'recorder']);
    expect(serviceRolesOf(['offline_access'])).toEqual([]);
  });
});
