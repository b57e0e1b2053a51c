import { describe, expect, it } from 'vitest';
import { validateRecurrence } from './validate.js';
import type { RecurrenceProblem, SeriesStart } from './types.js';

const timed: SeriesStart = {
  startsAt: new Date('2026-03-16T08:00:00Z'),
  timeZone: 'Europe/Berlin',
  isAllDay: false,
};
const allDay: SeriesStart = {
  startsAt: new Date('2026-03-15T23:00:00Z'),
  timeZone: 'Europe/Berlin',
  isAllDay: true,
};

function problemsOf(lines: readonly string[], start: SeriesStart = timed): readonly RecurrenceProblem[] {
  const result = validateRecurrence(lines, start);
  if (result.ok) throw new Error(`expected problems for ${lines.join(' | ')}`);
  return result.problems;
}

describe('validateRecurrence accepts', () => {
  it('rule, extra date and excluded date, and returns them in canonical form', () => {
    const result = validateRecurrence(
      [
        'rrule:freq=weekly;byday=mo,we;interval=2',
        'RDATE;TZID=Europe/Berlin:20260325T150000',
        'exdate:20260318T080000Z',
      ],
      timed,
    );
    expect(result).toEqual({
      ok: true,
      recurrence: {
        lines: [
          'RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE',
          'RDATE;TZID=Europe/Berlin:20260325T150000',
          'EXDATE:20260318T080000Z',
        ],
        isFinite: false,
      },
    });
  });

  it('its own canonical output unchanged, quotes around TZID removed', () => {
    const first = validateRecurrence(
      ['RRULE:WKST=SU;BYDAY=-1FR;FREQ=MONTHLY', 'EXDATE;TZID="Europe/Berlin":20260327T090000'],
      timed,
    );
    expect(first.ok && first.recurrence.lines).toEqual([
      'RRULE:FREQ=MONTHLY;BYDAY=-1FR;WKST=SU',
      'EXDATE;TZID=Europe/Berlin:20260327T090000',
    ]);
    if (!first.ok) return;
    expect(validateRecurrence(first.recurrence.lines, timed)).toEqual(first);
  });

  it('no lines at all, as a single meeting', () => {
    expect(validateRecurrence([], timed)).toEqual({ ok: true, recurrence: { lines: [], isFinite: true } });
  });

  it('a series ended by COUNT or UNTIL as finite', () => {
    for (const rule of ['RRULE:FREQ=DAILY;COUNT=1000', 'RRULE:FREQ=DAILY;UNTIL=20260401T000000Z']) {
      const result = validateRecurrence([rule], timed);
      expect(result.ok && result.recurrence.isFinite).toBe(true);
    }
  });

  it('dates without VALUE=DATE on an all-day series and writes the parameter out', () => {
    const result = validateRecurrence(
      ['RRULE:FREQ=DAILY;UNTIL=20260331', 'EXDATE:20260320,20260321'],
      allDay,
    );
    expect(result.ok && result.recurrence.lines).toEqual([
      'RRULE:FREQ=DAILY;UNTIL=20260331',
      'EXDATE;VALUE=DATE:20260320,20260321',
    ]);
  });

  it('an UNTIL equal to the start (one occurrence)', () => {
    expect(validateRecurrence(['RRULE:FREQ=DAILY;UNTIL=20260316T080000Z'], timed).ok).toBe(true);
  });

  it('a date UNTIL on a timed series, meaning the whole day', () => {
    expect(validateRecurrence(['RRULE:FREQ=DAILY;UNTIL=20260316'], timed).ok).toBe(true);
  });

  it('the last Friday of each month', () => {
    expect(validateRecurrence(['RRULE:FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1'], timed).ok).toBe(true);
    expect(validateRecurrence(['RRULE:FREQ=MONTHLY;BYDAY=-1FR'], timed).ok).toBe(true);
  });
});

describe('validateRecurrence rejects, saying why in words,', () => {
  it.each<[string, readonly string[], RegExp, SeriesStart?]>([
    ['EXRULE', ['RRULE:FREQ=DAILY', 'EXRULE:FREQ=WEEKLY'], /EXRULE is deprecated.*EXDATE/],
    ['an unknown property', ['X-FOO:bar'], /X-FOO is not a recurrence property/],
    ['DTSTART among the lines', ['DTSTART:20260316T080000Z'], /takes its start and length from the event/],
    ['a line without a colon', ['FREQ=DAILY'], /has no colon/],
    ['an empty line', [''], /empty/],
    ['a missing FREQ', ['RRULE:COUNT=5'], /FREQ is missing/],
    ['FREQ=SECONDLY', ['RRULE:FREQ=SECONDLY'], /too often for a meeting series/],
    ['FREQ=MINUTELY', ['RRULE:FREQ=MINUTELY'], /too often for a meeting series/],
    ['an unknown FREQ', ['RRULE:FREQ=FORTNIGHTLY'], /not a frequency/],
    [
      'COUNT together with UNTIL',
      ['RRULE:FREQ=DAILY;COUNT=3;UNTIL=20260401T000000Z'],
      /COUNT and UNTIL cannot be combined/,
    ],
    ['COUNT above 1000', ['RRULE:FREQ=DAILY;COUNT=1001'], /COUNT may be at most 1000/],
    ['COUNT of zero', ['RRULE:FREQ=DAILY;COUNT=0'], /COUNT must be a whole number of at least 1/],
    ['INTERVAL below 1', ['RRULE:FREQ=DAILY;INTERVAL=0'], /INTERVAL must be a whole number of at least 1/],
    [
      'a negative INTERVAL',
      ['RRULE:FREQ=DAILY;INTERVAL=-2'],
      /INTERVAL must be a whole number of at least 1/,
    ],
    ['a second RRULE', ['RRULE:FREQ=DAILY', 'RRULE:FREQ=WEEKLY'], /Only one RRULE is allowed/],
    ['a part given twice', ['RRULE:FREQ=DAILY;FREQ=WEEKLY'], /FREQ appears more than once/],
    ['an unknown rule part', ['RRULE:FREQ=DAILY;BYFOO=1'], /BYFOO is not a part of a recurrence rule/],
    ['BYMONTH=13', ['RRULE:FREQ=YEARLY;BYMONTH=13'], /BYMONTH=13 is out of range; months go from 1 to 12/],
    ['BYHOUR=24', ['RRULE:FREQ=DAILY;BYHOUR=24'], /BYHOUR=24 is out of range/],
    ['BYMONTHDAY=0', ['RRULE:FREQ=MONTHLY;BYMONTHDAY=0'], /BYMONTHDAY=0 is out of range/],
    ['a negative month', ['RRULE:FREQ=YEARLY;BYMONTH=-1'], /BYMONTH=-1 is out of range/],
    ['BYSECOND=60 (leap second)', ['RRULE:FREQ=DAILY;BYSECOND=60'], /BYSECOND=60 is out of range/],
    ['a weekday that is none', ['RRULE:FREQ=WEEKLY;BYDAY=MO,XX'], /BYDAY=XX is not a weekday/],
    [
      'a positioned weekday in a weekly rule',
      ['RRULE:FREQ=WEEKLY;BYDAY=2MO'],
      /only works with FREQ=MONTHLY or FREQ=YEARLY/,
    ],
    ['a sixth Monday of a month', ['RRULE:FREQ=MONTHLY;BYDAY=6MO'], /at most 5 of each weekday/],
    [
      'BYMONTHDAY in a weekly rule',
      ['RRULE:FREQ=WEEKLY;BYMONTHDAY=3'],
      /BYMONTHDAY cannot be used with FREQ=WEEKLY/,
    ],
    [
      'BYYEARDAY in a monthly rule',
      ['RRULE:FREQ=MONTHLY;BYYEARDAY=3'],
      /BYYEARDAY cannot be used with FREQ=MONTHLY/,
    ],
    [
      'BYWEEKNO outside yearly rules',
      ['RRULE:FREQ=MONTHLY;BYWEEKNO=3'],
      /BYWEEKNO only works with FREQ=YEARLY/,
    ],
    [
      'BYSETPOS without anything to pick from',
      ['RRULE:FREQ=MONTHLY;BYSETPOS=-1'],
      /BYSETPOS picks from what the other BY parts select/,
    ],
    [
      'BYYEARDAY with BYDAY (the library would ignore BYDAY)',
      ['RRULE:FREQ=YEARLY;BYYEARDAY=100;BYDAY=MO'],
      /BYYEARDAY cannot be combined/,
    ],
    [
      'BYWEEKNO with BYMONTHDAY (the library would ignore it)',
      ['RRULE:FREQ=YEARLY;BYWEEKNO=6;BYMONTHDAY=10'],
      /BYWEEKNO cannot be combined/,
    ],
    [
      'more than 24 starts a day',
      ['RRULE:FREQ=DAILY;BYHOUR=9,10,11;BYMINUTE=0,10,20,30,40,50,55,59,58'],
      /starts the meeting 27 times a day/,
    ],
    ['an hourly rule with several minutes', ['RRULE:FREQ=HOURLY;BYMINUTE=0,30'], /48 times a day/],
    ['RSCALE', ['RRULE:RSCALE=HEBREW;FREQ=YEARLY'], /RSCALE.*not supported/],
    [
      'an UNTIL before the start',
      ['RRULE:FREQ=DAILY;UNTIL=20260315T080000Z'],
      /UNTIL 20260315T080000Z is before the series starts/,
    ],
    [
      'a floating UNTIL on a timed series',
      ['RRULE:FREQ=DAILY;UNTIL=20260401T000000'],
      /UNTIL must be in UTC \(ending in Z/,
    ],
    ['an UNTIL that is no date', ['RRULE:FREQ=DAILY;UNTIL=2026-04-01'], /UNTIL: 2026-04-01 is not a date/],
    [
      'an UNTIL on 30 February',
      ['RRULE:FREQ=DAILY;UNTIL=20260230T000000Z'],
      /20260230T000000Z is not a real calendar date/,
    ],
    ['an RDATE on 31 April', ['RDATE:20260431T080000Z'], /20260431T080000Z is not a real calendar date/],
    ['an RDATE at 25 o’clock', ['RDATE:20260401T250000Z'], /time of day that does not exist/],
    [
      'an RDATE with an unknown TZID',
      ['RDATE;TZID=Mars/Base:20260401T090000'],
      /TZID=Mars\/Base is not a time zone name/,
    ],
    [
      'an RDATE with TZID and Z',
      ['RDATE;TZID=Europe/Berlin:20260401T090000Z'],
      /cannot be combined with TZID/,
    ],
    [
      'an RDATE before the start',
      ['RRULE:FREQ=DAILY', 'RDATE:20260301T080000Z'],
      /RDATE 20260301T080000Z is before the series starts/,
    ],
    ['RDATE periods', ['RDATE;VALUE=PERIOD:20260401T090000Z/PT1H'], /periods are not supported/],
    ['a date RDATE on a timed series', ['RDATE;VALUE=DATE:20260401'], /takes date-times/],
    [
      'a date-time EXDATE on an all-day series',
      ['RRULE:FREQ=DAILY', 'EXDATE:20260320T000000Z'],
      /all-day, so EXDATE takes dates/,
      allDay,
    ],
    ['an unknown parameter', ['EXDATE;X-FOO=1:20260320T080000Z'], /does not take the parameter X-FOO/],
    ['EXDATE with nothing to remove from', ['EXDATE:20260320T080000Z'], /no RRULE or RDATE/],
  ])('%s', (_, lines, message, start = timed) => {
    expect(
      problemsOf(lines, start)
        .map((problem) => problem.message)
        .join('\n'),
    ).toMatch(message);
  });

  it('more than four lines, pointing at the fifth', () => {
    const problems = problemsOf([
      'RRULE:FREQ=DAILY',
      'RDATE:20260401T080000Z',
      'RDATE:20260402T080000Z',
      'RDATE:20260403T080000Z',
      'RDATE:20260404T080000Z',
    ]);
    expect(problems).toEqual([{ line: 4, message: 'At most 4 recurrence lines are allowed, not 5.' }]);
  });

  it('hourly steps and times of day on an all-day series', () => {
    for (const rule of ['RRULE:FREQ=HOURLY', 'RRULE:FREQ=DAILY;BYHOUR=9']) {
      expect(problemsOf([rule], allDay)[0]?.message).toMatch(/An all-day series repeats by days/);
    }
  });

  it('an unknown event time zone, on line -1', () => {
    expect(problemsOf(['RRULE:FREQ=DAILY'], { ...timed, timeZone: 'Berlin' })).toEqual([
      { line: -1, message: 'Berlin is not a time zone name of the IANA database (such as Europe/Berlin).' },
    ]);
  });

  it('every problem at once, each with its 0-based line', () => {
    const problems = problemsOf(['RRULE:FREQ=MINUTELY;COUNT=0', 'EXRULE:FREQ=DAILY', 'RDATE:nonsense']);
    expect(problems.map((problem) => problem.line)).toEqual([0, 0, 1, 2]);
  });
});
