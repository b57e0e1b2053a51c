import { z } from 'zod';

import { isSupportedInstant } from '../untrusted-text.js';

import type { User } from '../../storage/user-repository.js';

/** A person as the API shows them to themselves. */
const personFields = {
  id: z.uuid().describe('The user id in this tenant'),
  email: z.string().describe('Email address, from the identity provider or the directory'),
  display_name: z.string().describe('How the person is shown in meetings and invitations'),
  given_name: z.string().nullable().describe('Given name from the directory; null when unknown'),
  family_name: z.string().nullable().describe('Family name from the directory; null when unknown'),
};

/** A person as the API shows them to themselves. */
export const userProfileSchema = z.object({
  ...personFields,
  language: z
    .string()
    .nullable()
    .describe('Language of mails and the web client (de, en); null: the default'),
  time_zone: z.string().nullable().describe("IANA time zone mails show times in; null: the meeting's zone"),
  phone: z.string().nullable().describe("Phone number; a call-in from it is shown with the person's name"),
  last_login_at: z.iso.datetime().nullable().describe('When the person last signed in; null: never'),
});

/** A person as others see them (search results, invitees): no phone, no login times. */
export const publicUserSchema = z.object(personFields);

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
export const timeZoneSchema = z
  .string()
  .refine((value) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: value });
      return value.length > 0;
    } catch {
      return false;
    }
  }, 'expected an IANA time zone name like Europe/Berlin')
  .meta({ example: 'Europe/Berlin' });

/** A language we have translations for. */
export const languageSchema = z.enum(['de', 'en'], { error: 'expected de or en' });

/**
 * An instant a client sends: ISO 8601 with an offset, in the years 0001-9999 (a year 0000 passed
 * the format check and failed in PostgreSQL as a 500).
 */
export const instantSchema = z.iso
  .datetime({ offset: true })
  .refine(isSupportedInstant, 'expected a date in the years 0001 to 9999')
  .meta({
    description:
      'An instant in RFC 3339 with its UTC offset (`Z` or `+02:00`); a time without an offset is refused',
    example: '2026-07-06T09:00:00+02:00',
  });
