import { describe, expect, it } from 'vitest';

import { describeRecurrence } from './recurrence-words.js';

const zone = 'Europe/Berlin';
const both = (rule: string) => [
  describeRecurrence([`RRULE:${rule}`], 'en', zone),
  describeRecurrence([`RRULE:${rule}`], 'de', zone),
];

describe('a meeting series in words', () => {
  it('describes the rules calendars offer in English and German', () => {
    expect(both('FREQ=WEEKLY;BYDAY=MO;COUNT=10')).toEqual(['every Monday, 10 times', 'jeden Montag, 10-mal']);
    expect(both('FREQ=WEEKLY;COUNT=6')).toEqual(['every week, 6 times', 'jede Woche, 6-mal']);
    expect(both('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE')).toEqual([
      'every 2 weeks on Monday and Wednesday',
      'alle 2 Wochen am Montag und Mittwoch',
    ]);
    expect(both('FREQ=DAILY')).toEqual(['every day', 'jeden Tag']);
    expect(both('FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR')).toEqual([
      'every Monday, Tuesday, Wednesday, Thursday and Friday',
      'jeden Montag, Dienstag, Mittwoch, Donnerstag und Freitag',
    ]);
    expect(both('FREQ=MONTHLY;BYDAY=1TU')).toEqual([
      'every month on the first Tuesday',
      'jeden Monat am ersten Dienstag',
    ]);
    expect(both('FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1')).toEqual([
      'every month on the last Friday',
      'jeden Monat am letzten Freitag',
    ]);
    expect(both('FREQ=MONTHLY;BYMONTHDAY=10')).toEqual(['every month on day 10', 'jeden Monat am 10.']);
    expect(both('FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=10')).toEqual([
      'every year on 10 March',
      'jedes Jahr am 10. März',
    ]);
    expect(both('FREQ=DAILY;INTERVAL=3;UNTIL=20310401T000000Z')).toEqual([
      'every 3 days, until 1 April 2031',
      'alle 3 Tage, bis 1. April 2031',
    ]);
  });

  it('never shows a raw rule: anything rarer is a custom rule', () => {
    for (const lines of [
      ['RRULE:FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO'],
      ['RRULE:FREQ=DAILY;BYHOUR=9,15'],
      ['RDATE:20310401T080000Z'],
      ['RRULE:garbage'],
    ]) {
      const en = describeRecurrence(lines, 'en', zone);
      const de = describeRecurrence(lines, 'de', zone);
      expect(en).toBe('repeats by a custom rule (see the calendar entry)');
      expect(de).toBe('wiederholt sich nach einer eigenen Regel (siehe Kalendereintrag)');
    }
  });
});
