/** The API v1 shapes the web client reads (see /v1/openapi.json). */

export interface ZonedTime {
  readonly datetime: string;
  readonly timezone: string;
}

export interface MeetingEvent {
  readonly id: string;
  readonly room_id: string;
  readonly created_by: string;
  readonly title: string;
  readonly description: string;
  readonly is_time_independent: boolean;
  readonly is_all_day: boolean;
  readonly is_adhoc: boolean;
  readonly starts_at: ZonedTime | null;
  readonly ends_at: ZonedTime | null;
  readonly recurrence_pattern: readonly string[];
  readonly revision: number;
}

export interface Instance {
  readonly instance_id: string;
  readonly event_id: string;
  readonly title: string;
  readonly is_all_day: boolean;
  readonly starts_at: ZonedTime;
  readonly ends_at: ZonedTime;
  readonly status: 'scheduled' | 'cancelled';
}

export type InviteRole = 'user' | 'moderator' | 'guest';
export type InviteStatus = 'pending' | 'accepted' | 'tentative' | 'declined';

export interface EventInvite {
  readonly id: string;
  readonly event_id: string;
  readonly invitee_user_id: string | null;
  readonly email: string | null;
  readonly role: InviteRole;
  readonly status: InviteStatus;
}

export type GuestAccess = 'disabled' | 'waiting_room' | 'direct_access';

export interface Room {
  readonly id: string;
  readonly owner_id: string;
  readonly password?: string | null;
  readonly waiting_room: boolean;
  readonly guest_access: GuestAccess;
}

export interface GuestLink {
  readonly invite_code: string;
  readonly room_id: string;
  readonly expiration: string | null;
  readonly active: boolean;
}

export interface DialIn {
  readonly sip_id: string;
  readonly password: string;
  /** The number to dial; null when the deployment has none configured. */
  readonly number: string | null;
}

export interface PublicUser {
  readonly id: string;
  readonly display_name: string;
  readonly email: string;
}

export interface Me {
  readonly id: string;
  readonly email: string;
  readonly display_name: string;
  readonly time_zone: string | null;
  readonly language: string | null;
  /** What the tenant's group mapping lets me do (decision 0027), e.g. `schedule`. */
  readonly permissions: readonly string[];
}

export interface StartAnswer {
  readonly ticket: string;
  readonly signaling_url: string;
}

export interface InviteRoom {
  readonly room_id: string;
  readonly password_required: boolean;
  readonly guest_access: GuestAccess;
}
