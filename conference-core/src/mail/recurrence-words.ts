import { icalDateToEpochMs } from '../recurrence/ical-date.js';
import { parseRule, type Frequency, type RecurrenceRule } from '../recurrence/rrule-parts.js';
import type { MailLanguage } from './mail-model.js';

/**
 * A meeting series in words for people ("every Monday, 10 times", "jeden Montag, 10-mal"), never
 * the raw `RRULE:` line. Written here rather than taken from rrule-temporal's `toText`, whose
 * German is not German ("jede/n/s Woche ... für 10 Mal", docs/decisions/0012). Covers the rules
 * calendars offer (daily, weekly on days, monthly on a day or the nth weekday, yearly, with an
 * interval, a count or an end); anything rarer is called a custom rule and left to the attached
 * calendar entry, which carries the exact rule.
 */
export function describeRecurrence(
  lines: readonly string[],
  language: MailLanguage,
  timeZone: string,
): string {
  const words = vocabulary[language];
  const rrule = lines.find((line) => line.toUpperCase().startsWith('RRULE:'));
  if (rrule === undefined) return words.custom;
  const parsed = parseRule(rrule.slice('RRULE:'.length));
  if (!('rule' in parsed) || !isDescribable(parsed.rule)) return words.custom;
  const rule = parsed.rule;
  const pattern = describePattern(rule, words);
  if (pattern === undefined) return words.custom;
  const end =
    rule.count !== undefined
      ? words.times(rule.count)
      : rule.until !== undefined
        ? words.until(
            new Intl.DateTimeFormat(words.locale, { dateStyle: 'long', timeZone }).format(
              icalDateToEpochMs(rule.until, timeZone),
            ),
          )
        : undefined;
  return end === undefined ? pattern : `${pattern}, ${end}`;
}

function isDescribable(rule: RecurrenceRule): boolean {
  return (
    rule.bySecond === undefined &&
    rule.byMinute === undefined &&
    rule.byHour === undefined &&
    rule.byYearDay === undefined &&
    rule.byWeekNo === undefined &&
    (rule.bySetPos === undefined || rule.bySetPos.length === 1)
  );
}

const dayCodes = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

function describePattern(rule: RecurrenceRule, words: Vocabulary): string | undefined {
  const days = (rule.byDay ?? []).map((item) => /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(item));
  if (days.some((d) => d === null)) return undefined;
  const ordinal = days.find((d) => d?.[1] !== undefined)?.[1] ?? rule.bySetPos?.[0]?.toString();
  const dayNames = days.map((d) => words.weekday(dayCodes.indexOf(d?.[2] ?? '')));
  const list = (items: string[]) => new Intl.ListFormat(words.locale, { type: 'conjunction' }).format(items);
  switch (rule.freq) {
    case 'HOURLY':
      return rule.byDay === undefined && rule.byMonthDay === undefined && rule.byMonth === undefined
        ? words.every('HOURLY', rule.interval)
        : undefined;
    case 'DAILY':
    case 'WEEKLY':
      if (rule.byMonthDay !== undefined || rule.byMonth !== undefined || ordinal !== undefined)
        return undefined;
      if (dayNames.length === 0) return words.every(rule.freq, rule.interval);
      return rule.freq === 'WEEKLY' && rule.interval > 1
        ? words.onDays(words.every('WEEKLY', rule.interval), list(dayNames))
        : words.everyDay(list(dayNames));
    case 'MONTHLY':
    case 'YEARLY': {
      const months = (rule.byMonth ?? []).map((m) => words.month(m));
      if (rule.freq === 'MONTHLY' && months.length > 0) return undefined;
      const base = words.every(rule.freq, rule.interval);
      if (dayNames.length > 0 && rule.byMonthDay === undefined) {
        const nth = ordinal === undefined ? undefined : words.ordinal(Number(ordinal));
        if (nth === undefined || dayNames.length !== 1) return undefined;
        return words.nthWeekday(base, nth, dayNames[0] ?? '', months.length > 0 ? list(months) : undefined);
      }
      if (dayNames.length > 0 || (rule.byMonthDay?.length ?? 0) > 1) return undefined;
      const day = rule.byMonthDay?.[0];
      if (day === undefined) return months.length > 0 ? words.inMonths(base, list(months)) : base;
      return words.monthDay(base, day, months.length > 0 ? list(months) : undefined);
    }
  }
}

interface Vocabulary {
  readonly locale: string;
  readonly custom: string;
  every(freq: Frequency, interval: number): string;
  everyDay(days: string): string;
  onDays(every: string, days: string): string;
  nthWeekday(every: string, nth: string, day: string, months: string | undefined): string;
  monthDay(every: string, day: number, months: string | undefined): string;
  inMonths(every: string, months: string): string;
  ordinal(n: number): string | undefined;
  times(count: number): string;
  until(date: string): string;
  weekday(index: number): string;
  month(month: number): string;
}

// 1 January 2024 was a Monday.
const weekdayName = (locale: string) => (index: number) =>
  new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(2024, 0, 1 + index));
const monthName = (locale: string) => (month: number) =>
  new Intl.DateTimeFormat(locale, { month: 'long', timeZone: 'UTC' }).format(Date.UTC(2024, month - 1, 1));

const englishUnits: Record<Frequency, [string, string]> = {
  HOURLY: ['hour', 'hours'],
  DAILY: ['day', 'days'],
  WEEKLY: ['week', 'weeks'],
  MONTHLY: ['month', 'months'],
  YEARLY: ['year', 'years'],
};

const germanUnits: Record<Frequency, [string, string]> = {
  HOURLY: ['jede Stunde', 'Stunden'],
  DAILY: ['jeden Tag', 'Tage'],
  WEEKLY: ['jede Woche', 'Wochen'],
  MONTHLY: ['jeden Monat', 'Monate'],
  YEARLY: ['jedes Jahr', 'Jahre'],
};

const vocabulary: Record<MailLanguage, Vocabulary> = {
  en: {
    locale: 'en-GB',
    custom: 'repeats by a custom rule (see the calendar entry)',
    every: (freq, n) => (n === 1 ? `every ${englishUnits[freq][0]}` : `every ${n} ${englishUnits[freq][1]}`),
    everyDay: (days) => `every ${days}`,
    onDays: (every, days) => `${every} on ${days}`,
    nthWeekday: (every, nth, day, months) => `${every} on the ${nth} ${day}${months ? ` of ${months}` : ''}`,
    monthDay: (every, day, months) =>
      day === -1
        ? `${every} on the last day${months ? ` of ${months}` : ''}`
        : day > 0
          ? `${every} on ${months ? `${day} ${months}` : `day ${day}`}`
          : `${every} on day ${-day} before the end of the month`,
    inMonths: (every, months) => `${every} in ${months}`,
    ordinal: (n) =>
      ({
        1: 'first',
        2: 'second',
        3: 'third',
        4: 'fourth',
        5: 'fifth',
        [-1]: 'last',
        [-2]: 'second to last',
      })[n],
    times: (count) => (count === 1 ? 'once' : `${count} times`),
    until: (date) => `until ${date}`,
    weekday: weekdayName('en-GB'),
    month: monthName('en-GB'),
  },
  de: {
    locale: 'de-DE',
    custom: 'wiederholt sich nach einer eigenen Regel (siehe Kalendereintrag)',
    every: (freq, n) => (n === 1 ? germanUnits[freq][0] : `alle ${n} ${germanUnits[freq][1]}`),
    everyDay: (days) => `jeden ${days}`,
    onDays: (every, days) => `${every} am ${days}`,
    nthWeekday: (every, nth, day, months) => `${every} am ${nth} ${day}${months ? ` im ${months}` : ''}`,
    monthDay: (every, day, months) =>
      day === -1
        ? `${every} am letzten Tag${months ? ` im ${months}` : ''}`
        : day > 0
          ? `${every} am ${day}.${months ? ` ${months}` : ''}`
          : `${every} am ${-day}. Tag vor Monatsende`,
    inMonths: (every, months) => `${every} im ${months}`,
    ordinal: (n) =>
      ({
        1: 'ersten',
        2: 'zweiten',
        3: 'dritten',
        4: 'vierten',
        5: 'fünften',
        [-1]: 'letzten',
        [-2]: 'vorletzten',
      })[n],
    times: (count) => (count === 1 ? 'einmal' : `${count}-mal`),
    until: (date) => `bis ${date}`,
    weekday: weekdayName('de-DE'),
    month: monthName('de-DE'),
  },
};
