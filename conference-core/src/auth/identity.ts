import { z } from 'zod';

import { AuthError } from './auth-error.js';

/** The roles a service account can hold; the API lets a service act only where its role allows. */
export const serviceRoles = ['call-in', 'recorder'] as const;
export type ServiceRole = (typeof serviceRoles)[number];

/** A person, as the token describes them; the API creates or updates the user row from this. */
export interface TokenUserIdentity {
  readonly kind: 'user';
  /** `sub`: stable per issuer; with `tenant` it identifies the person. */
  readonly subject: string;
  readonly email: string;
  readonly emailVerified: boolean;
  readonly displayName: string;
  readonly givenName: string | null;
  readonly familyName: string | null;
  /** `preferred_username` (Keycloak: the login name). */
  readonly username: string | null;
  /** Canonical BCP 47 tag (`de`, `en-GB`), or null when absent or not a language tag. */
  readonly locale: string | null;
  /** IANA time zone (`Europe/Berlin`), or null when absent or unknown to this runtime. */
  readonly zoneinfo: string | null;
  readonly phone: string | null;
  /** From `groups` and `x_grp`, merged, in token order, without duplicates; verbatim (Keycloak may send `/a/b` paths). */
  readonly groups: readonly string[];
  readonly tenant: string;
  /** `realm_access.roles`, verbatim. */
  readonly realmRoles: readonly string[];
}

/** A machine client holding a client-credentials token (SIP gateway, recorder). */
export interface TokenServiceIdentity {
  readonly kind: 'service';
  readonly clientId: string;
  readonly subject: string;
  readonly tenant: string;
  /** The service roles it holds, normalized (`opentalk-call-in` becomes `call-in`). */
  readonly roles: readonly ServiceRole[];
  /** `realm_access.roles`, verbatim. */
  readonly realmRoles: readonly string[];
}

export type TokenIdentity = TokenUserIdentity | TokenServiceIdentity;

export interface IdentityFromClaimsOptions {
  /** The tenant of tokens without a `tenant_id` claim. */
  readonly defaultTenant: string;
}

/**
 * A tenant named by a token: an identifier, not free text, because it ends up in lookups and log
 * fields. Keycloak setups use slugs or UUIDs; both fit.
 */
const tenantPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Profile claims that are wrong in type or shape are dropped, not fatal: a bad `locale` must not lock a person out. */
const optionalText = z
  .string()
  .transform((v) => v.trim())
  .pipe(z.string().min(1).max(1000))
  .optional()
  .catch(undefined);

const stringList = z
  .union([z.array(z.unknown()), z.string()])
  .transform((v) =>
    (Array.isArray(v) ? v : [v]).filter((s): s is string => typeof s === 'string' && s !== ''),
  )
  .optional()
  .catch(undefined);

const claimsSchema = z.object({
  sub: z
    .string({ error: 'the token has no subject ("sub")' })
    .min(1, { error: 'the token has an empty subject ("sub")' }),
  email: z.unknown().optional(),
  email_verified: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
    .optional()
    .catch(undefined),
  name: optionalText,
  given_name: optionalText,
  family_name: optionalText,
  preferred_username: optionalText,
  locale: optionalText,
  zoneinfo: optionalText,
  phone_number: optionalText,
  groups: stringList,
  x_grp: stringList,
  tenant_id: z
    .string({ error: 'the "tenant_id" claim must be a string' })
    .regex(tenantPattern, { error: 'the "tenant_id" claim is not a tenant identifier' })
    .optional(),
  realm_access: z.object({ roles: stringList }).optional().catch(undefined),
  azp: optionalText,
  client_id: optionalText,
  clientId: optionalText,
});

const emailSchema = z.email().max(320);

/**
 * Maps verified access-token claims (Keycloak-shaped, or any standard issuer) to an identity.
 * Rules, also in this folder's README:
 * - service account: the token names a client (`client_id`, Keycloak's older `clientId`, else
 *   `azp`) and either its `sub` equals that client id (RFC 9068 client-credentials tokens, e.g.
 *   oidc-provider) or its `preferred_username` is `service-account-<client id>` (Keycloak);
 * - everyone else is a user and needs a usable `email`;
 * - tenant: `tenant_id` when present, else the default tenant;
 * - groups: `groups` and OpenTalk's `x_grp`; realm roles: `realm_access.roles`.
 * Throws `AuthError('invalid_token')` when the claims cannot describe anyone.
 */
export function identityFromClaims(
  claims: Readonly<Record<string, unknown>>,
  options: IdentityFromClaimsOptions,
): TokenIdentity {
  const parsed = claimsSchema.safeParse(claims);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((issue) => issue.message).join('; ');
    throw new AuthError('invalid_token', `The token's claims are not usable: ${reasons}.`);
  }
  const c = parsed.data;
  const tenant = c.tenant_id ?? options.defaultTenant;
  const realmRoles = unique(c.realm_access?.roles ?? []);

  const clientId = c.client_id ?? c.clientId ?? c.azp;
  if (
    clientId !== undefined &&
    (c.sub === clientId || c.preferred_username === `service-account-${clientId}`)
  ) {
    return {
      kind: 'service',
      clientId,
      subject: c.sub,
      tenant,
      roles: serviceRolesOf(realmRoles),
      realmRoles,
    };
  }

  const email = typeof c.email === 'string' ? emailSchema.safeParse(c.email.trim()) : undefined;
  if (email === undefined || !email.success) {
    throw new AuthError(
      'invalid_token',
      c.email === undefined
        ? 'The token has no "email" claim; users need an email address (ask the identity provider to map it, scope "email").'
        : 'The token\'s "email" claim is not an email address.',
    );
  }

  const givenName = c.given_name ?? null;
  const familyName = c.family_name ?? null;
  const joinedName = [givenName, familyName].filter((p) => p !== null).join(' ');
  return {
    kind: 'user',
    subject: c.sub,
    email: email.data,
    emailVerified: c.email_verified ?? false,
    displayName: c.name ?? (joinedName === '' ? undefined : joinedName) ?? c.preferred_username ?? email.data,
    givenName,
    familyName,
    username: c.preferred_username ?? null,
    locale: canonicalLocale(c.locale),
    zoneinfo: knownTimeZone(c.zoneinfo),
    phone: c.phone_number ?? null,
    groups: unique([...(c.groups ?? []), ...(c.x_grp ?? [])]),
    tenant,
    realmRoles,
  };
}

/**
 * Service roles from realm roles. Both our names and OpenTalk's Keycloak names count, because UCS
 * installations following OpenTalk's guide already have realm roles `opentalk-call-in` and
 * `opentalk-recorder` assigned to the service-account users.
 */
export function serviceRolesOf(realmRoles: readonly string[]): ServiceRole[] {
  return serviceRoles.filter((role) => realmRoles.includes(role) || realmRoles.includes(`opentalk-${role}`));
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function canonicalLocale(value: string | undefined): string | null {
  if (value === undefined) return null;
  try {
    // Keycloak and some IdPs send `de_DE`; BCP 47 wants `de-DE`.
    return Intl.getCanonicalLocales(value.replace('_', '-'))[0] ?? null;
  } catch {
    return null;
  }
}

function knownTimeZone(value: string | undefined): string | null {
  if (value === undefined) return null;
  // A DateTimeFormat costs ~0.3 ms, paid on every request with a token; the answer never changes.
  const known = timeZoneNames.get(value);
  if (known !== undefined) return known;
  let name: string | null;
  try {
    name = new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    name = null;
  }
  // Tokens name few zones; the bound keeps made-up claims from growing the map.
  if (timeZoneNames.size >= 1000) timeZoneNames.clear();
  timeZoneNames.set(value, name);
  return name;
}

const timeZoneNames = new Map<string, string | null>();
