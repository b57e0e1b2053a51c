import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { wallClock } from './wall-clock.js';

const wall = (iso: string): number => Date.parse(`${iso}Z`);
const utc = (ms: number): string => new Date(ms).toISOString();

describe('wallClock', () => {
  it('moves a wall time in the spring gap forward by the gap, whatever it learned before', () => {
    for (const warmUp of ['2026-01-15T12:00:00', '2026-07-15T12:00:00', undefined]) {
      const clock = wallClock('Europe/Berlin');
      if (warmUp) clock.toInstant(wall(warmUp));
      expect(utc(clock.toInstant(wall('2026-03-29T02:30:00')))).toBe('2026-03-29T01:30:00.000Z');
    }
  });

  it('reads a repeated autumn wall time with the earlier offset, whatever it learned before', () => {
    for (const warmUp of ['2026-07-15T12:00:00', '2026-11-15T12:00:00', '2026-10-25T04:00:00', undefined]) {
      const clock = wallClock('Europe/Berlin');
      if (warmUp) clock.toInstant(wall(warmUp));
      expect(utc(clock.toInstant(wall('2026-10-25T02:30:00')))).toBe('2026-10-25T00:30:00.000Z');
    }
  });

  it('turns instants back into wall time on both sides of a switch', () => {
    const clock = wallClock('America/New_York');
    expect(utc(clock.toWall(Date.parse('2026-03-08T06:59:59Z')))).toBe('2026-03-08T01:59:59.000Z');
    expect(utc(clock.toWall(Date.parse('2026-03-08T07:00:00Z')))).toBe('2026-03-08T03:00:00.000Z');
    expect(utc(clock.toWall(Date.parse('2026-11-01T05:30:00Z')))).toBe('2026-11-01T01:30:00.000Z');
    expect(utc(clock.toWall(Date.parse('2026-11-01T06:30:00Z')))).toBe('2026-11-01T01:30:00.000Z');
  });

  it.each([
    'Europe/Berlin',
    'America/New_York',
    'Australia/Lord_Howe',
    'Pacific/Apia',
    'America/Santiago',
    'UTC',
  ])('agrees with Temporal’s compatible reading in %s, including half-hour and whole-day shifts', (zone) => {
    const clock = wallClock(zone);
    const mismatches: string[] = [];
    // 53-minute steps over 2011-2013 hit every gap and repeated hour, including Apia's skipped day.
    for (let ms = wall('2011-01-01T00:00:00'); ms < wall('2012-01-01T00:00:00'); ms += 47 * 60_000) {
      const expected = Temporal.Instant.fromEpochMilliseconds(ms)
        .toZonedDateTimeISO('UTC')
        .toPlainDateTime()
        .toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds;
      if (clock.toInstant(ms) !== expected) mismatches.push(utc(ms));
    }
    expect(mismatches).toEqual([]);
  });
});
