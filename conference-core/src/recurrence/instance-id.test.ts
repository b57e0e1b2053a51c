import { describe, expect, it } from 'vitest';
import { instanceIdOf, parseInstanceId } from './instance-id.js';

describe('instance ids', () => {
  it('are the original start in UTC basic format', () => {
    expect(instanceIdOf(new Date('2024-07-05T17:02:42Z'))).toBe('20240705T170242Z');
  });

  it('drop milliseconds, because iCalendar times have whole seconds', () => {
    expect(instanceIdOf(new Date('2024-07-05T17:02:42.999Z'))).toBe('20240705T170242Z');
  });

  it('round-trip through parseInstanceId', () => {
    for (const iso of [
      '2024-07-05T17:02:42Z',
      '2026-03-29T01:30:00Z',
      '0099-01-01T00:00:00Z',
      '9999-12-31T23:59:59Z',
    ]) {
      const date = new Date(iso);
      expect(parseInstanceId(instanceIdOf(date))?.toISOString()).toBe(date.toISOString());
    }
  });

  it('refuse years an id cannot spell', () => {
    expect(() => instanceIdOf(new Date('+010000-01-01T00:00:00Z'))).toThrow(RangeError);
  });

  it.each([
    ['lower-case letters', '20240705t170242z'],
    ['a missing Z', '20240705T170242'],
    ['an offset instead of Z', '20240705T170242+0100'],
    ['the extended format', '2024-07-05T17:02:42Z'],
    ['a date only', '20240705'],
    ['extra characters', '20240705T170242Z1'],
    ['surrounding space', ' 20240705T170242Z'],
    ['a day that does not exist', '20240231T170242Z'],
    ['hour 24', '20240705T240000Z'],
    ['a leap second', '20241231T235960Z'],
    ['year zero', '00000101T000000Z'],
  ])('parse to undefined when the id has %s', (_, id) => {
    expect(parseInstanceId(id)).toBeUndefined();
  });
});
