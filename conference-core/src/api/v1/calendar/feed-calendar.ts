import type { EventException } from '../../../storage/event-exception-repository.js';
import type { ScheduledEvent } from '../../../storage/event-repository.js';
import {
  serializeIcs,
  text,
  utcDateTime,
  zonedDate,
  type IcsComponent,
  type IcsProperty,
  type IcsRawLine,
} from './ics.js';
import { localDateTime, vtimezone } from './vtimezone.js';

export interface FeedInput {
  readonly events: readonly ScheduledEvent[];
  /** Exceptions of these events, any order. */
  readonly exceptions: readonly EventException[];
  readonly publicUrl: string;
  readonly now: Date;
}

const DAY = 86_400_000;
/** VTIMEZONEs cover the zone's transitions until this long after now (series outlast the window). */
const ZONE_YEARS_AHEAD = 3;

/**
 * The VCALENDAR of a person's meetings: one VEVENT per event (the series' master, with its
 * stored RRULE/RDATE/EXDATE lines and an EXDATE per cancelled occurrence), and one VEVENT with
 * the same UID and a RECURRENCE-ID per changed or moved occurrence. Single events are in UTC;
 * a timed series is in its zone (`DTSTART;TZID=`, with a VTIMEZONE of the zone's real
 * transitions) because its rule repeats the wall-clock time, as the hub expands it: a weekly
 * 09:00 Berlin meeting stays at 09:00 across the DST switch. All-day events are DATE values in
 * the event's zone. SEQUENCE is the event's revision - 1, so every
 * change (which raises the revision) makes calendar apps take the new version.
 */
export function buildFeedCalendar(input: FeedInput): string {
  const base = input.publicUrl.replace(/\/+$/, '');
  const byEvent = new Map<string, EventException[]>();
  for (const exception of input.exceptions) {
    const list = byEvent.get(exception.eventId) ?? [];
    list.push(exception);
    byEvent.set(exception.eventId, list);
  }
  const components: IcsComponent[] = [];
  /** Zone -> the earliest time it must resolve. */
  const zones = new Map<string, Date>();
  const needZone = (zone: string, since: Date) => {
    const known = zones.get(zone);
    if (known === undefined || since < known) zones.set(zone, since);
  };
  for (const event of input.events) {
    if (event.startsAt === null) continue;
    const zone = seriesZone(event);
    if (zone !== undefined) needZone(zone, event.startsAt);
    for (const line of event.recurrence) {
      for (const match of line.matchAll(/TZID=([^;:]+)/g)) {
        if (match[1] !== undefined && match[1] !== 'UTC') needZone(match[1], event.startsAt);
      }
    }
  }
  const zonesUntil = new Date(input.now.getTime() + ZONE_YEARS_AHEAD * 366 * DAY);
  for (const [zone, since] of [...zones].sort(([a], [b]) => a.localeCompare(b))) {
    components.push(vtimezone(zone, new Date(since.getTime() - DAY), zonesUntil));
  }
  for (const event of input.events) {
    if (event.startsAt === null || event.endsAt === null) continue; // time-independent: nothing to show
    const exceptions = (byEvent.get(event.id) ?? []).sort(
      (a, b) => a.instanceStart.getTime() - b.instanceStart.getTime(),
    );
    components.push(...eventComponents(event, event.startsAt, event.endsAt, exceptions, base, input.now));
  }
  return serializeIcs({
    name: 'VCALENDAR',
    properties: [
      { name: 'VERSION', value: '2.0' },
      { name: 'PRODID', value: '-//vc-hub//conference calendar feed//EN' },
      { name: 'CALSCALE', value: 'GREGORIAN' },
      { name: 'METHOD', value: 'PUBLISH' },
      text('X-WR-CALNAME', 'Meetings'),
    ],
    components,
  });
}

function eventComponents(
  event: ScheduledEvent,
  startsAt: Date,
  endsAt: Date,
  exceptions: readonly EventException[],
  base: string,
  now: Date,
): IcsComponent[] {
  const zone = event.timeZone ?? 'UTC';
  const recurring = event.recurrence.length > 0;
  const local = seriesZone(event);
  // The join link is a placeholder until the web client exists: it names the room on this hub.
  const joinUrl = `${base}/rooms/${event.roomId}`;
  const sequence = event.revision - 1;
  const common = (
    title: string,
    description: string,
    isAllDay: boolean,
    start: Date,
    end: Date,
    seq: number,
  ): (IcsProperty | IcsRawLine)[] => [
    { name: 'UID', value: event.id },
    { name: 'SEQUENCE', value: String(seq) },
    { name: 'DTSTAMP', value: utcDateTime(now) },
    ...times(isAllDay, start, end, zone, local),
    text('SUMMARY', title),
    ...(description === '' ? [] : [text('DESCRIPTION', description)]),
    { name: 'URL', value: joinUrl },
    text('LOCATION', joinUrl),
    { name: 'LAST-MODIFIED', value: utcDateTime(event.updatedAt) },
  ];

  const cancelled = recurring ? exceptions.filter((e) => e.kind === 'cancelled') : [];
  const master: IcsComponent = {
    name: 'VEVENT',
    properties: [
      ...common(event.title, event.description, event.isAllDay, startsAt, endsAt, sequence),
      ...event.recurrence.map((line) => ({ raw: line })),
      ...cancelled.map((e) => instanceProperty('EXDATE', e.instanceStart, event.isAllDay, zone, local)),
    ],
  };
  if (!recurring) return [master];

  const duration = endsAt.getTime() - startsAt.getTime();
  const overrides = exceptions
    .filter((e) => e.kind === 'modified')
    .map((e): IcsComponent => {
      const isAllDay = e.isAllDay ?? event.isAllDay;
      const start = e.startsAt ?? e.instanceStart;
      const end = e.endsAt ?? new Date(start.getTime() + duration);
      return {
        name: 'VEVENT',
        properties: [
          ...common(
            e.title ?? event.title,
            e.description ?? event.description,
            isAllDay,
            start,
            end,
            sequence + e.revision - 1,
          ),
          instanceProperty('RECURRENCE-ID', e.instanceStart, event.isAllDay, zone, local),
        ],
      };
    });
  return [master, ...overrides];
}

/** The zone a timed series is written in (`TZID=`); undefined: UTC or not a timed series. */
function seriesZone(event: ScheduledEvent): string | undefined {
  const zone = event.timeZone;
  if (event.recurrence.length === 0 || event.isAllDay || zone === null || zone === 'UTC') return undefined;
  return zone;
}

function times(
  isAllDay: boolean,
  start: Date,
  end: Date,
  zone: string,
  local: string | undefined,
): IcsProperty[] {
  if (!isAllDay && local !== undefined) {
    return [
      { name: 'DTSTART', params: { TZID: local }, value: localDateTime(start, local) },
      { name: 'DTEND', params: { TZID: local }, value: localDateTime(end, local) },
    ];
  }
  if (!isAllDay) {
    return [
      { name: 'DTSTART', value: utcDateTime(start) },
      { name: 'DTEND', value: utcDateTime(end) },
    ];
  }
  const first = zonedDate(start, zone);
  let last = zonedDate(end, zone);
  // DTEND of an all-day event is the day after it (exclusive); never before DTSTART's next day.
  if (last <= first) last = zonedDate(new Date(start.getTime() + DAY), zone);
  return [
    { name: 'DTSTART', params: { VALUE: 'DATE' }, value: first },
    { name: 'DTEND', params: { VALUE: 'DATE' }, value: last },
  ];
}

/** An occurrence's original start as RECURRENCE-ID or EXDATE takes it. */
function instanceProperty(
  name: string,
  at: Date,
  isAllDay: boolean,
  zone: string,
  local: string | undefined,
): IcsProperty {
  if (isAllDay) return { name, params: { VALUE: 'DATE' }, value: zonedDate(at, zone) };
  if (local !== undefined) return { name, params: { TZID: local }, value: localDateTime(at, local) };
  return { name, value: utcDateTime(at) };
}
