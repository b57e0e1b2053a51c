import { describe, expect, it } from 'vitest';

import { hasOccurrenceIn } from './occurrence-memo.js';

const weekly = {
  startsAt: new Date('2031-01-06T09:00:00Z'),
  endsAt: new Date('2031-01-06T10:00:00Z'),
  timeZone: 'Europe/Berlin',
  isAllDay: false,
  recurrence: ['RRULE:FREQ=WEEKLY'],
};
const week = { from: new Date('2031-03-03T00:00:00Z'), to: new Date('2031-03-10T00:00:00Z') };
const occurrence = new Date('2031-03-03T09:00:00Z');

describe('hasOccurrenceIn', () => {
  it('answers again from what it remembered, and anew when the exceptions, the rule or the window change', () => {
    expect(hasOccurrenceIn(weekly, [], week)).toBe(true);
    expect(hasOccurrenceIn(weekly, [], week)).toBe(true);
    const cancelled = [{ instanceStart: occurrence, kind: 'cancelled' as const }];
    expect(hasOccurrenceIn(weekly, cancelled, week)).toBe(false);
    const movedOut = [
      {
        instanceStart: occurrence,
        kind: 'modified' as const,
        startsAt: new Date('2031-03-12T09:00:00Z'),
        endsAt: new Date('2031-03-12T10:00:00Z'),
      },
    ];
    expect(hasOccurrenceIn(weekly, movedOut, week)).toBe(false);
    // Every other week from Monday 13 January: 10 March, not 3 March.
    const fortnightly = {
      ...weekly,
      startsAt: new Date('2031-01-13T09:00:00Z'),
      endsAt: new Date('2031-01-13T10:00:00Z'),
      recurrence: ['RRULE:FREQ=WEEKLY;INTERVAL=2'],
    };
    expect(hasOccurrenceIn(fortnightly, [], week)).toBe(false);
    const nextWeek = { from: new Date('2031-03-10T00:00:00Z'), to: new Date('2031-03-17T00:00:00Z') };
    expect(hasOccurrenceIn(fortnightly, [], nextWeek)).toBe(true);
    expect(hasOccurrenceIn(weekly, [], week)).toBe(true);
  });
});
