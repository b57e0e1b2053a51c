import { Temporal } from 'temporal-polyfill';

import type { IcsComponent } from './ics.js';

/** More transitions than any zone has in the span a feed covers; a bound on the work. */
const MAX_TRANSITIONS = 400;

/** `20260329T030000`: the wall-clock time of an instant in a zone (a DATE-TIME with TZID). */
export function localDateTime(at: Date, timeZone: string): string {
  const local = Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timeZone);
  return plain(local.toPlainDateTime());
}

function plain(local: Temporal.PlainDateTime): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(local.year, 4)}${pad(local.month)}${pad(local.day)}T${pad(local.hour)}${pad(local.minute)}${pad(local.second)}`;
}

/** `+01:00` becomes `+0100` (UTC-OFFSET, RFC 5545 3.3.14). */
function utcOffset(offset: string): string {
  const match = /^([+-])(\d{2}):(\d{2})(?::(\d{2}))?/.exec(offset);
  if (match === null) return '+0000';
  return `${match[1]}${match[2]}${match[3]}${match[4] !== undefined && match[4] !== '00' ? match[4] : ''}`;
}

/** Daylight saving time is the larger of the year's January and July offsets, when they differ. */
function isDaylight(at: Temporal.ZonedDateTime): boolean {
  const offsetIn = (month: number) =>
    Temporal.ZonedDateTime.from({ timeZone: at.timeZoneId, year: at.year, month, day: 1 }).offsetNanoseconds;
  const january = offsetIn(1);
  const july = offsetIn(7);
  return january !== july && at.offsetNanoseconds === Math.max(january, july);
}

/**
 * A VTIMEZONE for an IANA zone, built from the zone's actual transitions between `from` and
 * `to` (one observance per transition, no rules), so a calendar app resolves wall-clock times
 * in that span exactly as the hub's own recurrence expansion does.
 */
export function vtimezone(timeZone: string, from: Date, to: Date): IcsComponent {
  let at = Temporal.Instant.fromEpochMilliseconds(from.getTime()).toZonedDateTimeISO(timeZone);
  const first = utcOffset(at.offset);
  const observances: IcsComponent[] = [
    {
      name: isDaylight(at) ? 'DAYLIGHT' : 'STANDARD',
      properties: [
        { name: 'DTSTART', value: plain(at.toPlainDateTime()) },
        { name: 'TZOFFSETFROM', value: first },
        { name: 'TZOFFSETTO', value: first },
      ],
    },
  ];
  for (let i = 0; i < MAX_TRANSITIONS; i++) {
    const next = at.getTimeZoneTransition('next');
    if (next === null || next.epochMilliseconds > to.getTime()) break;
    const before = next.subtract({ nanoseconds: 1 });
    // DTSTART of an observance is the wall-clock time at the switch, in the offset before it.
    const onset = Temporal.Instant.fromEpochMilliseconds(next.epochMilliseconds)
      .toZonedDateTimeISO(before.offset)
      .toPlainDateTime();
    observances.push({
      name: isDaylight(next) ? 'DAYLIGHT' : 'STANDARD',
      properties: [
        { name: 'DTSTART', value: plain(onset) },
        { name: 'TZOFFSETFROM', value: utcOffset(before.offset) },
        { name: 'TZOFFSETTO', value: utcOffset(next.offset) },
      ],
    });
    at = next;
  }
  return { name: 'VTIMEZONE', properties: [{ name: 'TZID', value: timeZone }], components: observances };
}
