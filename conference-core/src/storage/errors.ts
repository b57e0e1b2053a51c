/** Errors of the storage layer; each has a stable `code` that callers branch on, never the message. */

/** The database cannot be reached (server down, wrong address, refused login). Worth retrying. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
  readonly code = 'database_unavailable';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Another live process (or this one) already has the embedded database directory open. */
export class DatabaseLockedError extends Error {
  override readonly name = 'DatabaseLockedError';
  readonly code = 'database_locked';
  readonly directory: string;
  readonly pid: number;

  constructor(directory: string, pid: number, message: string) {
    super(message);
    this.directory = directory;
    this.pid = pid;
  }
}

/**
 * Migrating the schema failed. Every pending migration runs in one transaction, so when this is
 * thrown none of them is applied and the schema is exactly as it was before the run.
 */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  readonly code = 'migration_failed';
  /** The migration that failed, when the failure was inside one (not in the bookkeeping). */
  readonly migration: string | undefined;

  constructor(message: string, options: { cause?: unknown; migration?: string | undefined } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.migration = options.migration;
  }
}

/**
 * A page cursor that this layer did not hand out: altered, truncated, or from another listing.
 * Cursors come straight from clients, so this is bad input (HTTP 400), not a bug.
 */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  readonly code = 'invalid_cursor';

  constructor(message: string) {
    super(message);
  }
}
