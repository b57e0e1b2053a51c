import { describe, expect, it } from 'vitest';

import { fromRrule, noRecurrence, toRrule, type Recurrence } from './recurrence.js';

describe('recurrence editor model', () => {
  it('writes no pattern for a single meeting and reads none back as one', () => {
    expect(toRrule(noRecurrence)).toEqual([]);
    expect(fromRrule([])).toEqual(noRecurrence);
  });

  it('writes the rules it offers and reads them back unchanged', () => {
    const rules: Recurrence[] = [
      { frequency: 'daily', interval: 1, weekdays: [], end: { kind: 'never' } },
      { frequency: 'weekly', interval: 2, weekdays: ['MO', 'WE'], end: { kind: 'count', count: 6 } },
      { frequency: 'monthly', interval: 1, weekdays: [], end: { kind: 'until', until: '2027-03-31' } },
      { frequency: 'yearly', interval: 3, weekdays: [], end: { kind: 'never' } },
    ];
    for (const rule of rules) expect(fromRrule(toRrule(rule))).toEqual(rule);
    expect(toRrule(rules[1]!)).toEqual(['RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=6']);
    expect(toRrule(rules[2]!)).toEqual(['RRULE:FREQ=MONTHLY;UNTIL=20270331T235959Z']);
  });

  it('orders weekdays Monday first whatever order they were picked in', () => {
    const rule: Recurrence = {
      frequency: 'weekly',
      interval: 1,
      weekdays: ['FR', 'MO'],
      end: { kind: 'never' },
    };
    expect(toRrule(rule)).toEqual(['RRULE:FREQ=WEEKLY;BYDAY=MO,FR']);
  });

  it('leaves patterns it cannot show to the form to keep as they are', () => {
    expect(fromRrule(['RRULE:FREQ=MONTHLY;BYMONTHDAY=15'])).toBeUndefined();
    expect(fromRrule(['RRULE:FREQ=WEEKLY', 'EXDATE:20270101T090000Z'])).toBeUndefined();
    expect(fromRrule(['RRULE:FREQ=HOURLY'])).toBeUndefined();
  });
});
