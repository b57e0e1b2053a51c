import { describe, expect, it } from 'vitest';
import { expandInstances, isOccurrence } from './expand.js';
import { InvalidRecurrenceError } from './series.js';
import { meeting, starts, window } from './test-support.js';

// Berlin is UTC+1, and UTC+2 from 29 March 2026: a 09:00 meeting starts at 08:00, later 07:00 UTC.

describe('expandInstances follows the rule parts', () => {
  const monday = (recurrence: readonly string[]) =>
    meeting('2026-03-16T08:00:00Z', '2026-03-16T09:00:00Z', recurrence);
  const spring = window('2026-03-01T00:00:00Z', '2026-06-01T00:00:00Z');

  it('stops after COUNT occurrences', () => {
    expect(starts(expandInstances(monday(['RRULE:FREQ=WEEKLY;COUNT=3']), spring))).toEqual([
      '2026-03-16T08:00:00.000Z',
      '2026-03-23T08:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
  });

  it('includes an occurrence exactly at UNTIL and nothing after it', () => {
    const until = (value: string) =>
      starts(expandInstances(monday([`RRULE:FREQ=DAILY;UNTIL=${value}`]), spring));
    expect(until('20260320T080000Z')).toHaveLength(5);
    expect(until('20260320T080000Z').at(-1)).toBe('2026-03-20T08:00:00.000Z');
    expect(until('20260320T075959Z')).toHaveLength(4);
  });

  it('applies an UNTIL in UTC to the real start after a DST switch', () => {
    // 30 March 09:00 CEST is 07:00 UTC: inside an UNTIL of 07:00 UTC, outside one of 06:59:59.
    expect(starts(expandInstances(monday(['RRULE:FREQ=DAILY;UNTIL=20260330T070000Z']), spring)).at(-1)).toBe(
      '2026-03-30T07:00:00.000Z',
    );
    expect(starts(expandInstances(monday(['RRULE:FREQ=DAILY;UNTIL=20260330T065959Z']), spring)).at(-1)).toBe(
      '2026-03-29T07:00:00.000Z',
    );
  });

  it('picks the last Friday of each month with BYDAY and BYSETPOS', () => {
    const lastFriday = meeting('2026-01-30T09:00:00Z', '2026-01-30T10:00:00Z', [
      'RRULE:FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1;COUNT=5',
    ]);
    expect(
      starts(expandInstances(lastFriday, window('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'))),
    ).toEqual([
      '2026-01-30T09:00:00.000Z',
      '2026-02-27T09:00:00.000Z',
      '2026-03-27T09:00:00.000Z',
      '2026-04-24T08:00:00.000Z',
      '2026-05-29T08:00:00.000Z',
    ]);
  });

  it('skips weeks with INTERVAL', () => {
    const everyOtherWeek = monday(['RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE']);
    expect(
      starts(expandInstances(everyOtherWeek, window('2026-03-16T00:00:00Z', '2026-04-14T00:00:00Z'))),
    ).toEqual([
      '2026-03-16T08:00:00.000Z',
      '2026-03-18T08:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
      '2026-04-01T07:00:00.000Z',
      '2026-04-13T07:00:00.000Z',
    ]);
  });

  it('removes EXDATEs given in the event zone, in another zone, or in UTC', () => {
    const skipping = monday([
      'RRULE:FREQ=WEEKLY',
      'EXDATE;TZID=Europe/Berlin:20260323T090000',
      'EXDATE;TZID=America/New_York:20260406T030000',
    ]);
    expect(starts(expandInstances(skipping, window('2026-03-16T00:00:00Z', '2026-04-14T00:00:00Z')))).toEqual(
      ['2026-03-16T08:00:00.000Z', '2026-03-30T07:00:00.000Z', '2026-04-13T07:00:00.000Z'],
    );
    const utc = monday(['RRULE:FREQ=WEEKLY', 'EXDATE:20260330T070000Z']);
    expect(starts(expandInstances(utc, window('2026-03-29T00:00:00Z', '2026-04-01T00:00:00Z')))).toEqual([]);
  });

  it('adds an RDATE with the series length, in time order', () => {
    const extra = monday(['RRULE:FREQ=WEEKLY;COUNT=2', 'RDATE;TZID=Europe/Berlin:20260318T150000']);
    const result = expandInstances(extra, spring);
    expect(starts(result)).toEqual([
      '2026-03-16T08:00:00.000Z',
      '2026-03-18T14:00:00.000Z',
      '2026-03-23T08:00:00.000Z',
    ]);
    expect(result.instances[1]?.endsAt.toISOString()).toBe('2026-03-18T15:00:00.000Z');
  });

  it('counts an RDATE that equals a rule occurrence once', () => {
    expect(
      starts(expandInstances(monday(['RRULE:FREQ=WEEKLY;COUNT=2', 'RDATE:20260323T080000Z']), spring)),
    ).toHaveLength(2);
  });

  it('lets EXDATE win over RDATE', () => {
    const both = monday(['RDATE:20260401T070000Z', 'EXDATE:20260401T070000Z']);
    expect(starts(expandInstances(both, spring))).toEqual(['2026-03-16T08:00:00.000Z']);
  });

  it('treats lines without RRULE as the start plus the RDATEs', () => {
    expect(starts(expandInstances(monday(['RDATE:20260401T070000Z,20260415T070000Z']), spring))).toEqual([
      '2026-03-16T08:00:00.000Z',
      '2026-04-01T07:00:00.000Z',
      '2026-04-15T07:00:00.000Z',
    ]);
  });

  it('counts a start that does not match the rule as the first occurrence (RFC 5545 3.8.5.3)', () => {
    // A Tuesday start with a Friday rule: Tuesday, then two Fridays make COUNT=3.
    const tuesday = meeting('2026-03-17T08:00:00Z', '2026-03-17T09:00:00Z', [
      'RRULE:FREQ=WEEKLY;BYDAY=FR;COUNT=3',
    ]);
    expect(starts(expandInstances(tuesday, spring))).toEqual([
      '2026-03-17T08:00:00.000Z',
      '2026-03-20T08:00:00.000Z',
      '2026-03-27T08:00:00.000Z',
    ]);
  });

  it('gives every occurrence its instance id, original start and length', () => {
    const [first] = expandInstances(monday(['RRULE:FREQ=WEEKLY']), spring).instances;
    expect(first).toEqual({
      instanceId: '20260316T080000Z',
      originalStart: new Date('2026-03-16T08:00:00Z'),
      startsAt: new Date('2026-03-16T08:00:00Z'),
      endsAt: new Date('2026-03-16T09:00:00Z'),
    });
  });
});

describe('expandInstances at the window edges', () => {
  const daily = meeting('2026-03-16T08:00:00Z', '2026-03-16T09:00:00Z', ['RRULE:FREQ=DAILY;COUNT=3']);

  it('leaves out an occurrence that ends exactly at `from`', () => {
    expect(starts(expandInstances(daily, window('2026-03-17T09:00:00Z', '2026-03-17T20:00:00Z')))).toEqual(
      [],
    );
  });

  it('keeps an occurrence that is still running at `from`', () => {
    expect(starts(expandInstances(daily, window('2026-03-17T08:59:59Z', '2026-03-17T20:00:00Z')))).toEqual([
      '2026-03-17T08:00:00.000Z',
    ]);
  });

  it('leaves out an occurrence that starts exactly at `to`', () => {
    expect(starts(expandInstances(daily, window('2026-03-17T00:00:00Z', '2026-03-17T08:00:00Z')))).toEqual(
      [],
    );
  });

  it('returns nothing for an empty or reversed window', () => {
    expect(expandInstances(daily, window('2026-03-17T00:00:00Z', '2026-03-17T00:00:00Z'))).toEqual({
      instances: [],
      truncated: false,
    });
    expect(expandInstances(daily, window('2026-03-18T00:00:00Z', '2026-03-17T00:00:00Z')).instances).toEqual(
      [],
    );
  });

  it('lists a zero-length occurrence when it starts inside the window', () => {
    const reminder = meeting('2026-03-16T08:00:00Z', '2026-03-16T08:00:00Z', ['RRULE:FREQ=DAILY;COUNT=3']);
    expect(starts(expandInstances(reminder, window('2026-03-17T08:00:00Z', '2026-03-18T08:00:00Z')))).toEqual(
      ['2026-03-17T08:00:00.000Z'],
    );
  });

  it('refuses an invalid window date and stored lines that do not validate', () => {
    expect(() => expandInstances(daily, { from: new Date('nonsense'), to: new Date() })).toThrow(RangeError);
    const broken = meeting('2026-03-16T08:00:00Z', '2026-03-16T09:00:00Z', ['RRULE:FREQ=MINUTELY']);
    expect(() => expandInstances(broken, window('2026-03-16T00:00:00Z', '2026-03-17T00:00:00Z'))).toThrow(
      InvalidRecurrenceError,
    );
  });
});

describe('isOccurrence', () => {
  const weekly = meeting('2026-03-16T08:00:00Z', '2026-03-16T09:00:00Z', [
    'RRULE:FREQ=WEEKLY',
    'EXDATE:20260323T080000Z',
  ]);

  it('is true for the original start of an occurrence, after a DST switch too', () => {
    expect(isOccurrence(weekly, new Date('2026-03-16T08:00:00Z'))).toBe(true);
    expect(isOccurrence(weekly, new Date('2026-03-30T07:00:00Z'))).toBe(true);
  });

  it('is false for other instants, excluded dates, and instants inside an occurrence', () => {
    expect(isOccurrence(weekly, new Date('2026-03-30T08:00:00Z'))).toBe(false);
    expect(isOccurrence(weekly, new Date('2026-03-23T08:00:00Z'))).toBe(false);
    expect(isOccurrence(weekly, new Date('2026-03-16T08:30:00Z'))).toBe(false);
    expect(isOccurrence(weekly, new Date('2026-03-16T08:00:00.500Z'))).toBe(false);
    expect(isOccurrence(weekly, new Date('2026-03-09T08:00:00Z'))).toBe(false);
  });
});
