import { describe, expect, it } from 'vitest';
import { isValidTimeZone } from './time-zone.js';

describe('isValidTimeZone', () => {
  it.each([
    'Europe/Berlin',
    'America/New_York',
    'UTC',
    'Etc/GMT+5',
    'America/Argentina/Buenos_Aires',
    'Asia/Kolkata',
  ])('accepts the IANA name %s', (name) => {
    expect(isValidTimeZone(name)).toBe(true);
  });

  it.each([
    ['an unknown zone', 'Mars/Olympus_Mons'],
    ['other casing than the database', 'europe/berlin'],
    ['an offset', '+01:00'],
    ['an abbreviation', 'CEST'],
    ['an empty string', ''],
    ['a path trick', '../etc/passwd'],
    ['an overlong name', `Europe/${'x'.repeat(80)}`],
  ])('rejects %s', (_, name) => {
    expect(isValidTimeZone(name)).toBe(false);
  });
});
