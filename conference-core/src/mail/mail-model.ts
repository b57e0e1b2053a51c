import type { InviteRole, InviteStatus } from '../storage/invite-repository.js';
import type { MailKind } from './mail-repository.js';

export type MailLanguage = 'de' | 'en';
export const mailLanguages: readonly MailLanguage[] = ['de', 'en'];

/**
 * Who gets the mail: a person who signed in before (`registered`), one known from the directory
 * who never signed in (`directory`), or a bare address outside the tenant (`external`, who joins
 * through a guest link).
 */
export type RecipientKind = 'registered' | 'directory' | 'external';

export interface MailPerson {
  readonly email: string;
  /** Null when only the address is known. */
  readonly name: string | null;
}

export interface MailRecipient extends MailPerson {
  readonly kind: RecipientKind;
  readonly role: InviteRole;
  readonly language: MailLanguage;
  /** IANA zone the times are shown in. */
  readonly timeZone: string;
  /**
   * What the invitee answered; a CANCEL keeps it as the ATTENDEE's PARTSTAT (a calendar that
   * shows the accepted meeting as cancelled must not see it turned back into "needs action").
   */
  readonly response?: InviteStatus;
}

/** The event as the mail shows it; for a cancellation, the snapshot the outbox kept. */
export interface MailEvent {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly isTimeIndependent: boolean;
  readonly isAllDay: boolean;
  readonly startsAt: Date | null;
  readonly endsAt: Date | null;
  readonly timeZone: string | null;
  /** RRULE, RDATE and EXDATE lines as stored. */
  readonly recurrence: readonly string[];
  /** End of the last occurrence of a finite series, when known. */
  readonly seriesEndsAt: Date | null;
}

/** An occurrence that differs from the rule (sent along with a series, or alone). */
export interface MailOccurrence {
  /** The original start: its RECURRENCE-ID. */
  readonly recurrenceId: Date;
  readonly cancelled: boolean;
  readonly title: string;
  readonly description: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
}

export interface MailDialIn {
  /** The number to call, when configured. */
  readonly number: string | null;
  readonly conferenceId: string;
  readonly pin: string;
}

/** Everything one message is rendered from: no database, no clock. */
export interface MailContext {
  readonly tenantId: string;
  readonly kind: MailKind;
  /** The ICS SEQUENCE: the event's revision (one more for a cancellation of the whole event). */
  readonly sequence: number;
  readonly event: MailEvent;
  /** Set when the change concerns one occurrence only: the mail carries just that VEVENT. */
  readonly occurrence?: MailOccurrence;
  /** Changed or cancelled occurrences of a series, sent with the series. */
  readonly exceptions: readonly MailOccurrence[];
  readonly organizer: MailPerson;
  readonly recipient: MailRecipient;
  readonly joinUrl: string | null;
  readonly guestUrl: string | null;
  readonly dialIn: MailDialIn | null;
  readonly password: string | null;
}

/** Settings of the mailer that do not change per message. */
export interface MailSettings {
  /** The service address mail comes from, like `vc-hub <noreply@example.org>`. */
  readonly from: string;
  readonly defaultLanguage: MailLanguage;
  /** Shown in the dial-in block; null: the block shows conference id and PIN only. */
  readonly dialInNumber: string | null;
  readonly productName: string;
}

/** `de-DE`, `DE`, `de_AT` -> `de`; anything else we have no template for -> undefined. */
export function mailLanguage(tag: string | null | undefined): MailLanguage | undefined {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return mailLanguages.find((language) => language === primary);
}

// Text values of a calendar object and of a mail header are cleaned the same way.
export { normalizedText, singleLine } from '../calendar/ical-text.js';
