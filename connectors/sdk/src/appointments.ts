import type { ConnectorContext, JsonValue } from './connector.js';

/**
 * The `appointments` capability: appointments that live in a business application (an A12
 * document) and ask for a meeting. The connector reads them; the hub creates, updates or cancels
 * the core meeting and hands the meeting's access details back to be written into the appointment.
 *
 * Not the `calendars` capability (`calendars.ts`, Microsoft 365): that one mirrors calendars that
 * already hold our meetings and never creates one; this one creates meetings and writes back.
 */

/** One appointment as the upstream has it now, normalized. */
export interface CalendarAppointment {
  /** Stable upstream key (A12 docRef, Graph event id); the hub links it to one core meeting. */
  readonly externalId: string;
  /** How an admin finds it upstream; named in logs and skip reasons. */
  readonly label?: string;
  readonly title: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
  /** IANA zone the appointment was planned in, e.g. `Europe/Berlin`. */
  readonly timeZone: string;
  /** Organizer's address when the upstream names one; the hub falls back to its own default. */
  readonly organizerEmail: string | null;
  /** Invitees' addresses, lower-cased, without the organizer. */
  readonly participantEmails: readonly string[];
  /** false: the appointment exists but wants no meeting (or no longer): the hub cancels ours. */
  readonly wantsMeeting: boolean;
  /** Cancelled upstream: the hub cancels the meeting. */
  readonly cancelled: boolean;
  /**
   * The core event id the upstream already holds (written back by us earlier), or null. Lets the
   * hub recognise its own meeting even if its own link row was lost.
   */
  readonly linkedEventId: string | null;
}

/** An appointment the connector saw but could not normalize (no start, bad address). */
export interface SkippedAppointment {
  readonly externalId: string;
  readonly label?: string;
  readonly reason: string;
}

/** One page of changed appointments; the hub applies it, then stores `cursor`. */
export interface AppointmentBatch {
  readonly appointments: readonly CalendarAppointment[];
  readonly skipped: readonly SkippedAppointment[];
  readonly cursor: JsonValue;
}

/** What the hub asks the connector to write into the appointment after applying it. */
export interface MeetingAccess {
  /** The core event id: the idempotency key of the write-back. */
  readonly eventId: string;
  readonly joinUrl: string;
  readonly guestUrl: string | null;
  readonly dialIn: {
    readonly number: string | null;
    readonly conferenceId: string;
    readonly pin: string;
  } | null;
}

export interface AppointmentsCapability<TSettings> {
  /** Connectivity, credentials and the settings' fit to the upstream ("test connection"). */
  check(ctx: ConnectorContext<TSettings>): Promise<void>;
  /**
   * Called when an admin saves the connector: fails with `invalid_settings` naming the setting or
   * field that does not fit the upstream (a field mapping to a field the model lacks).
   */
  validate(ctx: ConnectorContext<TSettings>): Promise<void>;
  /**
   * Appointments changed after `cursor` (null: all), in batches, oldest change first; each batch's
   * cursor resumes after it. Must throw (retryable or not), never end early, when reading fails.
   */
  poll(ctx: ConnectorContext<TSettings>, cursor: JsonValue | null): AsyncIterable<AppointmentBatch>;
  /** One appointment by its key, e.g. after a push hint; null when it is gone. */
  fetch(ctx: ConnectorContext<TSettings>, externalId: string): Promise<CalendarAppointment | null>;
  /**
   * Writes the meeting's access details into the appointment. Idempotent: writing what the
   * appointment already holds changes nothing upstream.
   */
  writeBack(ctx: ConnectorContext<TSettings>, externalId: string, access: MeetingAccess): Promise<void>;
}
