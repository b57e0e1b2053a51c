import { z } from 'zod';

import { isSupportedInstant } from '../untrusted-text.js';

import type { User } from '../../storage/user-repository.js';

/** A person as the API shows them to themselves. */
export const userProfileSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  display_name: z.string(),
  given_name: z.string().nullable(),
  family_name: z.string().nullable(),
  language: z.string().nullable(),
  time_zone: z.string().nullable(),
  phone: z.string().nullable(),
  last_login_at: z.iso.datetime().nullable(),
});

/** A person as others see them (search results, invitees): no phone, no login times. */
export const publicUserSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  display_name: z.string(),
  given_name: z.string().nullable(),
  family_name: z.string().nullable(),
});

export function userProfile(user: User): z.infer<typeof userProfileSchema> {
  return {
    ...publicUser(user),
    language: user.language,
    time_zone: user.timeZone,
    phone: user.phone,
    last_login_at: user.lastLoginAt?.toISOString() ?? null,
  };
}

export function publicUser(user: User): z.infer<typeof publicUserSchema> {
  return {
    id: user.id,
    email: user.email,
    display_name: user.displayName,
    given_name: user.givenName,
    family_name: user.familyName,
  };
}

/** An IANA time zone this runtime knows (`Europe/Berlin`). */
export const timeZoneSchema = z.string().refine((value) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return value.length > 0;
  } catch {
    return false;
  }
}, 'expected an IANA time zone name like Europe/Berlin');

/** A language we have translations for. */
export const languageSchema = z.enum(['de', 'en'], { error: 'expected de or en' });

/**
 * An instant a client sends: ISO 8601 with an offset, in the years 0001-9999 (a year 0000 passed
 * the format check and failed in PostgreSQL as a 500).
 */
export const instantSchema = z.iso
  .datetime({ offset: true })
  .refine(isSupportedInstant, 'expected a date in the years 0001 to 9999');
