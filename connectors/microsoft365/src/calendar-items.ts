import type { CalendarAttendee, CalendarItem, CalendarLink } from '@vc/connector-sdk';

/**
 * The extended property our side writes onto Outlook events to carry our event id (a named
 * property in our own property set, so no other app's property can collide with it).
 */
export const eventIdPropertyId = 'String {6f1b5c58-8d8a-4c53-9a4e-2f7b4e1d0c11} Name vchubEventId';

export interface GraphEvent {
  id?: unknown;
  subject?: unknown;
  type?: unknown;
  seriesMasterId?: unknown;
  originalStart?: unknown;
  originalStartTimeZone?: unknown;
  start?: { dateTime?: unknown; timeZone?: unknown } | null;
  end?: { dateTime?: unknown; timeZone?: unknown } | null;
  isAllDay?: unknown;
  isCancelled?: unknown;
  location?: { displayName?: unknown; locationUri?: unknown } | null;
  locations?: unknown;
  body?: { content?: unknown } | null;
  onlineMeeting?: { joinUrl?: unknown } | null;
  organizer?: { emailAddress?: { address?: unknown } } | null;
  attendees?: unknown;
  singleValueExtendedProperties?: unknown;
  '@removed'?: unknown;
}

const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Finds our join link `<base>/rooms/<uuid>` in the texts Outlook shows, returning the room id. */
export function findRoomId(event: GraphEvent, meetingBaseUrl: string): string | null {
  const pattern = new RegExp(`${escapeRegExp(meetingBaseUrl)}/rooms/(${uuid.source})`, 'i');
  const texts: unknown[] = [
    event.location?.displayName,
    event.location?.locationUri,
    event.onlineMeeting?.joinUrl,
    event.body?.content,
  ];
  if (Array.isArray(event.locations)) {
    for (const l of event.locations as { displayName?: unknown; locationUri?: unknown }[]) {
      texts.push(l.displayName, l.locationUri);
    }
  }
  for (const candidate of texts) {
    // Outlook HTML-escapes bodies; a link survives as text, so matching the decoded URL is enough.
    if (typeof candidate !== 'string') continue;
    const match = pattern.exec(candidate.replace(/&amp;/g, '&'));
    if (match?.[1] !== undefined) return match[1].toLowerCase();
  }
  return null;
}

/** Our event id from the expanded extended property, when Graph returned it. */
export function findEventId(event: GraphEvent): string | null {
  if (!Array.isArray(event.singleValueExtendedProperties)) return null;
  for (const p of event.singleValueExtendedProperties as { id?: unknown; value?: unknown }[]) {
    if (typeof p.id === 'string' && p.id.toLowerCase() === eventIdPropertyId.toLowerCase()) {
      if (typeof p.value === 'string' && uuid.test(p.value) && p.value.length === 36)
        return p.value.toLowerCase();
    }
  }
  return null;
}

export function linkOf(event: GraphEvent, meetingBaseUrl: string): CalendarLink | null {
  const eventId = findEventId(event);
  const roomId = findRoomId(event, meetingBaseUrl);
  if (eventId === null && roomId === null) return null;
  return { ...(eventId !== null && { eventId }), ...(roomId !== null && { roomId }) };
}

/** Graph date-times come in the zone asked for with `Prefer: outlook.timezone="UTC"`. */
function instant(value: { dateTime?: unknown; timeZone?: unknown } | null | undefined): string | null {
  if (typeof value?.dateTime !== 'string') return null;
  const zone = typeof value.timeZone === 'string' ? value.timeZone : 'UTC';
  if (zone !== 'UTC' && zone !== 'Etc/UTC') return null;
  const ms = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(value.dateTime) ? value.dateTime : `${value.dateTime}Z`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

const responses: Record<string, CalendarAttendee['response']> = {
  accepted: 'accepted',
  organizer: 'accepted',
  tentativelyAccepted: 'tentative',
  declined: 'declined',
};

function attendeesOf(raw: unknown): CalendarAttendee[] {
  if (!Array.isArray(raw)) return [];
  const out: CalendarAttendee[] = [];
  for (const a of raw as {
    type?: unknown;
    status?: { response?: unknown };
    emailAddress?: { address?: unknown; name?: unknown };
  }[]) {
    const address = a.emailAddress?.address;
    if (typeof address !== 'string' || !address.includes('@')) continue;
    // Rooms and equipment are resources, not people to invite.
    if (a.type === 'resource') continue;
    const name = a.emailAddress?.name;
    const response = typeof a.status?.response === 'string' ? responses[a.status.response] : undefined;
    out.push({
      email: address.trim().toLowerCase(),
      name: typeof name === 'string' && name.trim() !== '' ? name.trim().slice(0, 256) : null,
      response: response ?? 'none',
    });
  }
  return out;
}

/** A calendarView item as a normalized calendar item; null when Graph sent something unusable. */
export function mapEvent(calendar: string, event: GraphEvent, meetingBaseUrl: string): CalendarItem | null {
  if (typeof event.id !== 'string' || event.id === '') return null;
  const startsAt = instant(event.start);
  const endsAt = instant(event.end);
  if (startsAt === null || endsAt === null) return null;
  const occurrence = event.type === 'occurrence' || event.type === 'exception';
  const organizer = event.organizer?.emailAddress?.address;
  return {
    calendar,
    externalId: event.id,
    kind: occurrence ? 'occurrence' : 'single',
    seriesExternalId: occurrence && typeof event.seriesMasterId === 'string' ? event.seriesMasterId : null,
    originalStart: occurrence
      ? (instant({ dateTime: event.originalStart, timeZone: 'UTC' }) ?? startsAt)
      : null,
    link: linkOf(event, meetingBaseUrl),
    title: typeof event.subject === 'string' ? event.subject.slice(0, 255) : '',
    startsAt,
    endsAt,
    timeZone: typeof event.originalStartTimeZone === 'string' ? event.originalStartTimeZone : null,
    isAllDay: event.isAllDay === true,
    cancelled: event.isCancelled === true,
    organizer: typeof organizer === 'string' ? organizer.toLowerCase() : null,
    attendees: attendeesOf(event.attendees),
  };
}
