import { Temporal } from 'temporal-polyfill';

/** More transitions than any zone has in the span a feed covers; a bound on the work. */
const MAX_TRANSITIONS = 400;

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

interface Observance {
  readonly kind: 'DAYLIGHT' | 'STANDARD';
  readonly start: string;
  readonly from: string;
  readonly to: string;
}

/**
 * A VTIMEZONE for an IANA zone, built from the zone's actual transitions between `from` and
 * `to` (one observance per transition, no rules), so a calendar app resolves wall-clock times
 * in that span exactly as the hub's own recurrence expansion does. The text of the component,
 * CRLF after every line. Written here rather than by ical-generator, which has no time zone
 * database and asks for exactly this text; every line is short and none holds user text.
 */
export function vtimezone(timeZone: string, from: Date, to: Date): string {
  let at = Temporal.Instant.fromEpochMilliseconds(from.getTime()).toZonedDateTimeISO(timeZone);
  const first = utcOffset(at.offset);
  const observances: Observance[] = [
    {
      kind: isDaylight(at) ? 'DAYLIGHT' : 'STANDARD',
      start: plain(at.toPlainDateTime()),
      from: first,
      to: first,
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
      kind: isDaylight(next) ? 'DAYLIGHT' : 'STANDARD',
      start: plain(onset),
      from: utcOffset(before.offset),
      to: utcOffset(next.offset),
    });
    at = next;
  }
  const lines = [
    'BEGIN:VTIMEZONE',
    `TZID:${timeZone}`,
    ...observances.flatMap((o) => [
      `BEGIN:${o.kind}`,
      `DTSTART:${o.start}`,
      `TZOFFSETFROM:${o.from}`,
      `TZOFFSETTO:${o.to}`,
      `END:${o.kind}`,
    ]),
    'END:VTIMEZONE',
  ];
  return lines.join('\r\n') + '\r\n';
}

const cache = new Map<string, string>();

/**
 * The VTIMEZONE for a zone over a span of whole years (one more on either side), cached: a few
 * thousand mails or feeds for the same zone build it once.
 */
export function vtimezoneForYears(timeZone: string, from: Date, to: Date): string {
  const fromYear = from.getUTCFullYear() - 1;
  const toYear = to.getUTCFullYear() + 1;
  const key = `${timeZone} ${fromYear} ${toYear}`;
  let text = cache.get(key);
  if (text === undefined) {
    text = vtimezone(timeZone, new Date(Date.UTC(fromYear, 0, 1)), new Date(Date.UTC(toYear, 0, 1)));
    if (cache.size > 500) cache.clear();
    cache.set(key, text);
  }
  return text;
}
