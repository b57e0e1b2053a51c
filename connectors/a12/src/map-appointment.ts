import type { CalendarAppointment, SkippedAppointment } from '@vc/connector-sdk';

import { valueAt, valuesAt } from './document-tree.js';
import type { A12Settings } from './settings.js';

/** A document as Data Services returns it: its reference and its tree. */
export interface A12Document {
  readonly docRef: string;
  readonly document: unknown;
  /** Modification time from the metadata, ISO; the poll cursor moves along it. */
  readonly modifiedAt: string;
}

export type MappedDocument =
  { ok: true; appointment: CalendarAppointment } | { ok: false; skipped: SkippedAppointment };

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Turns a document into an appointment through the configured field mapping. */
export function mapDocument(settings: A12Settings, doc: A12Document): MappedDocument {
  const skip = (reason: string): MappedDocument => ({
    ok: false,
    skipped: { externalId: doc.docRef, label: doc.docRef, reason },
  });
  const text = (path: string | undefined, role: string): string | null | Error => {
    if (path === undefined) return null;
    const found = valueAt(doc.document, path);
    if (found === undefined) return null;
    if ('repeated' in found) return new Error(`${role} (${path}) holds several values`);
    if (typeof found.value !== 'string') return new Error(`${role} (${path}) is not text`);
    return found.value.trim() === '' ? null : found.value.trim();
  };

  const wanted = valueAt(doc.document, settings.videoWantedField);
  const wantsMeeting = wanted !== undefined && 'value' in wanted && wanted.value === true;
  const status = text(settings.statusField, 'status');
  if (status instanceof Error) return skip(status.message);
  const cancelled = status !== null && settings.cancelledStatuses.includes(status);
  const linked = text(settings.eventIdField, 'event id');
  const linkedEventId = linked instanceof Error ? null : linked;

  const title = text(settings.titleField, 'title');
  if (title instanceof Error) return skip(title.message);
  const start = dateAt(doc.document, settings.startField, 'start');
  const end = dateAt(doc.document, settings.endField, 'end');
  // A document that wants no meeting (or is cancelled) needs no times: we only cancel ours.
  const needsTimes = wantsMeeting && !cancelled;
  if (needsTimes && start instanceof Error) return skip(start.message);
  if (needsTimes && end instanceof Error) return skip(end.message);
  const startsAt = start instanceof Date ? start : new Date(0);
  const endsAt = end instanceof Date ? end : new Date(0);
  if (needsTimes && endsAt.getTime() <= startsAt.getTime()) {
    return skip(`end (${settings.endField}) is not after start (${settings.startField})`);
  }
  const zone = text(settings.timeZoneField, 'time zone');
  if (zone instanceof Error) return skip(zone.message);
  const timeZone = zone ?? settings.defaultTimeZone;
  if (!isTimeZone(timeZone)) return skip(`time zone "${timeZone}" is not an IANA zone`);

  const organizer = text(settings.organizerField, 'organizer');
  if (organizer instanceof Error) return skip(organizer.message);
  const organizerEmail = organizer?.toLowerCase() ?? null;
  if (organizerEmail !== null && !emailPattern.test(organizerEmail)) {
    return skip(`organizer (${settings.organizerField ?? ''}) "${organizerEmail}" is not an email address`);
  }
  const participants = new Set<string>();
  for (const value of valuesAt(doc.document, settings.participantsField)) {
    if (typeof value !== 'string' || !emailPattern.test(value.trim())) {
      return skip(
        `participants (${settings.participantsField}) hold "${String(value)}", not an email address`,
      );
    }
    const email = value.trim().toLowerCase();
    if (email !== organizerEmail) participants.add(email);
  }
  return {
    ok: true,
    appointment: {
      externalId: doc.docRef,
      label: doc.docRef,
      title: title ?? doc.docRef,
      startsAt,
      endsAt,
      timeZone,
      organizerEmail,
      participantEmails: [...participants].sort(),
      wantsMeeting,
      cancelled,
      linkedEventId,
    },
  };
}

function dateAt(document: unknown, path: string, role: string): Date | Error {
  const found = valueAt(document, path);
  if (found === undefined) return new Error(`${role} (${path}) is empty`);
  if ('repeated' in found) return new Error(`${role} (${path}) holds several values`);
  // Date-times carry their offset; a bare local time would be ambiguous across zones.
  if (
    typeof found.value !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(found.value)
  ) {
    return new Error(`${role} (${path}) is not an ISO date-time with offset: ${JSON.stringify(found.value)}`);
  }
  const date = new Date(found.value);
  return Number.isNaN(date.getTime()) ? new Error(`${role} (${path}) is not a valid date`) : date;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
