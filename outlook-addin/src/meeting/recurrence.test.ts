import { describe, expect, it } from 'vitest';

import type { OfficeRecurrence } from './office-item.js';
import { rruleOf, UnsupportedRecurrenceError } from './recurrence.js';

function series(partial: Partial<OfficeRecurrence>, end: string | null = null): OfficeRecurrence {
  return {
    recurrenceType: 'daily',
    seriesTime: { getStartDate: () => '2027-03-01', getEndDate: () => end },
    ...partial,
  };
}

describe("Outlook's recurrence as an RRULE", () => {
  it('maps each pattern kind', () => {
    expect(rruleOf(null)).toEqual([]);
    expect(rruleOf(series({}))).toEqual(['RRULE:FREQ=DAILY']);
    expect(rruleOf(series({ recurrenceType: 'weekday' }))).toEqual([
      'RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
    ]);
    expect(
      rruleOf(
        series(
          { recurrenceType: 'weekly', recurrenceProperties: { interval: 2, days: ['mon', 'wed'] } },
          '2027-06-30',
        ),
      ),
    ).toEqual(['RRULE:FREQ=WEEKLY;BYDAY=MO,WE;INTERVAL=2;UNTIL=20270630T235959Z']);
    expect(rruleOf(series({ recurrenceType: 'monthly', recurrenceProperties: { dayOfMonth: 15 } }))).toEqual([
      'RRULE:FREQ=MONTHLY;BYMONTHDAY=15',
    ]);
    expect(
      rruleOf(
        series({ recurrenceType: 'monthly', recurrenceProperties: { dayOfWeek: 'tue', weekNumber: 'last' } }),
      ),
    ).toEqual(['RRULE:FREQ=MONTHLY;BYDAY=-1TU']);
    expect(
      rruleOf(series({ recurrenceType: 'yearly', recurrenceProperties: { month: 'March', dayOfMonth: 1 } })),
    ).toEqual(['RRULE:FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1']);
    expect(rruleOf(series({ numberOfOccurrences: 6 }))).toEqual(['RRULE:FREQ=DAILY;COUNT=6']);
  });

  it('refuses what it cannot express instead of guessing', () => {
    expect(() => rruleOf(series({ recurrenceType: 'yearly', recurrenceProperties: {} }))).toThrow(
      UnsupportedRecurrenceError,
    );
    expect(() => rruleOf(series({ recurrenceProperties: { interval: 0 } }))).toThrow(
      UnsupportedRecurrenceError,
    );
    expect(() => rruleOf(series({}, 'next tuesday'))).toThrow(UnsupportedRecurrenceError);
  });
});
