import type { CalendarAttendee, CalendarItem, CalendarLink } from '@vc/connector-sdk';

/**
 * The extended property our side writes onto Outlook events to carry our event id (a named
 * property in our own property set, so no other app's property can collide with it).
 */
export const eventIdPropertyId = 'String {6f1b5c58-8d8a-4c53-9a4e-2f7b4e1d0c11} Name vchubEventId';

/**
 * Where Exchange keeps an add-in's custom properties: one named property in PS_PUBLIC_STRINGS,
 * `cecp-<add-in id, lower case>`, whose value is the JSON object of all of them ([MS-OXCEXT]).
 * Our Outlook add-in stores our event id there under `vcEventId` (outlook-addin `eventIdProperty`),
 * so an appointment made by "Add meeting" stays linked after its body block and location were
 * edited away.
 */
export const addinPropertyId = (addinId: string) =>
  `String {00020329-0000-0000-C000-000000000046} Name cecp-${addinId.toLowerCase()}`;
export const addinEventIdName = 'vcEventId';

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

const asEventId = (value: unknown): string | null =>
  typeof value === 'string' && value.length === 36 && uuid.test(value) ? value.toLowerCase() : null;

/** The add-in's `vcEventId` from its custom-properties JSON; null when absent or not JSON. */
function addinEventId(json: unknown): string | null {
  if (typeof json !== 'string' || json.length > 10_000) return null;
  try {
    const parsed = JSON.parse(json) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    return asEventId((parsed as Record<string, unknown>)[addinEventIdName]);
  } catch {
    return null; // someone else's garbage in the property: it links nothing
  }
}

/** Our event id from the expanded extended properties (ours, or the add-in's), when Graph returned them. */
export function findEventId(event: GraphEvent, addinId: string): string | null {
  if (!Array.isArray(event.singleValueExtendedProperties)) return null;
  const ours = eventIdPropertyId.toLowerCase();
  const addins = addinPropertyId(addinId).toLowerCase();
  for (const p of event.singleValueExtendedProperties as { id?: unknown; value?: unknown }[]) {
    const id = typeof p.id === 'string' ? p.id.toLowerCase() : '';
    const found = id === ours ? asEventId(p.value) : id === addins ? addinEventId(p.value) : null;
    if (found !== null) return found;
  }
  return null;
}

export function linkOf(event: GraphEvent, meetingBaseUrl: string, addinId: string): CalendarLink | null {
  const eventId = findEventId(event, addinId);
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
export function mapEvent(
  calendar: string,
  event: GraphEvent,
  meetingBaseUrl: string,
  addinId: string,
): CalendarItem | null {
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
    link: linkOf(event, meetingBaseUrl, addinId),
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
