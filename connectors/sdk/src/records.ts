import { z } from 'zod';

/**
 * The normalized records every directory connector yields. The hub validates each record against
 * these schemas again before applying it (a connector bug must not write bad data), and skips a
 * record that fails with the reason, instead of failing the run.
 */
export const userRecordSchema = z.object({
  type: z.literal('user'),
  /** Stable key in the upstream (UCS `entryUUID`, Graph `id`); never an email or a DN. */
  externalId: z.string().min(1).max(256).describe('stable upstream key'),
  /** Primary mail address, lower-cased by the connector; null when the upstream has none. */
  email: z.string().email().max(320).nullable(),
  /** Whether the upstream vouches for the address (UCS `mailPrimaryAddress` is admin-set). */
  emailVerified: z.boolean(),
  username: z.string().min(1).max(256).nullable(),
  firstName: z.string().max(256).nullable(),
  lastName: z.string().max(256).nullable(),
  displayName: z.string().min(1).max(256),
  /** BCP 47 primary tag, e.g. `de` or `en`; null when unknown. */
  language: z.string().min(2).max(35).nullable(),
  phone: z.string().max(64).nullable(),
  /**
   * How an admin finds the entry upstream (UCS: its DN); named in skip reasons and reports. When
   * absent the hub names the entry by `username`.
   */
  label: z.string().min(1).max(1000).optional(),
});
export type UserRecord = z.infer<typeof userRecordSchema>;

export const groupRecordSchema = z.object({
  type: z.literal('group'),
  externalId: z.string().min(1).max(256),
  name: z.string().min(1).max(256),
  /** External ids of the member users; the full set, which replaces the stored one. */
  memberExternalIds: z.array(z.string().min(1).max(256)),
});
export type GroupRecord = z.infer<typeof groupRecordSchema>;

export const directoryRecordSchema = z.discriminatedUnion('type', [userRecordSchema, groupRecordSchema]);
export type DirectoryRecord = z.infer<typeof directoryRecordSchema>;

/** A record that left the upstream (deleted, or no longer matching the connector's filter). */
export interface DirectoryDeletion {
  readonly type: 'user' | 'group';
  readonly externalId: string;
}

/**
 * A record the connector saw but could not turn into a normalized record (no mail, broken value).
 * Reported so the admin sees why someone is missing; never a reason to fail the run.
 */
export interface SkippedRecord {
  readonly type: 'user' | 'group';
  /** The upstream key when there is one, else a readable locator (a DN). */
  readonly externalId: string;
  /** How an admin finds the entry upstream (a DN), when the connector knows it. */
  readonly label?: string;
  readonly reason: string;
}
