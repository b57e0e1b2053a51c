import ical, {
  ICalAttendee,
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
  type ICalEventData,
} from 'ical-generator';

import {
  icalInstant,
  normalizedText,
  recurrenceLines,
  singleLine,
  vtimezoneForYears,
} from '../calendar/index.js';
import type { MailContext, MailOccurrence, MailRecipient } from './mail-model.js';

export type IcsMethod = 'REQUEST' | 'CANCEL';

export interface BuiltIcs {
  readonly method: IcsMethod;
  readonly content: string;
}

const DAY_MS = 86_400_000;
/** How far a VTIMEZONE reaches past the start of an endless series. */
const ENDLESS_SPAN_MS = 10 * 366 * DAY_MS;

/** invite and update ask for a place in the calendar; cancel and uninvite take it away (RFC 5546). */
export function methodOf(kind: MailContext['kind']): IcsMethod {
  return kind === 'invite' || kind === 'update' ? 'REQUEST' : 'CANCEL';
}

const instant = icalInstant;

/**
 * The iCalendar object of one mail (RFC 5545/5546 iTIP): UID = event id, SEQUENCE = revision,
 * METHOD in the VCALENDAR, ORGANIZER with CN, this recipient as the one ATTENDEE, local times with
 * TZID and a VTIMEZONE for every zone used. Undefined for a time-independent meeting: a calendar
 * entry needs a start. The same bytes as `buildIcsWhole`, made from `buildIcsTemplate`.
 */
export function buildIcs(context: MailContext, stamp: Date): BuiltIcs | undefined {
  const template = buildIcsTemplate(context, stamp);
  return template && fillIcsTemplate(template, context.recipient);
}

/**
 * The calendar of a mail without its ATTENDEE, cut where the ATTENDEE goes (after the ORGANIZER
 * of each VEVENT): what the recipients of one change share. Apart from the ATTENDEE, the object
 * depends on the recipient only through whether they are external (their join link is the guest
 * link), so `icsTemplateKey` is the cache key.
 */
export interface IcsTemplate {
  readonly method: IcsMethod;
  /** The text around the ATTENDEE lines: one more piece than VEVENTs. */
  readonly pieces: readonly string[];
}

/** What an ICS template depends on, given the key of the context without its recipient. */
export function icsTemplateKey(contextWithoutRecipient: string, recipient: MailRecipient): string {
  return `${recipient.kind === 'external' ? 'external' : 'member'} ${contextWithoutRecipient}`;
}

export function buildIcsTemplate(context: MailContext, stamp: Date): IcsTemplate | undefined {
  const whole = renderCalendar(context, stamp, false);
  if (whole === undefined) return undefined;
  const pieces: string[] = [];
  let from = 0;
  for (;;) {
    const at = whole.content.indexOf('\r\nORGANIZER', from);
    if (at < 0) break;
    // The property ends at the first line break that no folded continuation (a leading space) follows.
    let end = at + 2;
    for (;;) {
      const next = whole.content.indexOf('\r\n', end);
      end = next < 0 ? whole.content.length : next + 2;
      if (next < 0 || whole.content[end] !== ' ') break;
    }
    pieces.push(whole.content.slice(from, end));
    from = end;
  }
  pieces.push(whole.content.slice(from));
  return { method: whole.method, pieces };
}

/** A stamp as the DTSTAMP lines write it (UTC, `20310101T120000Z`). */
export function icsStamp(stamp: Date): string {
  return stamp.toISOString().replace(/[-:]|\.\d{3}/g, '');
}

/**
 * The template as rendering it at another stamp would give (tested byte for byte): the stamp
 * shows only in the DTSTAMP line of each VEVENT, a line of its own (a folded continuation starts
 * with a space, so user text never starts a line), which a plan pass need not render again.
 */
export function restampIcsTemplate(template: IcsTemplate, from: string, to: string): IcsTemplate {
  const line = (value: string) => `\r\nDTSTAMP:${value}\r\n`;
  return { method: template.method, pieces: template.pieces.map((p) => p.replaceAll(line(from), line(to))) };
}

/** A parent for rendering an ATTENDEE apart (ical-generator wants one; it shapes nothing). */
const attendeeParent = ical().createEvent({ start: new Date(0) });

/** The template with this recipient's ATTENDEE (written by ical-generator), folded as in the whole calendar. */
export function fillIcsTemplate(template: IcsTemplate, recipient: MailRecipient): BuiltIcs {
  const attendee = foldIcsLines(
    new ICalAttendee(attendeeData(recipient, template.method === 'CANCEL'), attendeeParent).toString(),
  );
  return { method: template.method, content: template.pieces.join(attendee) };
}

/**
 * ical-generator's `foldLines` (a line break and a space before the octet that would pass 74 in a
 * line, a surrogate pair kept whole), byte for byte (tested against it), without its TextEncoder
 * for every character: per recipient that was most of the cost of the ATTENDEE.
 */
export function foldIcsLines(text: string): string {
  return text.split('\r\n').map(foldIcsLine).join('\r\n');
}

function foldIcsLine(line: string): string {
  let out = '';
  let octets = 0;
  let from = 0;
  for (let at = 0; at < line.length; at++) {
    const code = line.charCodeAt(at);
    let size: number;
    let end = at + 1;
    if (code < 0x80) size = 1;
    else {
      // A high surrogate goes with whatever follows it, as ical-generator takes it.
      if (code >= 0xd800 && code <= 0xdbff && at + 1 < line.length) end = at + 2;
      size = Buffer.byteLength(line.slice(at, end), 'utf8');
    }
    octets += size;
    if (octets > 74) {
      out += `${line.slice(from, at)}\r\n `;
      from = at;
      octets = size;
    }
    at = end - 1;
  }
  return out + line.slice(from);
}

/**
 * The reference rendering: the whole calendar, ATTENDEE included, by ical-generator in one piece.
 * `buildIcs` must give the same bytes (tested); nothing else needs it.
 */
export function buildIcsWhole(context: MailContext, stamp: Date): BuiltIcs | undefined {
  return renderCalendar(context, stamp, true);
}

const partstat: Record<NonNullable<MailRecipient['response']>, ICalAttendeeStatus> = {
  pending: ICalAttendeeStatus.NEEDSACTION,
  accepted: ICalAttendeeStatus.ACCEPTED,
  tentative: ICalAttendeeStatus.TENTATIVE,
  declined: ICalAttendeeStatus.DECLINED,
};

/** A request asks anew (NEEDS-ACTION, RSVP); a cancellation keeps what the attendee answered. */
function attendeeData(recipient: MailRecipient, cancelled: boolean) {
  return {
    name: cn(recipient.name ?? recipient.email),
    email: address(recipient.email),
    role: recipient.role === 'moderator' ? ICalAttendeeRole.CHAIR : ICalAttendeeRole.REQ,
    rsvp: !cancelled,
    status: cancelled ? partstat[recipient.response ?? 'pending'] : ICalAttendeeStatus.NEEDSACTION,
  };
}

function renderCalendar(context: MailContext, stamp: Date, withAttendee: boolean): BuiltIcs | undefined {
  const { event } = context;
  if (
    event.isTimeIndependent ||
    event.startsAt === null ||
    event.endsAt === null ||
    event.timeZone === null
  ) {
    return undefined;
  }
  const method = methodOf(context.kind);
  const timeZone = event.timeZone;
  const spanEnd =
    event.seriesEndsAt ??
    (event.recurrence.length > 0 ? new Date(event.startsAt.getTime() + ENDLESS_SPAN_MS) : event.endsAt);
  const earliest = Math.min(
    event.startsAt.getTime(),
    ...[context.occurrence, ...context.exceptions].flatMap((o) =>
      o ? [o.startsAt.getTime(), o.recurrenceId.getTime()] : [],
    ),
  );
  const latest = Math.max(
    spanEnd.getTime(),
    ...[context.occurrence, ...context.exceptions].flatMap((o) => (o ? [o.endsAt.getTime()] : [])),
  );
  const calendar = ical({
    prodId: { company: 'vc-hub', product: 'invitation-mail', language: 'EN' },
    method: method === 'REQUEST' ? ICalCalendarMethod.REQUEST : ICalCalendarMethod.CANCEL,
  });
  // The VTIMEZONE goes in after ical-generator has serialized the rest: it folds its whole output
  // with one TextEncoder per character, and the (cached, already folded) zone block is most of it.
  const withZone = (text: string) => {
    const at = text.indexOf('BEGIN:VEVENT');
    return `${text.slice(0, at)}${vtimezoneForYears(timeZone, new Date(earliest), new Date(latest))}${text.slice(at)}`;
  };
  const cancelled = method === 'CANCEL';
  const description = describe(context);
  // A guest's calendar opens the guest link; the member link would ask them to sign in.
  const joinLink = joinLinkFor(context);
  const common: Omit<ICalEventData, 'start'> = {
    id: event.id,
    sequence: context.sequence,
    stamp,
    timezone: timeZone,
    allDay: event.isAllDay,
    organizer: {
      name: cn(context.organizer.name ?? context.organizer.email),
      email: address(context.organizer.email),
    },
    attendees: withAttendee ? [attendeeData(context.recipient, cancelled)] : [],
    ...(joinLink !== null && !cancelled && { location: singleLine(joinLink), url: singleLine(joinLink) }),
    description,
    status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  };
  if (context.occurrence !== undefined) {
    calendar.createEvent(occurrenceEvent(common, context.occurrence));
    return { method, content: withZone(calendar.toString()) };
  }
  const cancelledDates = context.exceptions.filter((o) => o.cancelled).map((o) => o.recurrenceId);
  calendar.createEvent({
    ...common,
    summary: normalizedText(event.title),
    start: instant(event.startsAt),
    end: instant(event.endsAt),
    ...(event.recurrence.length > 0 && {
      repeating: recurrenceLines(event.recurrence, cancelledDates, { timeZone, allDay: event.isAllDay }),
    }),
  });
  if (!cancelled) {
    for (const occurrence of context.exceptions) {
      if (!occurrence.cancelled) calendar.createEvent(occurrenceEvent(common, occurrence));
    }
  }
  return { method, content: withZone(calendar.toString()) };
}

function occurrenceEvent(common: Omit<ICalEventData, 'start'>, occurrence: MailOccurrence): ICalEventData {
  return {
    ...common,
    summary: normalizedText(occurrence.title),
    start: instant(occurrence.startsAt),
    end: instant(occurrence.endsAt),
    recurrenceId: instant(occurrence.recurrenceId),
    ...(occurrence.cancelled && { status: ICalEventStatus.CANCELLED }),
  };
}

/** Where this recipient joins: the guest link for people outside, the room link for members. */
function joinLinkFor(context: MailContext): string | null {
  return context.recipient.kind === 'external' ? context.guestUrl : context.joinUrl;
}

/** The description: the event's text, then where to join and how to dial in. */
function describe(context: MailContext): string {
  const parts = [normalizedText(context.occurrence?.description ?? context.event.description).trim()];
  const join = joinLinkFor(context);
  if (join !== null) parts.push(`Join / Teilnehmen: ${singleLine(join)}`);
  if (context.dialIn !== null) {
    const { number, conferenceId, pin } = context.dialIn;
    parts.push(
      [
        ...(number !== null ? [`Dial-in / Einwahl: ${singleLine(number)}`] : []),
        `Conference ID / Konferenz-ID: ${conferenceId}`,
        `PIN: ${pin}`,
      ].join('\n'),
    );
  }
  return parts.filter((p) => p !== '').join('\n\n');
}

/** A CN parameter value: no quotes, no control characters (ical-generator quotes it). */
function cn(name: string): string {
  return singleLine(name).replace(/"/g, "'");
}

function address(email: string): string {
  return singleLine(email).replace(/[\s"<>;:,]/g, '');
}
