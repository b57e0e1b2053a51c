import { Temporal } from 'temporal-polyfill';
import { formatIcalDate, icalDateToEpochMs, parseIcalDate } from './ical-date.js';
import type { IcalDate } from './ical-date.js';
import { formatRule, maxCount, parseRule } from './rrule-parts.js';
import type { RecurrenceRule } from './rrule-parts.js';
import { isValidTimeZone } from './time-zone.js';
import type { NormalizedRecurrence, RecurrenceProblem, RecurrenceValidation, SeriesStart } from './types.js';

/** OpenTalk's limit for `recurrence_pattern`; clients never need more than RRULE + RDATE + EXDATE. */
export const maxRecurrenceLines = 4;

/** What the expander needs from the lines; `validateRecurrence` is the public face of it. */
export interface ParsedRecurrence {
  readonly rule: RecurrenceRule | undefined;
  readonly rdates: readonly IcalDate[];
  readonly exdates: readonly IcalDate[];
  readonly normalized: NormalizedRecurrence;
}

/**
 * Checks recurrence lines against the event they belong to and returns them in canonical form.
 * `line` in a problem is the 0-based index into `lines`; -1 means the event's own start or zone.
 */
export function validateRecurrence(lines: readonly string[], start: SeriesStart): RecurrenceValidation {
  const parsed = parseRecurrence(lines, start);
  return parsed.ok ? { ok: true, recurrence: parsed.recurrence.normalized } : parsed;
}

export function parseRecurrence(
  lines: readonly string[],
  start: SeriesStart,
): { ok: true; recurrence: ParsedRecurrence } | { ok: false; problems: RecurrenceProblem[] } {
  const problems: RecurrenceProblem[] = [];
  const report = (line: number, message: string): void => {
    problems.push({ line, message });
  };
  if (Number.isNaN(start.startsAt.getTime())) report(-1, 'The event has no valid start.');
  if (!isValidTimeZone(start.timeZone)) {
    report(-1, `${start.timeZone} is not a time zone name of the IANA database (such as Europe/Berlin).`);
  }
  if (problems.length > 0) return { ok: false, problems };

  if (lines.length > maxRecurrenceLines) {
    report(
      maxRecurrenceLines,
      `At most ${maxRecurrenceLines} recurrence lines are allowed, not ${lines.length}.`,
    );
  }
  const exactMs = Math.floor(start.startsAt.getTime() / 1000) * 1000;
  const startDate = Temporal.Instant.fromEpochMilliseconds(exactMs)
    .toZonedDateTimeISO(start.timeZone)
    .toPlainDate();
  // An all-day series starts at the beginning of its first day, whatever time startsAt carries.
  const startMs = start.isAllDay ? startDate.toZonedDateTime(start.timeZone).epochMilliseconds : exactMs;
  let rule: RecurrenceRule | undefined;
  const rdates: IcalDate[] = [];
  const exdates: IcalDate[] = [];
  const normalized: string[] = [];

  lines.forEach((raw, index) => {
    const line = parseContentLine(raw.trim());
    if (typeof line === 'string') return report(index, line);
    const { name, params, value } = line;
    switch (name) {
      case 'RRULE': {
        if (params.length > 0) return report(index, 'RRULE takes no parameters.');
        if (rule) {
          return report(
            index,
            'Only one RRULE is allowed; put all weekdays in one rule or add single dates with RDATE.',
          );
        }
        const parsed = parseRule(value);
        if ('problems' in parsed) return parsed.problems.forEach((message) => report(index, message));
        const ruleProblems = ruleAgainstStart(parsed.rule, start, startMs, startDate);
        if (ruleProblems.length > 0) return ruleProblems.forEach((message) => report(index, message));
        rule = parsed.rule;
        normalized.push(formatRule(parsed.rule));
        return;
      }
      case 'RDATE':
      case 'EXDATE': {
        const dates = parseDateList(name, params, value, start);
        if (typeof dates === 'string') return report(index, dates);
        if (name === 'RDATE') {
          const early = dates.find((date) => icalDateToEpochMs(date, start.timeZone) < startMs);
          if (early) {
            return report(
              index,
              `RDATE ${formatIcalDate(early)} is before the series starts; move the start instead.`,
            );
          }
        }
        (name === 'RDATE' ? rdates : exdates).push(...dates);
        normalized.push(formatDateLine(name, dates));
        return;
      }
      case 'EXRULE':
        return report(
          index,
          'EXRULE is deprecated (RFC 5545) and not supported; list the dates to skip with EXDATE.',
        );
      case 'DTSTART':
      case 'DTEND':
      case 'DURATION':
        return report(
          index,
          `${name} is not allowed here; the series takes its start and length from the event.`,
        );
      default:
        return report(index, `${name} is not a recurrence property; use RRULE, RDATE or EXDATE.`);
    }
  });

  for (const [name, dates] of [
    ['RDATE', rdates],
    ['EXDATE', exdates],
  ] as const) {
    if (dates.length > maxCount) {
      report(-1, `At most ${maxCount} ${name} dates are allowed, not ${dates.length}.`);
    }
  }
  if (exdates.length > 0 && !rule && rdates.length === 0 && problems.length === 0) {
    report(lines.length - 1, 'EXDATE removes occurrences, but there is no RRULE or RDATE that makes any.');
  }
  if (problems.length > 0) return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };
  const finalRule = rule;
  return {
    ok: true,
    recurrence: {
      rule: finalRule,
      rdates,
      exdates,
      normalized: {
        lines: normalized,
        isFinite: !finalRule || finalRule.count !== undefined || finalRule.until !== undefined,
      },
    },
  };
}

interface ContentLine {
  readonly name: string;
  readonly params: readonly { readonly name: string; readonly value: string }[];
  readonly value: string;
}

function parseContentLine(text: string): ContentLine | string {
  if (text === '') return 'The line is empty.';
  const colon = text.indexOf(':');
  if (colon < 0) return `"${text.slice(0, 40)}" has no colon; write it like RRULE:FREQ=WEEKLY.`;
  const [name = '', ...rawParams] = text.slice(0, colon).split(';');
  const params: { name: string; value: string }[] = [];
  for (const raw of rawParams) {
    const eq = raw.indexOf('=');
    if (eq <= 0) return `The parameter "${raw}" has no value.`;
    params.push({ name: raw.slice(0, eq).toUpperCase(), value: raw.slice(eq + 1).replace(/^"(.*)"$/, '$1') });
  }
  const value = text.slice(colon + 1).trim();
  if (value === '') return `${name.toUpperCase()} has no value after the colon.`;
  return { name: name.toUpperCase(), params, value };
}

function parseDateList(
  name: 'RDATE' | 'EXDATE',
  params: ContentLine['params'],
  value: string,
  start: SeriesStart,
): IcalDate[] | string {
  let timeZone: string | undefined;
  let valueType: string | undefined;
  for (const param of params) {
    if (param.name === 'TZID') {
      if (!isValidTimeZone(param.value))
        return `TZID=${param.value} is not a time zone name of the IANA database.`;
      timeZone = param.value;
    } else if (param.name === 'VALUE') {
      valueType = param.value.toUpperCase();
      if (valueType === 'PERIOD') return `${name} periods are not supported; list start dates or date-times.`;
      if (valueType !== 'DATE' && valueType !== 'DATE-TIME')
        return `VALUE=${param.value} is not DATE or DATE-TIME.`;
    } else {
      return `${name} does not take the parameter ${param.name}; only TZID and VALUE.`;
    }
  }
  if (valueType === 'DATE' && timeZone !== undefined) return 'TZID does not apply to dates (VALUE=DATE).';
  const dates: IcalDate[] = [];
  for (const item of value.split(',')) {
    const date = parseIcalDate(item.trim().toUpperCase(), timeZone);
    if (typeof date === 'string') return `${name}: ${date}`;
    if (valueType === 'DATE' && date.kind !== 'date')
      return `${name}: ${item} is not a date, but VALUE=DATE says so.`;
    if (valueType === 'DATE-TIME' && date.kind === 'date')
      return `${name}: ${item} is a date, not a date-time.`;
    if (start.isAllDay && date.kind !== 'date') {
      return `The event is all-day, so ${name} takes dates, e.g. ${name};VALUE=DATE:20240705.`;
    }
    if (!start.isAllDay && date.kind === 'date') {
      return `The event has a time of day, so ${name} takes date-times, e.g. ${name};TZID=${start.timeZone}:20240705T090000.`;
    }
    dates.push(date);
  }
  return dates;
}

function formatDateLine(name: string, dates: readonly IcalDate[]): string {
  const first = dates[0];
  const params =
    first?.kind === 'date'
      ? ';VALUE=DATE'
      : first?.kind === 'local' && first.timeZone
        ? `;TZID=${first.timeZone}`
        : '';
  return `${name}${params}:${dates.map(formatIcalDate).join(',')}`;
}

/** Checks that need the event: all-day limits, the form of UNTIL (RFC 5545 3.3.10), its position. */
function ruleAgainstStart(
  rule: RecurrenceRule,
  start: SeriesStart,
  startMs: number,
  startDate: Temporal.PlainDate,
): string[] {
  const problems: string[] = [];
  if (start.isAllDay && (rule.freq === 'HOURLY' || rule.byHour || rule.byMinute || rule.bySecond)) {
    problems.push(
      'An all-day series repeats by days; FREQ=HOURLY, BYHOUR, BYMINUTE and BYSECOND do not apply.',
    );
  }
  const until = rule.until;
  if (!until) return problems;
  if (until.kind === 'local') {
    problems.push(
      `UNTIL must be in UTC (ending in Z, e.g. ${formatIcalDate(until)}Z) or a date, because the event has a time zone.`,
    );
    return problems;
  }
  const before =
    until.kind === 'date'
      ? Temporal.PlainDate.compare(until.date, startDate) < 0
      : icalDateToEpochMs(until, start.timeZone) < startMs;
  if (before)
    problems.push(`UNTIL ${formatIcalDate(until)} is before the series starts, so it would never happen.`);
  return problems;
}
