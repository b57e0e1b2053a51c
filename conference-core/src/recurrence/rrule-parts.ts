import { formatIcalDate, parseIcalDate } from './ical-date.js';
import type { IcalDate } from './ical-date.js';

/** Meeting series repeat at most hourly; SECONDLY and MINUTELY are refused (see README). */
export const frequencies = ['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY'] as const;
export type Frequency = (typeof frequencies)[number];

const weekdays = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof weekdays)[number];

/** Highest COUNT accepted: a series of more occurrences should be open-ended or use UNTIL. */
export const maxCount = 1000;
/** Highest INTERVAL accepted; beyond it rules only reach dates no calendar shows. */
export const maxInterval = 1000;
/** More start times per day than this is not a meeting series (see README). */
export const maxStartsPerDay = 24;

/** A parsed RRULE. Lists are absent rather than empty, like the rule parts themselves. */
export interface RecurrenceRule {
  readonly freq: Frequency;
  readonly interval: number;
  readonly count?: number;
  readonly until?: IcalDate;
  readonly bySecond?: readonly number[];
  readonly byMinute?: readonly number[];
  readonly byHour?: readonly number[];
  readonly byDay?: readonly string[];
  readonly byMonthDay?: readonly number[];
  readonly byYearDay?: readonly number[];
  readonly byWeekNo?: readonly number[];
  readonly byMonth?: readonly number[];
  readonly bySetPos?: readonly number[];
  readonly wkst?: Weekday;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

// Ranges of RFC 5545 3.3.10, except BYSECOND=60: a leap second has no place on the time line.
const numericParts = {
  BYSECOND: { key: 'bySecond', min: 0, max: 59, signed: false, what: 'seconds' },
  BYMINUTE: { key: 'byMinute', min: 0, max: 59, signed: false, what: 'minutes' },
  BYHOUR: { key: 'byHour', min: 0, max: 23, signed: false, what: 'hours' },
  BYMONTHDAY: { key: 'byMonthDay', min: 1, max: 31, signed: true, what: 'days of the month' },
  BYYEARDAY: { key: 'byYearDay', min: 1, max: 366, signed: true, what: 'days of the year' },
  BYWEEKNO: { key: 'byWeekNo', min: 1, max: 53, signed: true, what: 'week numbers' },
  BYMONTH: { key: 'byMonth', min: 1, max: 12, signed: false, what: 'months' },
  BYSETPOS: { key: 'bySetPos', min: 1, max: 366, signed: true, what: 'positions' },
} as const;
type NumericPart = keyof typeof numericParts;

const BYDAY_ITEM = /^([+-]?)(\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/;

/** Parses the value after `RRULE:`; every problem found is reported, not just the first. */
export function parseRule(value: string): { rule: RecurrenceRule } | { problems: string[] } {
  const problems: string[] = [];
  const seen = new Set<string>();
  const rule: Partial<Mutable<RecurrenceRule>> = {};
  for (const part of value.toUpperCase().split(';')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const text = eq < 0 ? '' : part.slice(eq + 1);
    if (name === '') {
      problems.push('The rule has an empty part (two semicolons in a row or one at the end).');
      continue;
    }
    if (seen.has(name)) {
      problems.push(`${name} appears more than once.`);
      continue;
    }
    seen.add(name);
    if (text === '') {
      problems.push(`${name} has no value.`);
      continue;
    }
    const problem = readPart(rule, name, text);
    if (problem) problems.push(problem);
  }
  if (rule.freq === undefined && !problems.some((p) => p.startsWith('FREQ'))) {
    problems.push('FREQ is missing: say how often the meeting repeats, e.g. RRULE:FREQ=WEEKLY.');
  }
  if (problems.length > 0 || rule.freq === undefined) return { problems };
  const complete: RecurrenceRule = { ...rule, freq: rule.freq, interval: rule.interval ?? 1 };
  const combined = combinationProblems(complete);
  return combined.length > 0 ? { problems: combined } : { rule: complete };
}

function readPart(rule: Partial<Mutable<RecurrenceRule>>, name: string, text: string): string | undefined {
  switch (name) {
    case 'FREQ':
      if (text === 'SECONDLY' || text === 'MINUTELY') {
        return `FREQ=${text} repeats too often for a meeting series; the shortest step is HOURLY.`;
      }
      if (!(frequencies as readonly string[]).includes(text)) {
        return `FREQ=${text} is not a frequency; use DAILY, WEEKLY, MONTHLY, YEARLY or HOURLY.`;
      }
      rule.freq = text as Frequency;
      return undefined;
    case 'INTERVAL': {
      const n = wholeNumber(text);
      if (n === undefined || n < 1) return `INTERVAL must be a whole number of at least 1, not ${text}.`;
      if (n > maxInterval) return `INTERVAL may be at most ${maxInterval}, not ${text}.`;
      rule.interval = n;
      return undefined;
    }
    case 'COUNT': {
      const n = wholeNumber(text);
      if (n === undefined || n < 1) return `COUNT must be a whole number of at least 1, not ${text}.`;
      if (n > maxCount) {
        return `COUNT may be at most ${maxCount}, not ${text}; leave it out for a series without end.`;
      }
      rule.count = n;
      return undefined;
    }
    case 'UNTIL': {
      const until = parseIcalDate(text);
      if (typeof until === 'string') return `UNTIL: ${until}`;
      rule.until = until;
      return undefined;
    }
    case 'BYDAY': {
      const items = text.split(',');
      const bad = items.filter((item) => !isByDayItem(item));
      if (bad.length > 0) {
        return `BYDAY=${bad.join(',')} is not a weekday; use MO, TU, WE, TH, FR, SA or SU, optionally with a position such as 2MO or -1FR.`;
      }
      rule.byDay = items;
      return undefined;
    }
    case 'WKST':
      if (!(weekdays as readonly string[]).includes(text)) return `WKST=${text} is not a weekday.`;
      rule.wkst = text as Weekday;
      return undefined;
    case 'EXDATE':
    case 'RDATE':
      return `${name} is a property of its own, not a part of RRULE; put it on a separate line.`;
    case 'RSCALE':
    case 'SKIP':
      return `${name} (non-Gregorian calendars, RFC 7529) is not supported.`;
    default:
      if (name in numericParts) return readNumbers(rule, name as NumericPart, text);
      return `${name} is not a part of a recurrence rule.`;
  }
}

function readNumbers(
  rule: Partial<Mutable<RecurrenceRule>>,
  name: NumericPart,
  text: string,
): string | undefined {
  const spec = numericParts[name];
  const values: number[] = [];
  for (const item of text.split(',')) {
    const n = /^[+-]?\d{1,3}$/.test(item) ? Number(item) : Number.NaN;
    const size = Math.abs(n);
    const negativeAllowed = spec.signed || n >= 0;
    if (
      Number.isNaN(n) ||
      !negativeAllowed ||
      size < spec.min ||
      size > spec.max ||
      (spec.signed && n === 0)
    ) {
      const range = spec.signed
        ? `${spec.min} to ${spec.max} or -${spec.max} to -${spec.min}`
        : `${spec.min} to ${spec.max}`;
      return `${name}=${item} is out of range; ${spec.what} go from ${range}.`;
    }
    values.push(n);
  }
  rule[spec.key] = values;
  return undefined;
}

function isByDayItem(item: string): boolean {
  const match = BYDAY_ITEM.exec(item);
  if (!match) return false;
  const ordinal = match[2] === undefined ? undefined : Number(match[2]);
  // A sign without a number ("-MO") is not valid, nor is position 0.
  if (ordinal === undefined) return match[1] === '';
  return ordinal >= 1 && ordinal <= 53;
}

function wholeNumber(text: string): number | undefined {
  return /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}

/** Parts that are each fine but contradict each other or the frequency (RFC 5545 3.3.10 table). */
function combinationProblems(rule: RecurrenceRule): string[] {
  const problems: string[] = [];
  const { freq } = rule;
  if (rule.count !== undefined && rule.until !== undefined) {
    problems.push('COUNT and UNTIL cannot be combined; end the series with one of them.');
  }
  const positioned = (rule.byDay ?? []).filter((item) => /\d/.test(item));
  if (positioned.length > 0) {
    if (freq !== 'MONTHLY' && freq !== 'YEARLY') {
      problems.push(
        `BYDAY=${positioned.join(',')} picks the n-th weekday, which only works with FREQ=MONTHLY or FREQ=YEARLY.`,
      );
    } else if (freq === 'YEARLY' && rule.byWeekNo) {
      problems.push('BYDAY with a position (such as 2MO) cannot be combined with BYWEEKNO.');
    } else if (freq === 'MONTHLY' && positioned.some((item) => Number(/\d+/.exec(item)?.[0]) > 5)) {
      problems.push(
        'A month has at most 5 of each weekday, so BYDAY positions go from 1 to 5 (or -1 to -5).',
      );
    }
  }
  if (rule.byMonthDay && freq === 'WEEKLY') problems.push('BYMONTHDAY cannot be used with FREQ=WEEKLY.');
  if (rule.byYearDay && (freq === 'DAILY' || freq === 'WEEKLY' || freq === 'MONTHLY')) {
    problems.push(`BYYEARDAY cannot be used with FREQ=${freq}.`);
  }
  if (rule.byWeekNo && freq !== 'YEARLY') problems.push('BYWEEKNO only works with FREQ=YEARLY.');
  // rrule-temporal 2.2 ignores these parts next to BYYEARDAY or BYWEEKNO instead of intersecting
  // them (README, "Library quirks"); refusing is better than expanding the wrong dates.
  if (rule.byYearDay && (rule.byDay || rule.byMonthDay)) {
    problems.push(
      'BYYEARDAY cannot be combined with BYDAY or BYMONTHDAY; use BYMONTH with BYMONTHDAY or BYDAY instead.',
    );
  }
  if (rule.byWeekNo && (rule.byMonthDay || rule.byYearDay)) {
    problems.push('BYWEEKNO cannot be combined with BYMONTHDAY or BYYEARDAY.');
  }
  const hasSelector = [
    rule.bySecond,
    rule.byMinute,
    rule.byHour,
    rule.byDay,
    rule.byMonthDay,
    rule.byYearDay,
    rule.byWeekNo,
    rule.byMonth,
  ].some((list) => list !== undefined);
  if (rule.bySetPos && !hasSelector) {
    problems.push(
      'BYSETPOS picks from what the other BY parts select, so it needs at least one of them (e.g. BYDAY).',
    );
  }
  const hours = rule.byHour?.length ?? (freq === 'HOURLY' ? 24 : 1);
  const startsPerDay = hours * (rule.byMinute?.length ?? 1) * (rule.bySecond?.length ?? 1);
  if (startsPerDay > maxStartsPerDay) {
    problems.push(
      `The rule starts the meeting ${startsPerDay} times a day; at most ${maxStartsPerDay} starts a day are allowed.`,
    );
  }
  return problems;
}

/** The rule as one canonical line, parts in a fixed order, so equal rules are stored equally. */
export function formatRule(rule: RecurrenceRule): string {
  const parts = [`FREQ=${rule.freq}`];
  if (rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.count !== undefined) parts.push(`COUNT=${rule.count}`);
  if (rule.until !== undefined) parts.push(`UNTIL=${formatIcalDate(rule.until)}`);
  const lists: [string, readonly (number | string)[] | undefined][] = [
    ['BYMONTH', rule.byMonth],
    ['BYWEEKNO', rule.byWeekNo],
    ['BYYEARDAY', rule.byYearDay],
    ['BYMONTHDAY', rule.byMonthDay],
    ['BYDAY', rule.byDay],
    ['BYHOUR', rule.byHour],
    ['BYMINUTE', rule.byMinute],
    ['BYSECOND', rule.bySecond],
    ['BYSETPOS', rule.bySetPos],
  ];
  for (const [name, list] of lists) if (list) parts.push(`${name}=${list.join(',')}`);
  if (rule.wkst) parts.push(`WKST=${rule.wkst}`);
  return `RRULE:${parts.join(';')}`;
}
