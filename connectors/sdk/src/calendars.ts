import type { ConnectorContext, JsonValue } from './connector.js';

/**
 * The `calendars` capability: meetings as they stand in an upstream calendar (Outlook, A12), read
 * so the hub can keep the core's meetings in step with them. The connector only reads and
 * normalizes; the hub decides what a change means for a core meeting (link, move, cancel).
 *
 * Calendars are partitions (a mailbox, an A12 calendar): every item and removal names its own, a
 * run may be limited to some of them (a pushed hint), and the cursor covers all of them.
 */

export interface CalendarAttendee {
  /** Lower-cased mail address. */
  readonly email: string;
  readonly name: string | null;
  readonly response: 'none' | 'accepted' | 'tentative' | 'declined';
}

/** How an upstream item points at a core meeting. */
export interface CalendarLink {
  /** Our event id, carried in a property we (or our add-in) wrote onto the item. */
  readonly eventId?: string;
  /** The room id from our join link found in the item's location, body or meeting URL. */
  readonly roomId?: string;
}

export interface CalendarItem {
  /** The calendar (partition) the item lives in, e.g. a mailbox address. */
  readonly calendar: string;
  /** Stable key of the item within its calendar (Graph: the event or occurrence id). */
  readonly externalId: string;
  /** `occurrence`: one instance of a series (moved or not); `single`: a one-off meeting. */
  readonly kind: 'single' | 'occurrence';
  /** For occurrences: the series' key, and the occurrence's original start (its identity). */
  readonly seriesExternalId: string | null;
  readonly originalStart: string | null;
  /** Null when nothing on the item points at a core meeting. */
  readonly link: CalendarLink | null;
  readonly title: string;
  /** ISO 8601 instants. */
  readonly startsAt: string;
  readonly endsAt: string;
  /** IANA or upstream zone name of the start, for display; the instants above are authoritative. */
  readonly timeZone: string | null;
  readonly isAllDay: boolean;
  /** The organizer cancelled it (the item may stay visible upstream, e.g. Outlook's "Canceled:"). */
  readonly cancelled: boolean;
  readonly organizer: string | null;
  readonly attendees: readonly CalendarAttendee[];
}

/** An item that left its calendar (deleted, or a deleted occurrence). */
export interface CalendarRemoval {
  readonly calendar: string;
  readonly externalId: string;
}

/** One unit the hub applies before storing its cursor; a crash resumes from the last stored one. */
export interface CalendarBatch {
  readonly upserts: readonly CalendarItem[];
  readonly removals: readonly CalendarRemoval[];
  /**
   * Calendars the connector had to read again from scratch in this batch (the upstream lost the
   * sync state): items of them the hub knows but the rest of the run does not yield again are
   * not to be treated as removed, since a full read only yields what is still there.
   */
  readonly restarted: readonly string[];
  readonly cursor: JsonValue;
}

export interface CalendarSyncRequest {
  /** The last stored cursor, null at first. */
  readonly cursor: JsonValue | null;
  /** Read only these calendars (a pushed hint named them); absent: all in scope. */
  readonly calendars?: readonly string[];
}

/** What a pushed notification told the hub, decided without any upstream round trip. */
export interface PushReceipt {
  /** Calendars with changes: run a sync limited to them (the push is a hint, the sync the truth). */
  readonly changed: readonly string[];
  /** Subscriptions need renewing or re-creating now (lifecycle events): call `maintain`. */
  readonly maintain: boolean;
  /** Items the receipt rejected (wrong client state, unknown subscription), for the log. */
  readonly rejected: number;
  /** The push state changed by the receipt (a subscription marked for renewal): store it. */
  readonly state?: JsonValue;
}

/** The push path: the upstream calls the hub's endpoint when a calendar changes. */
export interface CalendarPush<TSettings> {
  /**
   * The handshake some upstreams do before they push (Graph: `validationToken`): given the request
   * query, the text to answer with, or null when this request is no handshake.
   */
  handshake(query: Readonly<Record<string, string | undefined>>): string | null;
  /** Parses and verifies a pushed body against the stored push state. Must be fast and local. */
  receive(state: JsonValue | null, body: unknown): PushReceipt;
  /**
   * Creates missing subscriptions and renews expiring ones; returns the new push state (opaque,
   * stored by the hub, secrets included: the hub keeps it like settings secrets).
   */
  maintain(
    ctx: ConnectorContext<TSettings>,
    state: JsonValue | null,
    endpoint: { readonly notificationUrl: string; readonly lifecycleUrl: string },
  ): Promise<JsonValue>;
  /** When `maintain` wants to run again at the latest (renewal before expiry). */
  nextMaintenance(state: JsonValue | null): Date | null;
}

export interface CalendarsCapability<TSettings> {
  /** Reaches every calendar in scope with the configured credentials. */
  check(ctx: ConnectorContext<TSettings>): Promise<void>;
  sync(ctx: ConnectorContext<TSettings>, request: CalendarSyncRequest): AsyncIterable<CalendarBatch>;
  readonly push?: CalendarPush<TSettings>;
}
