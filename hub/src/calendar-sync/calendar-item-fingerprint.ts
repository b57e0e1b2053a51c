import { createHash } from 'node:crypto';

import type { CalendarItem } from '@vc/connector-sdk';

/**
 * A hash of exactly the fields the hub maps from an upstream item onto a meeting (times, title,
 * cancellation, occurrence identity, organizer, attendee addresses, what it links to). Stored with
 * the item's link: an item read again with the same fingerprint changes nothing in the core, so
 * it is skipped before it costs a query (a full re-read after a 410, a delta that repeats items).
 * Attendee answers are left out: the core does not take them from Outlook.
 */
export function calendarItemFingerprint(item: CalendarItem): string {
  const mapped = [
    item.calendar,
    item.kind,
    item.originalStart,
    item.title,
    item.startsAt,
    item.endsAt,
    item.isAllDay,
    item.cancelled,
    item.organizer,
    item.link?.eventId ?? null,
    item.link?.roomId ?? null,
    item.attendees.map((a) => a.email).sort(),
  ];
  return createHash('sha256').update(JSON.stringify(mapped)).digest('base64url');
}
