import type { Kysely } from 'kysely';
import * as tenants from './0001-tenants.js';
import * as scheduling from './0002-scheduling.js';
import * as mail from './0003-mail.js';
import * as sync from './0004-sync.js';
import * as ownership from './0005-directory-ownership.js';
import * as roleMappings from './0006-role-mappings.js';
import * as calendarLinks from './0007-calendar-links.js';
import * as calendarSync from './0008-calendar-sync.js';
import * as bulkDirectorySync from './0010-bulk-directory-sync.js';
import * as calendarItemFingerprints from './0011-calendar-item-fingerprints.js';
import * as inviteEventTimes from './0012-invite-event-times.js';

export interface NamedMigration {
  /** Runs in order of these names (kysely sorts them), so they start with a zero-padded number. */
  readonly name: string;
  readonly up: (db: Kysely<unknown>) => Promise<void>;
  readonly down?: (db: Kysely<unknown>) => Promise<void>;
}

/**
 * Every migration, oldest first. Add a new one at the end with the next number; never rename,
 * reorder or edit one that has shipped (the database records applied names).
 */
export const migrations: readonly NamedMigration[] = [
  { name: '0001-tenants', ...tenants },
  { name: '0002-scheduling', ...scheduling },
  { name: '0003-mail', ...mail },
  { name: '0004-sync', ...sync },
  { name: '0005-directory-ownership', ...ownership },
  { name: '0006-role-mappings', ...roleMappings },
  { name: '0007-calendar-links', ...calendarLinks },
  { name: '0008-calendar-sync', ...calendarSync },
  { name: '0010-bulk-directory-sync', ...bulkDirectorySync },
  { name: '0011-calendar-item-fingerprints', ...calendarItemFingerprints },
  { name: '0012-invite-event-times', ...inviteEventTimes },
];
