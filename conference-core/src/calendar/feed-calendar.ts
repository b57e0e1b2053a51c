import ical, { ICalCalendarMethod, type ICalEventData } from 'ical-generator';

import type { EventException } from '../storage/event-exception-repository.js';
import type { ScheduledEvent } from '../storage/event-repository.js';
import { normalizedText, singleLine } from './ical-text.js';
import { icalInstant, localDateText, localFields } from './local-time.js';
import { recurrenceLines } from './recurrence-lines.js';
import { vtimezoneForYears } from './vtimezone.js';

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
 * The VCALENDAR of a person's meetings, written by ical-generator as the invitation mail is: one
 * VEVENT per event (the series' master, with its stored RRULE/RDATE/EXDATE lines and an EXDATE
 * per cancelled occurrence), and one VEVENT with the same UID and a RECURRENCE-ID per changed or
 * moved occurrence. Single events are in UTC; a timed series is in its zone (`DTSTART;TZID=`,
 * with a VTIMEZONE of the zone's real transitions) because its rule repeats the wall-clock time,
 * as the hub expands it: a weekly 09:00 Berlin meeting stays at 09:00 across the DST switch.
 * All-day events are DATE values in the event's zone. SEQUENCE is the event's revision - 1, so
 * every change (which raises the revision) makes calendar apps take the new version.
 */
export function buildFeedCalendar(input: FeedInput): string {
  const base = input.publicUrl.replace(/\/+$/, '');
  const byEvent = new Map<string, EventException[]>();
  for (const exception of input.exceptions) {
    const list = byEvent.get(exception.eventId) ?? [];
    list.push(exception);
    byEvent.set(exception.eventId, list);
  }
  const zones = zonesNeeded(input.events);
  const zonesUntil = new Date(input.now.getTime() + ZONE_YEARS_AHEAD * 366 * DAY);
  const calendar = ical({
    prodId: { company: 'vc-hub', product: 'conference calendar feed', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
    scale: 'GREGORIAN',
    name: 'Meetings',
    // ical-generator asks for the VTIMEZONE of every zone an event names; all-day events name
    // their zone only to get their dates right and need none.
    timezone: {
      name: null,
      generator: (zone) => {
        const since = zones.get(zone);
        return since === undefined
          ? null
          : vtimezoneForYears(zone, new Date(since.getTime() - DAY), zonesUntil);
      },
    },
  });
  for (const event of input.events) {
    if (event.startsAt === null || event.endsAt === null) continue; // time-independent: nothing to show
    const exceptions = (byEvent.get(event.id) ?? []).sort(
      (a, b) => a.instanceStart.getTime() - b.instanceStart.getTime(),
    );
    for (const data of eventData(event, event.startsAt, event.endsAt, exceptions, base, input.now)) {
      calendar.createEvent(data);
    }
  }
  return `${calendar.toString()}\r\n`;
}

/** Zone -> the earliest time its VTIMEZONE must resolve: series zones and zones of stored rule lines. */
function zonesNeeded(events: readonly ScheduledEvent[]): Map<string, Date> {
  const zones = new Map<string, Date>();
  const needZone = (zone: string, since: Date) => {
    const known = zones.get(zone);
    if (known === undefined || since < known) zones.set(zone, since);
  };
  for (const event of events) {
    if (event.startsAt === null) continue;
    const zone = seriesZone(event);
    if (zone !== undefined) needZone(zone, event.startsAt);
    for (const line of event.recurrence) {
      for (const match of line.matchAll(/TZID=([^;:]+)/g)) {
        if (match[1] !== undefined && match[1] !== 'UTC') needZone(match[1], event.startsAt);
      }
    }
  }
  return zones;
}

function eventData(
  event: ScheduledEvent,
  startsAt: Date,
  endsAt: Date,
  exceptions: readonly EventException[],
  base: string,
  now: Date,
): ICalEventData[] {
  const zone = event.timeZone ?? 'UTC';
  const recurring = event.recurrence.length > 0;
  const local = seriesZone(event);
  // The join link is a placeholder until the web client exists: it names the room on this hub.
  const joinUrl = singleLine(`${base}/rooms/${event.roomId}`);
  const sequence = event.revision - 1;
  const common = (
    title: string,
    description: string,
    isAllDay: boolean,
    start: Date,
    end: Date,
    seq: number,
  ) => ({
    id: event.id,
    sequence: seq,
    stamp: now,
    lastModified: event.updatedAt,
    // The zone of a timed series; an all-day event's zone only places its dates.
    timezone: isAllDay ? zone : (local ?? null),
    allDay: isAllDay,
    ...times(isAllDay, start, end, zone),
    summary: normalizedText(title),
    ...(description !== '' && { description: normalizedText(description) }),
    url: joinUrl,
    location: joinUrl,
  });

  const cancelled = recurring ? exceptions.filter((e) => e.kind === 'cancelled') : [];
  const master: ICalEventData = {
    ...common(event.title, event.description, event.isAllDay, startsAt, endsAt, sequence),
    ...(recurring && {
      repeating: recurrenceLines(
        event.recurrence,
        cancelled.map((e) => e.instanceStart),
        { timeZone: event.isAllDay ? zone : (local ?? 'UTC'), allDay: event.isAllDay },
      ),
    }),
  };
  if (!recurring) return [master];

  const duration = endsAt.getTime() - startsAt.getTime();
  const overrides = exceptions
    .filter((e) => e.kind === 'modified')
    .map((e): ICalEventData => {
      const start = e.startsAt ?? e.instanceStart;
      const end = e.endsAt ?? new Date(start.getTime() + duration);
      return {
        ...common(
          e.title ?? event.title,
          e.description ?? event.description,
          // RECURRENCE-ID takes the value type of the series' DTSTART (RFC 5545 3.8.4.4), and
          // ical-generator writes both in one type: an occurrence keeps the series' all-day flag.
          event.isAllDay,
          start,
          end,
          sequence + e.revision - 1,
        ),
        recurrenceId: icalInstant(e.instanceStart),
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
): Pick<ICalEventData, 'start' | 'end'> {
  if (!isAllDay) return { start: icalInstant(start), end: icalInstant(end) };
  // DTEND of an all-day event is the day after it (exclusive); never before DTSTART's next day.
  const day = (at: Date) => localDateText(localFields(at, zone));
  const last = day(end) <= day(start) ? new Date(start.getTime() + DAY) : end;
  return { start: icalInstant(start), end: icalInstant(last) };
}
