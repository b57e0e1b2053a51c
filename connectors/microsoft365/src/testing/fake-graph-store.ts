import { randomUUID } from 'node:crypto';

/**
 * The data of the fake Microsoft Graph (a FAKE built from the documented shapes in Microsoft's
 * Graph reference: user, event, calendarView delta; see shared reference outlook-calendar.md 4.7).
 * Every change gets a sequence number; delta tokens are "changes after sequence N", which is
 * what Graph's opaque tokens amount to for a client.
 */

export interface FakeUser {
  id: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  userPrincipalName: string;
  accountEnabled: boolean;
  preferredLanguage: string | null;
  mobilePhone: string | null;
  businessPhones: string[];
  groups: string[];
  deleted: boolean;
  seq: number;
  createdSeq: number;
}

export interface FakeAttendee {
  type: 'required' | 'optional' | 'resource';
  status: { response: string; time: string };
  emailAddress: { name: string; address: string };
}

export interface FakeEvent {
  id: string;
  iCalUId: string;
  changeKey: string;
  subject: string;
  body: { contentType: 'html' | 'text'; content: string };
  start: { dateTime: string; timeZone: 'UTC' };
  end: { dateTime: string; timeZone: 'UTC' };
  originalStartTimeZone: string;
  isAllDay: boolean;
  isCancelled: boolean;
  location: { displayName: string };
  attendees: FakeAttendee[];
  organizer: { emailAddress: { name: string; address: string } };
  type: 'singleInstance' | 'occurrence' | 'exception';
  seriesMasterId: string | null;
  originalStart: string | null;
  transactionId: string | null;
  isOnlineMeeting: boolean;
  onlineMeetingProvider: 'unknown';
  singleValueExtendedProperties: { id: string; value: string }[];
  deleted: boolean;
  seq: number;
  createdSeq: number;
}

export interface NewFakeEvent {
  subject: string;
  start: Date;
  end: Date;
  location?: string;
  body?: string;
  attendees?: { address: string; name?: string; response?: string; type?: FakeAttendee['type'] }[];
  organizer?: string;
  type?: FakeEvent['type'];
  seriesMasterId?: string;
  originalStart?: Date;
  properties?: { id: string; value: string }[];
  transactionId?: string;
  timeZone?: string;
}

export type EventChange = Partial<Omit<NewFakeEvent, 'type' | 'seriesMasterId' | 'originalStart'>> & {
  isCancelled?: boolean;
};

/** Graph's local date-time form: no offset, seven fraction digits, zone given beside it. */
export const graphDateTime = (d: Date) =>
  d
    .toISOString()
    .replace('Z', '')
    .replace(/\.(\d{3})$/, '.$10000');

export class FakeGraphStore {
  seq = 0;
  readonly users = new Map<string, FakeUser>();
  /** mailbox (lower case) -> event id -> event */
  readonly calendars = new Map<string, Map<string, FakeEvent>>();
  /** Bumped to invalidate every delta token of a mailbox (410 SyncStateNotFound). */
  readonly syncEpoch = new Map<string, number>();
  usersEpoch = 0;
  /** Called after each event change (the push path hooks in here). */
  onEventChange: (mailbox: string, event: FakeEvent, changeType: 'created' | 'updated' | 'deleted') => void =
    () => undefined;

  addUser(input: {
    mail: string | null;
    givenName?: string;
    surname?: string;
    displayName?: string;
    upn?: string;
    groups?: string[];
  }): FakeUser {
    const seq = ++this.seq;
    const user: FakeUser = {
      id: randomUUID(),
      displayName: input.displayName ?? [input.givenName, input.surname].filter(Boolean).join(' '),
      givenName: input.givenName ?? null,
      surname: input.surname ?? null,
      mail: input.mail,
      userPrincipalName: input.upn ?? input.mail ?? `${randomUUID()}@fake.onmicrosoft.com`,
      accountEnabled: true,
      preferredLanguage: 'en-US',
      mobilePhone: null,
      businessPhones: [],
      groups: input.groups ?? [],
      deleted: false,
      seq,
      createdSeq: seq,
    };
    this.users.set(user.id, user);
    if (user.mail !== null) this.calendarOf(user.mail);
    return user;
  }

  changeUser(
    id: string,
    change: Partial<Pick<FakeUser, 'givenName' | 'surname' | 'mail' | 'accountEnabled' | 'displayName'>>,
  ): void {
    const user = this.users.get(id);
    if (user === undefined) throw new Error(`no fake user ${id}`);
    Object.assign(user, change, { seq: ++this.seq });
  }

  deleteUser(id: string): void {
    const user = this.users.get(id);
    if (user !== undefined) Object.assign(user, { deleted: true, seq: ++this.seq });
  }

  clearUsers(): void {
    for (const user of this.users.values()) if (!user.deleted) this.deleteUser(user.id);
  }

  calendarOf(mailbox: string): Map<string, FakeEvent> {
    const key = mailbox.toLowerCase();
    let calendar = this.calendars.get(key);
    if (calendar === undefined) {
      calendar = new Map();
      this.calendars.set(key, calendar);
    }
    return calendar;
  }

  hasMailbox(mailbox: string): boolean {
    return this.calendars.has(mailbox.toLowerCase());
  }

  createEvent(mailbox: string, input: NewFakeEvent): FakeEvent {
    const calendar = this.calendarOf(mailbox);
    if (input.transactionId !== undefined) {
      const existing = [...calendar.values()].find((e) => e.transactionId === input.transactionId);
      if (existing !== undefined) return existing; // Graph dedups retried creates by transactionId
    }
    const seq = ++this.seq;
    const organizer = input.organizer ?? mailbox;
    const event: FakeEvent = {
      id: `AAMk${randomUUID().replace(/-/g, '')}`,
      iCalUId: `040000008200E00074C5B7101A82E008${randomUUID().replace(/-/g, '').toUpperCase()}`,
      changeKey: String(seq),
      subject: input.subject,
      body: { contentType: 'html', content: input.body ?? '' },
      start: { dateTime: graphDateTime(input.start), timeZone: 'UTC' },
      end: { dateTime: graphDateTime(input.end), timeZone: 'UTC' },
      originalStartTimeZone: input.timeZone ?? 'W. Europe Standard Time',
      isAllDay: false,
      isCancelled: false,
      location: { displayName: input.location ?? '' },
      attendees: (input.attendees ?? []).map((a) => ({
        type: a.type ?? 'required',
        status: { response: a.response ?? 'none', time: '0001-01-01T00:00:00Z' },
        emailAddress: { name: a.name ?? a.address, address: a.address },
      })),
      organizer: { emailAddress: { name: organizer, address: organizer } },
      type: input.type ?? 'singleInstance',
      seriesMasterId: input.seriesMasterId ?? null,
      originalStart:
        input.originalStart === undefined ? null : input.originalStart.toISOString().replace('.000Z', 'Z'),
      transactionId: input.transactionId ?? null,
      isOnlineMeeting: false,
      onlineMeetingProvider: 'unknown',
      singleValueExtendedProperties: input.properties ?? [],
      deleted: false,
      seq,
      createdSeq: seq,
    };
    calendar.set(event.id, event);
    this.onEventChange(mailbox.toLowerCase(), event, 'created');
    return event;
  }

  event(mailbox: string, id: string): FakeEvent | undefined {
    const event = this.calendars.get(mailbox.toLowerCase())?.get(id);
    return event === undefined || event.deleted ? undefined : event;
  }

  updateEvent(mailbox: string, id: string, change: EventChange): FakeEvent {
    const event = this.event(mailbox, id);
    if (event === undefined) throw new Error(`no fake event ${id} in ${mailbox}`);
    if (change.subject !== undefined) event.subject = change.subject;
    if (change.start !== undefined) event.start = { dateTime: graphDateTime(change.start), timeZone: 'UTC' };
    if (change.end !== undefined) event.end = { dateTime: graphDateTime(change.end), timeZone: 'UTC' };
    if (change.location !== undefined) event.location = { displayName: change.location };
    if (change.body !== undefined) event.body = { contentType: 'html', content: change.body };
    if (change.isCancelled !== undefined) event.isCancelled = change.isCancelled;
    if (change.properties !== undefined) event.singleValueExtendedProperties = change.properties;
    if (change.attendees !== undefined) {
      event.attendees = change.attendees.map((a) => ({
        type: a.type ?? 'required',
        status: { response: a.response ?? 'none', time: '0001-01-01T00:00:00Z' },
        emailAddress: { name: a.name ?? a.address, address: a.address },
      }));
    }
    // Moving one occurrence of a series turns it into an exception, as Outlook does.
    if (event.type === 'occurrence' && (change.start !== undefined || change.end !== undefined)) {
      event.type = 'exception';
    }
    event.seq = ++this.seq;
    event.changeKey = String(event.seq);
    this.onEventChange(mailbox.toLowerCase(), event, 'updated');
    return event;
  }

  deleteEvent(mailbox: string, id: string): void {
    const event = this.event(mailbox, id);
    if (event === undefined) throw new Error(`no fake event ${id} in ${mailbox}`);
    event.deleted = true;
    event.seq = ++this.seq;
    this.onEventChange(mailbox.toLowerCase(), event, 'deleted');
  }

  /** The next request with any delta token of the mailbox answers 410 SyncStateNotFound. */
  expireSyncState(mailbox: string): void {
    const key = mailbox.toLowerCase();
    this.syncEpoch.set(key, (this.syncEpoch.get(key) ?? 0) + 1);
  }
}

/** What Graph returns for an event (extended properties only when expanded, those asked for). */
export function eventJson(event: FakeEvent, expandProperties?: readonly string[]): Record<string, unknown> {
  const { deleted: _d, seq: _s, createdSeq: _c, singleValueExtendedProperties, ...visible } = event;
  const json: Record<string, unknown> = { '@odata.etag': `W/"${event.changeKey}"`, ...visible };
  if (expandProperties !== undefined) {
    const wanted = new Set(expandProperties.map((id) => id.toLowerCase()));
    json['singleValueExtendedProperties'] = singleValueExtendedProperties.filter((p) =>
      wanted.has(p.id.toLowerCase()),
    );
  }
  return json;
}

export function userJson(user: FakeUser): Record<string, unknown> {
  const { deleted: _d, seq: _s, createdSeq: _c, groups: _g, ...visible } = user;
  return visible;
}
