import type { DayOfWeek, OfficeRecurrence } from './office-item.js';

const byDay: Record<DayOfWeek, string> = {
  mon: 'MO',
  tue: 'TU',
  wed: 'WE',
  thu: 'TH',
  fri: 'FR',
  sat: 'SA',
  sun: 'SU',
};
const weekNumbers = { first: 1, second: 2, third: 3, fourth: 4, last: -1 } as const;
const months = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** An Outlook series the API cannot express; the add-in says so instead of guessing. */
export class UnsupportedRecurrenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedRecurrenceError';
  }
}

/**
 * Office.js's recurrence as the RRULE the API stores (`recurrence_pattern`). The series' end date
 * is a local date in the series' zone; UNTIL is the end of that day in UTC at the latest, so the
 * last occurrence is always included.
 */
export function rruleOf(recurrence: OfficeRecurrence | null): string[] {
  if (recurrence === null) return [];
  const props = recurrence.recurrenceProperties ?? {};
  const parts: string[] = [];
  const interval = props.interval ?? 1;
  switch (recurrence.recurrenceType) {
    case 'daily':
      parts.push('FREQ=DAILY');
      break;
    case 'weekday':
      parts.push('FREQ=WEEKLY', 'BYDAY=MO,TU,WE,TH,FR');
      break;
    case 'weekly':
      parts.push('FREQ=WEEKLY');
      if (props.days !== undefined && props.days.length > 0) {
        parts.push(`BYDAY=${props.days.map((day) => byDay[day]).join(',')}`);
      }
      break;
    case 'monthly':
      parts.push('FREQ=MONTHLY');
      parts.push(...monthlyParts(props));
      break;
    case 'yearly': {
      parts.push('FREQ=YEARLY');
      const month = months.indexOf((props.month ?? '').toLowerCase());
      if (month === -1) throw new UnsupportedRecurrenceError('a yearly series without a month');
      parts.push(`BYMONTH=${month + 1}`, ...monthlyParts(props));
      break;
    }
  }
  if (interval !== 1) {
    if (!Number.isInteger(interval) || interval < 1 || interval > 999) {
      throw new UnsupportedRecurrenceError(`the interval ${interval}`);
    }
    parts.push(`INTERVAL=${interval}`);
  }
  if (recurrence.numberOfOccurrences !== undefined) {
    parts.push(`COUNT=${recurrence.numberOfOccurrences}`);
  } else {
    const end = recurrence.seriesTime.getEndDate();
    if (end !== null && end !== '') {
      const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(end);
      if (match === null) throw new UnsupportedRecurrenceError(`the end date ${end}`);
      parts.push(`UNTIL=${match[1]}${match[2]}${match[3]}T235959Z`);
    }
  }
  return [`RRULE:${parts.join(';')}`];
}

function monthlyParts(props: NonNullable<OfficeRecurrence['recurrenceProperties']>): string[] {
  if (props.dayOfMonth !== undefined) return [`BYMONTHDAY=${props.dayOfMonth}`];
  if (props.dayOfWeek !== undefined && props.weekNumber !== undefined) {
    return [`BYDAY=${weekNumbers[props.weekNumber]}${byDay[props.dayOfWeek]}`];
  }
  return [];
}
