import { describe, expect, it } from 'vitest';

import { instantToZoned, withOffset, zonedToInstant } from './zoned-time.js';

describe('wall-clock times in a time zone', () => {
  it('turns a Berlin wall-clock time into its instant in winter and in summer', () => {
    expect(zonedToInstant('2026-12-03T10:00', 'Europe/Berlin').toISOString()).toBe(
      '2026-12-03T09:00:00.000Z',
    );
    expect(zonedToInstant('2026-07-03T10:00', 'Europe/Berlin').toISOString()).toBe(
      '2026-07-03T08:00:00.000Z',
    );
    expect(zonedToInstant('2026-07-03T10:00', 'America/New_York').toISOString()).toBe(
      '2026-07-03T14:00:00.000Z',
    );
  });

  it('gets the day of a DST change right on both sides of the switch', () => {
    // Berlin switches to summer time on 2026-03-29 at 02:00.
    expect(zonedToInstant('2026-03-29T01:30', 'Europe/Berlin').toISOString()).toBe(
      '2026-03-29T00:30:00.000Z',
    );
    expect(zonedToInstant('2026-03-29T03:30', 'Europe/Berlin').toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });

  it('shows an instant as the wall clock of a zone and round-trips it', () => {
    const instant = new Date('2026-12-03T09:00:00Z');
    expect(instantToZoned(instant, 'Europe/Berlin')).toBe('2026-12-03T10:00');
    expect(instantToZoned(instant, 'Asia/Kolkata')).toBe('2026-12-03T14:30');
    expect(zonedToInstant(instantToZoned(instant, 'Asia/Kolkata'), 'Asia/Kolkata')).toEqual(instant);
  });

  it('writes the offset the API wants', () => {
    expect(withOffset(new Date('2026-12-03T09:00:00Z'), 'Europe/Berlin')).toBe('2026-12-03T10:00:00+01:00');
    expect(withOffset(new Date('2026-12-03T09:00:00Z'), 'America/St_Johns')).toBe(
      '2026-12-03T05:30:00-03:30',
    );
    expect(withOffset(new Date('2026-12-03T09:00:00Z'), 'UTC')).toBe('2026-12-03T09:00:00+00:00');
  });
});
