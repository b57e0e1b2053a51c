import type { Locale } from '../meeting/meeting-details.js';

export const tabText: Record<Locale, Record<string, string>> = {
  en: {
    title: 'My meetings',
    signIn: 'Sign in',
    meetNow: 'Meet now',
    schedule: 'Schedule in Outlook',
    join: 'Join',
    none: 'No meetings in the next two weeks.',
    meetNowTitle: 'Meeting now',
    scheduledTitle: 'Video meeting',
  },
  de: {
    title: 'Meine Besprechungen',
    signIn: 'Anmelden',
    meetNow: 'Jetzt treffen',
    schedule: 'In Outlook planen',
    join: 'Teilnehmen',
    none: 'Keine Besprechungen in den nächsten zwei Wochen.',
    meetNowTitle: 'Spontane Besprechung',
    scheduledTitle: 'Videokonferenz',
  },
};
