import type { A12Settings } from '../settings.js';
import type { FakeModel } from './fake-data-services.js';

/** An appointment model as a case-management app might define it (our example, not A12's). */
export const appointmentModel: FakeModel = {
  name: 'Appointment',
  fields: [
    '/Appointment/Subject',
    '/Appointment/Start',
    '/Appointment/End',
    '/Appointment/TimeZone',
    '/Appointment/Organizer',
    '/Appointment/Participants/Email',
    '/Appointment/VideoMeeting',
    '/Appointment/Status',
    '/Appointment/Video/EventId',
    '/Appointment/Video/JoinUrl',
    '/Appointment/Video/GuestUrl',
    '/Appointment/Video/DialIn',
  ],
};

/** Settings input mapping `appointmentModel`, for a fake at `url`. */
export function appointmentSettingsInput(fake: { url: string; tokenUrl: string }): Record<string, unknown> {
  return {
    dataServicesUrl: fake.url,
    tokenUrl: fake.tokenUrl,
    clientId: 'vc-hub',
    clientSecret: 'fake-client-secret',
    documentModel: 'Appointment',
    titleField: '/Appointment/Subject',
    startField: '/Appointment/Start',
    endField: '/Appointment/End',
    timeZoneField: '/Appointment/TimeZone',
    participantsField: '/Appointment/Participants/Email',
    organizerField: '/Appointment/Organizer',
    defaultOrganizerEmail: 'organizer@example.org',
    videoWantedField: '/Appointment/VideoMeeting',
    statusField: '/Appointment/Status',
    eventIdField: '/Appointment/Video/EventId',
    joinUrlField: '/Appointment/Video/JoinUrl',
    guestUrlField: '/Appointment/Video/GuestUrl',
    dialInField: '/Appointment/Video/DialIn',
    pageSize: 2,
    overlapSeconds: 0,
    timeoutMs: 5000,
  } satisfies Partial<Record<keyof A12Settings, unknown>>;
}

/** A document of `appointmentModel`. */
export function appointmentDocument(input: {
  subject: string;
  start: string;
  end: string;
  participants?: readonly string[];
  organizer?: string;
  video?: boolean;
  status?: string;
  timeZone?: string;
}): Record<string, unknown> {
  return {
    Appointment: {
      Subject: input.subject,
      Start: input.start,
      End: input.end,
      ...(input.timeZone !== undefined && { TimeZone: input.timeZone }),
      ...(input.organizer !== undefined && { Organizer: input.organizer }),
      Participants: (input.participants ?? []).map((email) => ({ Email: email })),
      VideoMeeting: input.video ?? true,
      Status: input.status ?? 'PLANNED',
    },
  };
}
