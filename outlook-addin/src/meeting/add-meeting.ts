import {
  ApiError,
  type ApiEvent,
  type EventFields,
  type MeetingApi,
  type RoomSettings,
} from '../api/meeting-api.js';
import {
  removeHtmlBlocks,
  renderHtmlBlock,
  renderTextBlock,
  withHtmlBlock,
  withTextBlock,
} from './body-block.js';
import { ourJoinLinkMatcher, withJoinLink } from './location.js';
import type { Locale, MeetingDetails } from './meeting-details.js';
import {
  officeCall,
  type AppointmentCompose,
  type CoercionType,
  type CustomProperties,
  type EmailAddressDetails,
  type OfficeRecurrence,
} from './office-item.js';
import { rruleOf } from './recurrence.js';

/** Names of our custom properties on the appointment (all of them count toward Outlook's 2,500 characters). */
export const eventIdProperty = 'vcEventId';
export const showDialInProperty = 'vcShowDialIn';

export interface AddMeetingOptions {
  readonly item: AppointmentCompose;
  readonly api: MeetingApi;
  /** The hub's public URL: join and guest links are built on it. */
  readonly publicUrl: string;
  /** IANA zone the appointment's times are meant in (the browser's, as Outlook shows them). */
  readonly timeZone: string;
  readonly locale: Locale;
  /** Settings from the task pane, applied to the meeting's room. */
  readonly settings?: RoomSettings & { readonly showDialIn?: boolean };
}

export interface AddMeetingResult {
  readonly eventId: string;
  readonly created: boolean;
  readonly details: MeetingDetails;
}

/**
 * "Add meeting": makes (or updates) our meeting from the appointment and writes its details back.
 * The appointment remembers our event id in a custom property, so a second run, or a run after the
 * organizer changed time, title, series or attendees, updates that event and replaces the one
 * body block; nothing is ever created twice. Outlook sends the invitations, so every API call
 * suppresses our mail. Office calls run one at a time (Outlook allows three at once on the web).
 */
export async function addMeeting(options: AddMeetingOptions): Promise<AddMeetingResult> {
  const { item, api } = options;
  const subject = await officeCall<string>('read the subject', (cb) => item.subject.getAsync(cb));
  const start = await officeCall<Date>('read the start', (cb) => item.start.getAsync(cb));
  const end = await officeCall<Date>('read the end', (cb) => item.end.getAsync(cb));
  const recurrence = await officeCall<OfficeRecurrence | null>('read the series', (cb) =>
    item.recurrence.getAsync(cb),
  );
  const required = await officeCall<readonly EmailAddressDetails[]>('read the attendees', (cb) =>
    item.requiredAttendees.getAsync(cb),
  );
  const optional = await officeCall<readonly EmailAddressDetails[]>('read the attendees', (cb) =>
    item.optionalAttendees.getAsync(cb),
  );
  const props = await officeCall<CustomProperties>('read the custom properties', (cb) =>
    item.loadCustomPropertiesAsync(cb),
  );

  if (!(end.getTime() > start.getTime())) throw new RangeError('the appointment ends before it starts');
  const fields: EventFields = {
    title: subject.trim().slice(0, 255) || (options.locale === 'de' ? 'Videokonferenz' : 'Video meeting'),
    starts_at: { datetime: start.toISOString(), timezone: options.timeZone },
    ends_at: { datetime: end.toISOString(), timezone: options.timeZone },
    recurrence_pattern: rruleOf(recurrence),
  };

  const { event, created } = await upsertEvent(api, props, fields, options.settings ?? {});
  if (!created && options.settings !== undefined && hasRoomSettings(options.settings)) {
    await api.updateRoom(event.room_id, roomSettingsOf(options.settings));
  }
  await syncInvites(
    api,
    event.id,
    [...required, ...optional].map((a) => a.emailAddress),
  );

  const showDialIn = options.settings?.showDialIn ?? props.get(showDialInProperty) !== false;
  const details = await detailsOf(api, event, options.publicUrl, showDialIn);
  await writeBody(item, details, options.locale);
  const location = await officeCall<string>('read the location', (cb) => item.location.getAsync(cb));
  const merged = withJoinLink(location, details.joinUrl, ourJoinLinkMatcher(options.publicUrl));
  if (merged !== location) await officeCall('write the location', (cb) => item.location.setAsync(merged, cb));
  props.set(eventIdProperty, event.id);
  props.set(showDialInProperty, showDialIn);
  await officeCall('save the custom properties', (cb) => props.saveAsync(cb));
  return { eventId: event.id, created, details };
}

function hasRoomSettings(settings: RoomSettings): boolean {
  return (
    settings.waiting_room !== undefined ||
    settings.guest_access !== undefined ||
    settings.password !== undefined
  );
}

function roomSettingsOf(settings: RoomSettings): RoomSettings {
  return {
    ...(settings.waiting_room === undefined ? {} : { waiting_room: settings.waiting_room }),
    ...(settings.guest_access === undefined ? {} : { guest_access: settings.guest_access }),
    ...(settings.password === undefined ? {} : { password: settings.password }),
  };
}

async function upsertEvent(
  api: MeetingApi,
  props: CustomProperties,
  fields: EventFields,
  settings: RoomSettings,
): Promise<{ event: ApiEvent; created: boolean }> {
  const known = props.get(eventIdProperty);
  if (typeof known === 'string' && known !== '') {
    const existing = await api.getEvent(known).catch((error: unknown) => {
      // Deleted in the meantime (or another organizer's copy): make a new one.
      if (error instanceof ApiError && (error.status === 404 || error.status === 403)) return undefined;
      throw error;
    });
    if (existing !== undefined) {
      const changes = changedFields(existing, fields);
      const event =
        Object.keys(changes).length === 0
          ? existing
          : await api.updateEvent(existing.id, existing.revision, changes);
      return { event, created: false };
    }
  }
  const event = await api.createEvent({
    ...fields,
    ...(settings.waiting_room === undefined ? {} : { waiting_room: settings.waiting_room }),
    ...(typeof settings.password === 'string' ? { password: settings.password } : {}),
  });
  if (settings.guest_access !== undefined)
    await api.updateRoom(event.room_id, { guest_access: settings.guest_access });
  return { event, created: true };
}

function changedFields(event: ApiEvent, fields: EventFields): Partial<EventFields> {
  const sameInstant = (a: string | undefined, b: string) =>
    a !== undefined && Date.parse(a) === Date.parse(b);
  return {
    ...(event.title === fields.title ? {} : { title: fields.title }),
    ...(sameInstant(event.starts_at?.datetime, fields.starts_at.datetime) &&
    event.starts_at?.timezone === fields.starts_at.timezone
      ? {}
      : { starts_at: fields.starts_at }),
    ...(sameInstant(event.ends_at?.datetime, fields.ends_at.datetime) &&
    event.ends_at?.timezone === fields.ends_at.timezone
      ? {}
      : { ends_at: fields.ends_at }),
    ...(sameRecurrence(event.recurrence_pattern, fields.recurrence_pattern)
      ? {}
      : { recurrence_pattern: fields.recurrence_pattern }),
  };
}

/** The API stores a rule with its parts in its own order: compare the parts, not the text. */
function sameRecurrence(a: readonly string[], b: readonly string[]): boolean {
  const normal = (rules: readonly string[]) =>
    rules
      .map((rule) =>
        rule
          .toUpperCase()
          .replace(/^RRULE:/, '')
          .split(';')
          .sort()
          .join(';'),
      )
      .sort()
      .join('\n');
  return normal(a) === normal(b);
}

/**
 * Invites the appointment's attendees who are not invited yet and withdraws registered users who
 * left it. An invite of a registered user names the user, not the address, so addresses are
 * matched to users through the people search. An email-only invite cannot be withdrawn through
 * the API yet; it stays (and gets no mail from us either way).
 */
async function syncInvites(api: MeetingApi, eventId: string, attendees: readonly string[]): Promise<void> {
  const me = await api.me();
  const wanted = new Set(
    attendees
      .map((email) => email.trim().toLowerCase())
      .filter((e) => e !== '' && e !== me.email.toLowerCase()),
  );
  const invites = await api.listInvites(eventId);
  const invitedEmails = new Set(invites.flatMap((i) => (i.email === null ? [] : [i.email.toLowerCase()])));
  const wantedUsers = new Set<string>();
  for (const email of wanted) {
    if (invitedEmails.has(email)) continue;
    const user = (await api.findUsers(email)).find((u) => u.email.toLowerCase() === email);
    if (user !== undefined) wantedUsers.add(user.id);
    if (user !== undefined && invites.some((i) => i.invitee_user_id === user.id)) continue;
    await api.inviteEmail(eventId, email);
  }
  for (const invite of invites) {
    if (invite.invitee_user_id !== null && !wantedUsers.has(invite.invitee_user_id)) {
      await api.uninviteUser(eventId, invite.invitee_user_id);
    }
  }
}

async function detailsOf(
  api: MeetingApi,
  event: ApiEvent,
  publicUrl: string,
  showDialIn: boolean,
): Promise<MeetingDetails> {
  const base = publicUrl.replace(/\/+$/, '');
  const links = await api.guestLinks(event.room_id);
  const now = Date.now();
  const usable =
    links.find((l) => l.active && (l.expiration === null || Date.parse(l.expiration) > now)) ??
    (await api.createGuestLink(event.room_id));
  const dialIn = showDialIn ? await api.dialIn(event.room_id) : null;
  return {
    eventId: event.id,
    joinUrl: `${base}/rooms/${event.room_id}`,
    guestUrl: `${base}/invite/${usable.invite_code}`,
    dialIn:
      dialIn === null ? null : { number: dialIn.number, conferenceId: dialIn.sip_id, pin: dialIn.password },
  };
}

async function writeBody(item: AppointmentCompose, details: MeetingDetails, locale: Locale): Promise<void> {
  const type = await officeCall<CoercionType>('read the body type', (cb) => item.body.getTypeAsync(cb));
  const current = await officeCall<string>('read the body', (cb) => item.body.getAsync(type, cb));
  const next =
    type === 'html'
      ? withHtmlBlock(current, renderHtmlBlock(details, locale))
      : withTextBlock(current, renderTextBlock(details, locale));
  await officeCall('write the body', (cb) => item.body.setAsync(next, { coercionType: type }, cb));
}

/** Whether the body already holds our block (the task pane shows "update" instead of "add"). */
export function bodyHasBlock(html: string): boolean {
  return removeHtmlBlocks(html).at !== undefined;
}
