import { Temporal } from 'temporal-polyfill';

// IANA names only: offsets such as "+01:00" are valid Temporal zones but not what an event keeps,
// because an offset does not follow daylight saving time.
const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/**
 * True for a time zone name of the IANA database spelled exactly as the database spells it
 * (`Europe/Berlin`, `UTC`); false for offsets, abbreviations like `CEST`, and other casing, so that
 * the stored name is the same one every other system (PostgreSQL, calendar clients) understands.
 */
export function isValidTimeZone(name: string): boolean {
  if (name.length > 64 || !IANA_NAME.test(name)) return false;
  // Asking Temporal costs ~50 µs, paid for every series a listing expands; the answer never changes.
  if (known.has(name)) return true;
  try {
    if (Temporal.PlainDate.from('2000-01-01').toZonedDateTime(name).timeZoneId !== name) return false;
  } catch {
    return false;
  }
  // Only valid names are kept, so the set stays within the IANA database's ~600 names.
  known.add(name);
  return true;
}

const known = new Set<string>();
