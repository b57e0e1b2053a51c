import { Temporal } from 'temporal-polyfill';

/**
 * One RDATE, EXDATE or UNTIL value as written, before it is placed on the time line. The three
 * kinds are the iCalendar forms (RFC 5545 3.3.4 and 3.3.5): a DATE, a DATE-TIME in UTC (`Z`), and
 * a local DATE-TIME that is either tied to a TZID or floating (then read in the event's zone).
 */
export type IcalDate =
  | { readonly kind: 'date'; readonly date: Temporal.PlainDate }
  | { readonly kind: 'utc'; readonly dateTime: Temporal.PlainDateTime }
  | {
      readonly kind: 'local';
      readonly dateTime: Temporal.PlainDateTime;
      readonly timeZone: string | undefined;
    };

const DATE = /^(\d{4})(\d{2})(\d{2})$/;
const DATE_TIME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/;

/** Reads `20240705` or `20240705T170242[Z]`; returns a sentence when the text is not a real date. */
export function parseIcalDate(text: string, timeZone?: string): IcalDate | string {
  const dateOnly = DATE.exec(text);
  if (dateOnly) {
    const date = plainDate(dateOnly);
    return date ? { kind: 'date', date } : `${text} is not a real calendar date.`;
  }
  const full = DATE_TIME.exec(text);
  if (!full) {
    return `${text} is not a date (YYYYMMDD) or a date-time (YYYYMMDDTHHMMSS, optionally ending in Z).`;
  }
  const date = plainDate(full);
  if (!date) return `${text} is not a real calendar date.`;
  const [hour, minute, second] = [full[4], full[5], full[6]].map(Number) as [number, number, number];
  // Leap seconds (60) are legal iCalendar but no time zone database can place them.
  if (hour > 23 || minute > 59 || second > 59) return `${text} has a time of day that does not exist.`;
  const dateTime = date.toPlainDateTime({ hour, minute, second });
  if (full[7] === 'Z') {
    if (timeZone !== undefined) return `${text} ends in Z (UTC), which cannot be combined with TZID.`;
    return { kind: 'utc', dateTime };
  }
  return { kind: 'local', dateTime, timeZone };
}

function plainDate(match: RegExpExecArray): Temporal.PlainDate | undefined {
  const [year, month, day] = [match[1], match[2], match[3]].map(Number) as [number, number, number];
  if (year < 1) return undefined;
  try {
    return Temporal.PlainDate.from({ year, month, day }, { overflow: 'reject' });
  } catch {
    return undefined;
  }
}

/** The basic iCalendar text of a value, as it goes back into a stored line. */
export function formatIcalDate(value: IcalDate): string {
  switch (value.kind) {
    case 'date':
      return basicDate(value.date);
    case 'utc':
      return `${basicDateTime(value.dateTime)}Z`;
    case 'local':
      return basicDateTime(value.dateTime);
  }
}

function basicDate(date: Temporal.PlainDate): string {
  return date.toString().replaceAll('-', '');
}

function basicDateTime(dateTime: Temporal.PlainDateTime): string {
  return dateTime.toString({ smallestUnit: 'second' }).replaceAll('-', '').replaceAll(':', '');
}

/**
 * Where a value lies on the time line. A DATE means the start of that day in the event's zone; a
 * local time that falls into a DST gap moves forward by the gap and an ambiguous one takes the
 * earlier offset, exactly as RFC 5545 3.3.5 reads an explicit DATE-TIME (`compatible`).
 */
export function icalDateToEpochMs(value: IcalDate, eventTimeZone: string): number {
  switch (value.kind) {
    case 'date':
      return value.date.toZonedDateTime(eventTimeZone).epochMilliseconds;
    case 'utc':
      return value.dateTime.toZonedDateTime('UTC').epochMilliseconds;
    case 'local':
      return value.dateTime.toZonedDateTime(value.timeZone ?? eventTimeZone, {
        disambiguation: 'compatible',
      }).epochMilliseconds;
  }
}
