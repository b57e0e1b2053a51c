import type { Generated, GeneratedAlways } from 'kysely';
import type { JsonValue } from '../json.js';

/**
 * The tables as kysely sees them: snake_case columns exactly as in SQL, written by the migrations
 * in `migrations/`. Repositories map rows to the domain's camelCase types, so this file changes
 * only together with a migration.
 */
export interface DatabaseSchema {
  tenants: TenantsTable;
  users: UsersTable;
  user_identities: UserIdentitiesTable;
  groups: GroupsTable;
  group_memberships: GroupMembershipsTable;
  rooms: RoomsTable;
  events: EventsTable;
  event_exceptions: EventExceptionsTable;
  event_invites: EventInvitesTable;
  guest_links: GuestLinksTable;
  dial_in: DialInTable;
  outbox: OutboxTable;
  calendar_feed_tokens: CalendarFeedTokensTable;
  mail_deliveries: MailDeliveriesTable;
  mail_plans: MailPlansTable;
  connector_instances: ConnectorInstancesTable;
  calendar_links: CalendarLinksTable;
  calendar_poll_state: CalendarPollStateTable;
  calendar_push_deliveries: CalendarPushDeliveriesTable;
  sync_runs: SyncRunsTable;
  sync_run_marks: SyncRunMarksTable;
  sync_run_skipped: SyncRunSkippedTable;
  connector_audit_log: ConnectorAuditLogTable;
  user_roles: UserRolesTable;
  role_mappings: RoleMappingsTable;
  user_token_groups: UserTokenGroupsTable;
  calendar_sync_state: CalendarSyncStateTable;
  calendar_item_links: CalendarItemLinksTable;
}

export interface TenantsTable {
  id: Generated<string>;
  /** Lowercase letters, digits and single hyphens, 1 to 63 characters (a check constraint). */
  slug: string;
  name: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** Every table below belongs to a tenant; references between them include `tenant_id`. */
interface TenantRow {
  tenant_id: string;
}

export interface UsersTable extends TenantRow {
  id: Generated<string>;
  /** Unique per tenant compared by `lower(email)`; stored as given. */
  email: string;
  display_name: string;
  given_name: string | null;
  family_name: string | null;
  /** BCP 47, like `de` or `en`. */
  language: string | null;
  /** IANA name, like `Europe/Berlin`. */
  time_zone: string | null;
  phone: string | null;
  disabled_at: Date | null;
  /** The identity source whose sync deactivated the user (migration 0004); null otherwise. */
  deactivated_by: Generated<string | null>;
  last_login_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface UserIdentitiesTable extends TenantRow {
  user_id: string;
  /** Where the identity comes from: `oidc`, `ucs`, `microsoft365`, ... */
  source: string;
  external_id: string;
  /** The source created the user or was handed it (0005): only then it sets the profile and disables. */
  owns_user: Generated<boolean>;
  /** The sync run that made this identity (0010); a full run counts it as seen without a mark. */
  linked_by_run: string | null;
  created_at: Generated<Date>;
}

/** A stored role of a user and where it came from (`token`, `operator`); migration 0005. */
export interface UserRolesTable extends TenantRow {
  user_id: string;
  role: string;
  source: string;
  created_at: Generated<Date>;
}

export interface GroupsTable extends TenantRow {
  id: Generated<string>;
  name: string;
  /** Both null for a group made here, both set for one synced from a directory. */
  source: string | null;
  external_id: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface GroupMembershipsTable extends TenantRow {
  group_id: string;
  user_id: string;
  created_at: Generated<Date>;
}

export interface RoomsTable extends TenantRow {
  id: Generated<string>;
  owner_id: string;
  /** The meeting password people share, stored as given. */
  password: string | null;
  waiting_room: Generated<boolean>;
  guest_access: Generated<GuestAccess>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type GuestAccess = 'disabled' | 'waiting_room' | 'direct_access';

export interface EventsTable extends TenantRow {
  id: Generated<string>;
  /** Unique: each event has its own room. */
  room_id: string;
  created_by: string;
  /** At most 255 characters. */
  title: string;
  /** At most 10,000 characters. */
  description: Generated<string>;
  is_time_independent: Generated<boolean>;
  is_all_day: Generated<boolean>;
  is_adhoc: Generated<boolean>;
  /** Null exactly when the event is time independent. */
  starts_at: Date | null;
  ends_at: Date | null;
  time_zone: string | null;
  /** RRULE, RDATE and EXDATE lines; empty for a single event. */
  recurrence: Generated<string[]>;
  /** End of the last occurrence of a finite series; null for an endless series or a single event. */
  series_ends_at: Date | null;
  /** Computed by the database for the window query; see the migration. */
  window_end: GeneratedAlways<Date | null>;
  revision: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface EventExceptionsTable extends TenantRow {
  event_id: string;
  /** The original start of the occurrence: its identity (RECURRENCE-ID). */
  instance_start: Date;
  kind: EventExceptionKind;
  title: string | null;
  description: string | null;
  starts_at: Date | null;
  ends_at: Date | null;
  is_all_day: boolean | null;
  revision: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type EventExceptionKind = 'modified' | 'cancelled';

export interface EventInvitesTable extends TenantRow {
  id: Generated<string>;
  event_id: string;
  /** Exactly one of `invitee_user_id` and `email` is set. */
  invitee_user_id: string | null;
  email: string | null;
  role: InviteRole;
  status: Generated<InviteStatus>;
  created_by: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  /** Copies of the event's `starts_at` and `window_end`, kept by triggers (migration 0012). */
  event_starts_at: Generated<Date | null>;
  event_window_end: Generated<Date | null>;
}

export type InviteRole = 'user' | 'moderator' | 'guest';
export type InviteStatus = 'pending' | 'accepted' | 'tentative' | 'declined';

export interface GuestLinksTable extends TenantRow {
  code: Generated<string>;
  room_id: string;
  created_by: string;
  expires_at: Date | null;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface DialInTable extends TenantRow {
  room_id: string;
  /** Ten digits, unique across all tenants. */
  conference_id: string;
  /** Four to twelve digits. */
  pin: string;
  lobby: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface OutboxTable extends TenantRow {
  id: GeneratedAlways<number>;
  topic: string;
  aggregate_id: string;
  payload: JsonValue;
  created_at: Generated<Date>;
  dispatched_at: Date | null;
}

export interface CalendarFeedTokensTable extends TenantRow {
  user_id: string;
  /** Lowercase hex SHA-256 of the secret in the feed URL. */
  token_hash: string;
  created_at: Generated<Date>;
}

export type MailKind = 'invite' | 'update' | 'cancel' | 'uninvite';
export type MailStatus = 'pending' | 'sent' | 'dead';

export interface MailDeliveriesTable extends TenantRow {
  /** Stable per (event, revision, recipient, kind): the idempotency key of sending. */
  message_id: string;
  event_id: string;
  kind: MailKind;
  /** The envelope recipient. */
  recipient: string;
  subject: string;
  /** The envelope sender. */
  sender: string;
  /** The whole RFC 5322 message as rendered (7-bit ASCII). */
  raw: string;
  status: Generated<MailStatus>;
  attempts: Generated<number>;
  last_error: string | null;
  /** `smtp` or `folder`: where it was delivered. */
  transport: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  sent_at: Date | null;
}

export interface MailPlansTable extends TenantRow {
  /** The outbox message whose mails were rendered and recorded. */
  outbox_id: number;
  messages: number;
  planned_at: Generated<Date>;
}

export interface ConnectorInstancesTable extends TenantRow {
  id: Generated<string>;
  /** The connector definition's id, e.g. `ucs`. */
  connector_type: string;
  name: string;
  enabled: Generated<boolean>;
  /** Settings without the secret fields. */
  settings: Generated<JsonValue>;
  /** Secret fields, encrypted by the hub: field name -> ciphertext. */
  secrets: Generated<JsonValue>;
  incremental_every_ms: number | null;
  full_cron: string | null;
  /** Share (0..1) of linked users a run may deactivate without an admin's approval. */
  guard_share: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type SyncRunState = 'queued' | 'running' | 'needs_approval' | 'completed' | 'failed' | 'rejected';

export interface SyncRunsTable extends TenantRow {
  id: Generated<string>;
  instance_id: string;
  mode: 'full' | 'incremental';
  dry_run: Generated<boolean>;
  state: Generated<SyncRunState>;
  trigger: 'manual' | 'schedule';
  requested_by: string | null;
  cursor: JsonValue | null;
  start_cursor: JsonValue | null;
  batches: Generated<number>;
  seen: Generated<number>;
  created: Generated<number>;
  updated: Generated<number>;
  unchanged: Generated<number>;
  deactivated: Generated<number>;
  reactivated: Generated<number>;
  skipped: Generated<number>;
  errors: Generated<number>;
  pending_deactivations: Generated<number>;
  linked_users: Generated<number>;
  error_code: string | null;
  error_message: string | null;
  report: Generated<JsonValue>;
  lease_owner: string | null;
  heartbeat_at: Date | null;
  decided_by: string | null;
  created_at: Generated<Date>;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface SyncRunMarksTable extends TenantRow {
  run_id: string;
  kind: 'seen' | 'deleted';
  record_type: 'user' | 'group';
  external_id: string;
}

export interface SyncRunSkippedTable extends TenantRow {
  id: Generated<string>;
  run_id: string;
  record_type: string;
  external_id: string;
  /** How an admin finds the entry upstream (DN or the source's human key), when known (0005). */
  label: Generated<string | null>;
  reason: string;
  created_at: Generated<Date>;
}

export interface ConnectorAuditLogTable extends TenantRow {
  id: Generated<string>;
  instance_id: string | null;
  actor: string;
  action: string;
  details: Generated<JsonValue>;
  created_at: Generated<Date>;
}

/** A tenant's rule: members of one group get these roles (migration 0006, decision 0027). */
export interface RoleMappingsTable extends TenantRow {
  id: Generated<string>;
  /** The rule's place in the list the admin saved (0, 1, ...). */
  position: number;
  group_kind: 'connector' | 'token';
  /** Set exactly when `group_kind` is `connector`; no foreign key (a deleted connector matches nobody). */
  connector_id: string | null;
  group_name: string;
  roles: string[];
  created_at: Generated<Date>;
}

/** The `groups` claim of a person's last sign-in (migration 0006). */
export interface UserTokenGroupsTable extends TenantRow {
  user_id: string;
  group_name: string;
}

/** Which upstream appointment became which meeting (calendar connectors, migration 0007). */
export interface CalendarLinksTable extends TenantRow {
  instance_id: string;
  external_id: string;
  event_id: string;
  organizer_id: string;
  state: Generated<'active' | 'cancelled'>;
  content_hash: string;
  written_hash: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CalendarPollStateTable extends TenantRow {
  instance_id: string;
  cursor: JsonValue | null;
  polled_at: Date | null;
  last_error: string | null;
}

export interface CalendarPushDeliveriesTable {
  instance_id: string;
  delivery_id: string;
  received_at: Generated<Date>;
}

export interface CalendarSyncStateTable extends TenantRow {
  instance_id: string;
  /** The connector's calendars cursor, handed back verbatim. */
  cursor: JsonValue | null;
  /** The connector's push state, sealed by the hub (it holds subscription client states). */
  push_state: string | null;
  updated_at: Generated<Date>;
}

/** Which upstream calendar item is linked to which core event (calendars connectors, migration 0008). */
export interface CalendarItemLinksTable extends TenantRow {
  instance_id: string;
  calendar: string;
  external_id: string;
  event_id: string;
  /** For an occurrence: its original start (the core's instance identity). */
  instance_start: Date | null;
  /** Hash of the upstream item's mapped fields as last applied (migration 0011); null before. */
  fingerprint: string | null;
  updated_at: Generated<Date>;
}
