/** What the add-in writes into an appointment: the meeting's links and its dial-in. */
export interface MeetingDetails {
  readonly eventId: string;
  readonly joinUrl: string;
  readonly guestUrl: string | null;
  readonly dialIn: {
    /** The deployment's phone number; null when none is configured. */
    readonly number: string | null;
    readonly conferenceId: string;
    readonly pin: string;
  } | null;
}

export type Locale = 'de' | 'en';

export const blockLabels: Record<
  Locale,
  { heading: string; join: string; guests: string; phone: string; conferenceId: string; pin: string }
> = {
  en: {
    heading: 'Video meeting',
    join: 'Join the meeting',
    guests: 'Guests without an account',
    phone: 'By phone',
    conferenceId: 'Conference ID',
    pin: 'PIN',
  },
  de: {
    heading: 'Videokonferenz',
    join: 'An der Besprechung teilnehmen',
    guests: 'Gäste ohne Konto',
    phone: 'Per Telefon',
    conferenceId: 'Konferenz-ID',
    pin: 'PIN',
  },
};

export function localeOf(language: string | undefined): Locale {
  return language?.toLowerCase().startsWith('de') === true ? 'de' : 'en';
}
