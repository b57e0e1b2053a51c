import { localDateText, localDateTimeText, localFields } from './local-time.js';
import { singleLine } from './ical-text.js';

export interface RecurrenceLinesOptions {
  /** The zone of the series' wall-clock times; `UTC` writes cancelled occurrences in UTC (`Z`). */
  readonly timeZone: string;
  readonly allDay: boolean;
}

/**
 * The recurrence lines of a series as ical-generator's `repeating` takes them: the stored
 * RRULE/RDATE/EXDATE lines (line breaks stripped from each), plus one EXDATE for every cancelled
 * occurrence, written in the same form as the series' DTSTART (a DATE for all-day series, a
 * local time with TZID for a zoned series, UTC otherwise) as RFC 5545 3.8.5.1 asks.
 */
export function recurrenceLines(
  stored: readonly string[],
  cancelled: readonly Date[],
  options: RecurrenceLinesOptions,
): string {
  const all = stored.map(singleLine).filter((line) => line !== '');
  if (cancelled.length > 0) all.push(exdateLine(cancelled, options));
  return all.join('\n');
}

function exdateLine(cancelled: readonly Date[], { timeZone, allDay }: RecurrenceLinesOptions): string {
  if (allDay) {
    return `EXDATE;VALUE=DATE:${cancelled.map((at) => localDateText(localFields(at, timeZone))).join(',')}`;
  }
  if (timeZone === 'UTC') {
    return `EXDATE:${cancelled.map((at) => `${localDateTimeText(localFields(at, 'UTC'))}Z`).join(',')}`;
  }
  return `EXDATE;TZID=${timeZone}:${cancelled.map((at) => localDateTimeText(localFields(at, timeZone))).join(',')}`;
}
