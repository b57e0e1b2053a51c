import type { z } from 'zod';
import type { AppointmentsCapability } from './appointments.js';
import type { CalendarsCapability } from './calendars.js';
import type { DirectoryDeletion, DirectoryRecord, SkippedRecord } from './records.js';

/** Anything JSON can carry: cursors are stored by the hub as jsonb and handed back verbatim. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The narrow logger a connector gets; the hub passes a pino child with tenant and connector fields. */
export interface ConnectorLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface Clock {
  now(): Date;
}

/** Everything a connector may use. It never reads env, opens a database or imports hub code. */
export interface ConnectorContext<TSettings> {
  readonly settings: TSettings;
  readonly logger: ConnectorLogger;
  readonly fetch: typeof fetch;
  /** Aborted when the run is cancelled or the worker shuts down: stop at the next await. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
}

export type SyncMode = 'full' | 'incremental';

export interface SyncRequest {
  /**
   * `full` reads everything in scope: the hub deactivates what a *completed* full run did not see.
   * `incremental` reads changes since `cursor` (a watermark from the last completed run).
   */
  readonly mode: SyncMode;
  /**
   * null: start from the beginning. Otherwise either the cursor of the last batch of this same run
   * (resuming after a crash: continue after that batch) or, for a new incremental run, the cursor
   * of the last batch of the previous completed run.
   */
  readonly cursor: JsonValue | null;
}

/**
 * One unit the hub applies atomically together with its cursor. A crash after the hub committed
 * a batch resumes with that batch's cursor, so the connector must be able to continue from it.
 * Groups are applied with the members the hub has already linked: yield a group after the users it
 * contains (e.g. all users first, then the groups). Deletes are applied when the run completes.
 */
export interface SyncBatch {
  readonly upserts: readonly DirectoryRecord[];
  readonly deletes: readonly DirectoryDeletion[];
  readonly skipped: readonly SkippedRecord[];
  readonly cursor: JsonValue;
}

/** People and groups. Incremental mode is optional: without it the hub always runs full syncs. */
export interface UsersCapability<TSettings> {
  readonly supportsIncremental: boolean;
  /** Cheap connectivity and credentials check for the admin's "test connection" button. */
  check(ctx: ConnectorContext<TSettings>): Promise<void>;
  sync(ctx: ConnectorContext<TSettings>, request: SyncRequest): AsyncIterable<SyncBatch>;
  /**
   * Push path (optional): whether changes the upstream pushed (UCS: listener files) wait beyond
   * `cursor`, the final cursor of the last completed run. The hub asks every SYNC_PUSH_POLL_MS and
   * starts an incremental run when true, so it must be cheap and local (no upstream round trip).
   */
  hasPushedChanges?(ctx: ConnectorContext<TSettings>, cursor: JsonValue | null): Promise<boolean>;
}

export interface ConnectorCapabilities<TSettings> {
  readonly users?: UsersCapability<TSettings>;
  /** Appointments that ask for meetings (contract in `appointments.ts`). */
  readonly appointments?: AppointmentsCapability<TSettings>;
  /** Meetings in upstream calendars, kept in step with the core's (see `calendars.ts`). */
  readonly calendars?: CalendarsCapability<TSettings>;
}

/** A connector is a plain definition; the hub lists the ones it knows in an explicit registry. */
export interface ConnectorDefinition<TSchema extends z.ZodObject = z.ZodObject> {
  /** Stable id used in URLs, stored rows and identity links (`source`), e.g. `ucs`. */
  readonly id: string;
  readonly version: string;
  readonly displayName: string;
  readonly description: string;
  /** Every field `.describe()`d; secret fields wrapped with `secret()`. */
  readonly settings: TSchema;
  readonly capabilities: ConnectorCapabilities<z.output<TSchema>>;
}

/** Keeps the settings type flowing into the capabilities without spelling it twice. */
export function defineConnector<TSchema extends z.ZodObject>(
  definition: ConnectorDefinition<TSchema>,
): ConnectorDefinition<TSchema> {
  return definition;
}
