/**
 * The development issuer's people. Fixed, so docs, tests and a new user's curl session can name
 * them. Every demo user signs in with the same password; this issuer is for development only.
 */
export const demoPassword = 'demo';

export interface DemoUser {
  /** Login name; also the `preferred_username` claim. */
  readonly username: string;
  /** `sub`: stable across restarts, so a user row survives them. */
  readonly subject: string;
  readonly email: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly locale: 'de' | 'en';
  readonly zoneinfo: string;
  readonly phone: string | undefined;
  readonly groups: readonly string[];
  /** Keycloak-style realm roles; `tenant-admin` administers the tenant. */
  readonly realmRoles: readonly string[];
}

export const demoUsers: readonly DemoUser[] = [
  {
    username: 'alice',
    subject: '8f6d1c2e-1a0b-4c3d-9e8f-a11ce0000001',
    email: 'alice@example.test',
    givenName: 'Alice',
    familyName: 'Adler',
    locale: 'de',
    zoneinfo: 'Europe/Berlin',
    phone: '+49 30 5550101',
    groups: ['staff', 'admins'],
    realmRoles: ['tenant-admin', 'offline_access'],
  },
  {
    username: 'bob',
    subject: '8f6d1c2e-1a0b-4c3d-9e8f-b0b000000002',
    email: 'bob@example.test',
    givenName: 'Bob',
    familyName: 'Baker',
    locale: 'en',
    zoneinfo: 'Europe/London',
    phone: undefined,
    groups: ['staff', 'sales'],
    realmRoles: ['offline_access'],
  },
  {
    username: 'carol',
    subject: '8f6d1c2e-1a0b-4c3d-9e8f-ca7010000003',
    email: 'carol@example.test',
    givenName: 'Carol',
    familyName: 'Castell',
    locale: 'de',
    zoneinfo: 'Europe/Berlin',
    phone: '+49 89 5550103',
    groups: ['support'],
    realmRoles: ['offline_access'],
  },
];

export function demoUserNamed(username: string): DemoUser | undefined {
  const wanted = username.trim().toLowerCase();
  return demoUsers.find((user) => user.username === wanted);
}

export function demoUserBySubject(subject: string): DemoUser | undefined {
  return demoUsers.find((user) => user.subject === subject);
}

export const demoUserNames: readonly string[] = demoUsers.map((user) => user.username);
