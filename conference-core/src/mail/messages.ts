import type { MailKind } from './mail-repository.js';
import type { MailLanguage } from './mail-model.js';

/** The words of the invitation mail, one catalog per language; the compiler keeps them in step. */
export interface MailMessages {
  readonly locale: string;
  readonly subject: Record<MailKind, (title: string) => string>;
  readonly subjectOccurrence: {
    readonly update: (title: string) => string;
    readonly cancel: (title: string) => string;
  };
  readonly intro: Record<MailKind, (organizer: string) => string>;
  readonly introOccurrence: {
    readonly update: (organizer: string) => string;
    readonly cancel: (organizer: string) => string;
  };
  readonly when: string;
  readonly timeIndependent: string;
  readonly recurring: string;
  readonly occurrenceOf: string;
  readonly allDay: string;
  readonly join: string;
  readonly joinAsGuest: string;
  readonly directoryHint: string;
  readonly dialIn: string;
  readonly dialInNumber: string;
  readonly conferenceId: string;
  readonly pin: string;
  readonly password: string;
  readonly description: string;
  readonly timeZoneNote: (zone: string) => string;
  readonly footer: (product: string) => string;
}

const en: MailMessages = {
  locale: 'en-GB',
  subject: {
    invite: (t) => `Invitation: ${t}`,
    update: (t) => `Updated: ${t}`,
    cancel: (t) => `Cancelled: ${t}`,
    uninvite: (t) => `You were removed from: ${t}`,
  },
  subjectOccurrence: {
    update: (t) => `Updated occurrence: ${t}`,
    cancel: (t) => `Cancelled occurrence: ${t}`,
  },
  intro: {
    invite: (o) => `${o} invites you to a video meeting.`,
    update: (o) => `${o} has changed this video meeting.`,
    cancel: (o) => `${o} has cancelled this video meeting.`,
    uninvite: (o) => `${o} has removed you from the invitees of this video meeting.`,
  },
  introOccurrence: {
    update: (o) => `${o} has changed one occurrence of this video meeting.`,
    cancel: (o) => `${o} has cancelled one occurrence of this video meeting.`,
  },
  when: 'When',
  timeIndependent: 'No fixed time',
  recurring: 'Recurring meeting',
  occurrenceOf: 'Occurrence',
  allDay: 'all day',
  join: 'Join the meeting',
  joinAsGuest: 'Join as a guest',
  directoryHint: 'Sign in with your organisation account to join.',
  dialIn: 'Join by phone',
  dialInNumber: 'Number',
  conferenceId: 'Conference ID',
  pin: 'PIN',
  password: 'Meeting password',
  description: 'Details',
  timeZoneNote: (zone) => `Times are shown in ${zone}.`,
  footer: (product) => `This message was sent by ${product}. Reply to it to reach the organiser.`,
};

const de: MailMessages = {
  locale: 'de-DE',
  subject: {
    invite: (t) => `Einladung: ${t}`,
    update: (t) => `Geändert: ${t}`,
    cancel: (t) => `Abgesagt: ${t}`,
    uninvite: (t) => `Sie wurden ausgeladen: ${t}`,
  },
  subjectOccurrence: {
    update: (t) => `Termin der Serie geändert: ${t}`,
    cancel: (t) => `Termin der Serie abgesagt: ${t}`,
  },
  intro: {
    invite: (o) => `${o} lädt Sie zu einer Videokonferenz ein.`,
    update: (o) => `${o} hat diese Videokonferenz geändert.`,
    cancel: (o) => `${o} hat diese Videokonferenz abgesagt.`,
    uninvite: (o) => `${o} hat Sie von der Teilnehmerliste dieser Videokonferenz entfernt.`,
  },
  introOccurrence: {
    update: (o) => `${o} hat einen Termin dieser Serie geändert.`,
    cancel: (o) => `${o} hat einen Termin dieser Serie abgesagt.`,
  },
  when: 'Wann',
  timeIndependent: 'Ohne festen Termin',
  recurring: 'Serientermin',
  occurrenceOf: 'Termin',
  allDay: 'ganztägig',
  join: 'An der Konferenz teilnehmen',
  joinAsGuest: 'Als Gast teilnehmen',
  directoryHint: 'Melden Sie sich mit dem Konto Ihrer Organisation an, um teilzunehmen.',
  dialIn: 'Telefonische Einwahl',
  dialInNumber: 'Rufnummer',
  conferenceId: 'Konferenz-ID',
  pin: 'PIN',
  password: 'Passwort der Konferenz',
  description: 'Details',
  timeZoneNote: (zone) => `Zeiten in der Zeitzone ${zone}.`,
  footer: (product) =>
    `Diese Nachricht wurde von ${product} versandt. Eine Antwort erreicht die einladende Person.`,
};

export const mailMessages: Readonly<Record<MailLanguage, MailMessages>> = { de, en };
