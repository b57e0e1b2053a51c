import type { UserPatch } from '../storage/user-repository.js';
import type { DirectorySkip, DirectoryUser } from './directory-types.js';

/** A stored user as the plan needs it: the profile the directory sets, and whether it is active. */
export interface StoredUser {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly language: string | null;
  readonly phone: string | null;
  readonly disabledAt: Date | null;
  readonly deactivatedBy: string | null;
}

/** What the database holds for one batch, read in two queries before anything is written. */
export interface BatchState {
  /** Users linked to this source, by the external id of the batch they are linked by. */
  readonly linked: ReadonlyMap<string, StoredUser>;
  /**
   * Users holding an address the batch asks about (by lowercased address), and whether each
   * already has an identity of this source.
   */
  readonly byEmail: ReadonlyMap<string, { readonly user: StoredUser; readonly hasSourceIdentity: boolean }>;
}

/** A linked user whose profile changes. */
export interface PlannedUpdate {
  readonly record: DirectoryUser & { readonly email: string };
  readonly userId: string;
  readonly patch: UserPatch;
}

/** A record claiming an existing user by its (directory-vouched) address. */
export interface PlannedLink extends PlannedUpdate {
  readonly patch: UserPatch;
  /** The user was deactivated by this source and comes back with the link. */
  readonly reactivate: boolean;
}

export interface UserPlan {
  /** Linked users this source deactivated, seen again: enabled again. */
  readonly reactivate: readonly string[];
  /** In record order; an update whose patch carries the address must run in this order. */
  readonly updates: readonly PlannedUpdate[];
  readonly links: readonly PlannedLink[];
  readonly creates: readonly (DirectoryUser & { readonly email: string })[];
  readonly unchanged: number;
  readonly skipped: readonly DirectorySkip[];
}

/**
 * Decides what each record of a batch does, from what the database held before the batch, as if
 * the records were applied one after another in order: a record sees the addresses the records
 * before it took or gave up. The rules are the ones of a single record:
 *
 * - linked by (source, external id): its profile is updated, and it is enabled again when this
 *   source had deactivated it; an address another user holds is not taken (the profile stays);
 * - not linked, and a user holds the address: linked to that user only when the directory vouches
 *   for the address and the user has no other identity of this source (else anyone who can set a
 *   mail attribute could take over an account, or two entries would share one user);
 * - otherwise a new user.
 *
 * One conservative difference to strictly sequential writes: an address a linked user gives up in
 * this batch is free for the records after it, but an address held by a user who gives it up only
 * later in the batch is not (the next run settles it).
 */
export function planUsers(source: string, records: readonly DirectoryUser[], state: BatchState): UserPlan {
  const skipped: DirectorySkip[] = [];
  const skip = (record: DirectoryUser, reason: string) =>
    skipped.push({ type: 'user', externalId: record.externalId, reason });
  const reactivate: string[] = [];
  const updates: PlannedUpdate[] = [];
  const links: PlannedLink[] = [];
  const creates: (DirectoryUser & { email: string })[] = [];
  let unchanged = 0;

  // Who holds each address as the batch goes on; `hasSourceIdentity` grows as records link users.
  const holders = new Map<string, { userId: string | null; hasSourceIdentity: boolean }>();
  for (const [key, held] of state.byEmail) {
    holders.set(key, { userId: held.user.id, hasSourceIdentity: held.hasSourceIdentity });
  }
  for (const user of state.linked.values()) {
    holders.set(emailKey(user.email), { userId: user.id, hasSourceIdentity: true });
  }

  for (const record of lastPerExternalId(records)) {
    const { email } = record;
    if (email === null) {
      skip(record, 'no email address: people need one to sign in and be invited');
      continue;
    }
    const withEmail = { ...record, email };
    const linked = state.linked.get(record.externalId);
    if (linked !== undefined) {
      const reactivated = linked.disabledAt !== null && linked.deactivatedBy === source;
      if (reactivated) reactivate.push(linked.id);
      const patch = changedFields(linked, withEmail);
      if (patch === undefined) {
        if (!reactivated) unchanged++;
        continue;
      }
      const from = emailKey(linked.email);
      const to = emailKey(email);
      if (from !== to) {
        const holder = holders.get(to);
        if (holder !== undefined && holder.userId !== linked.id) {
          skip(record, `email ${email} already belongs to another user; profile not updated`);
          continue;
        }
        holders.delete(from);
        holders.set(to, { userId: linked.id, hasSourceIdentity: true });
      }
      updates.push({ record: withEmail, userId: linked.id, patch });
      continue;
    }

    const key = emailKey(email);
    const holder = holders.get(key);
    if (holder !== undefined) {
      if (!record.emailVerified) {
        skip(record, `a user with email ${email} exists and the directory does not vouch for the address`);
        continue;
      }
      const user = holder.userId === null ? undefined : state.byEmail.get(key)?.user;
      if (holder.hasSourceIdentity || user === undefined) {
        skip(record, `email ${email} is already linked to another entry of this directory`);
        continue;
      }
      holder.hasSourceIdentity = true;
      links.push({
        record: withEmail,
        userId: user.id,
        patch: changedFields(user, withEmail) ?? {},
        reactivate: user.disabledAt !== null && user.deactivatedBy === source,
      });
      continue;
    }
    // A user created by this batch: later records find the address taken and linked.
    holders.set(key, { userId: null, hasSourceIdentity: true });
    creates.push(withEmail);
  }
  return { reactivate, updates, links, creates, unchanged, skipped };
}

/** The addresses the database must be asked about: those of records not linked, and new ones. */
export function emailsToLookUp(
  records: readonly DirectoryUser[],
  linked: ReadonlyMap<string, StoredUser>,
): string[] {
  const keys = new Set<string>();
  for (const record of records) {
    if (record.email === null) continue;
    const user = linked.get(record.externalId);
    const key = emailKey(record.email);
    if (user === undefined || emailKey(user.email) !== key) keys.add(key);
  }
  return [...keys];
}

/**
 * Lowercased as the database compares addresses (`lower(email)`); for the rare letters where
 * JavaScript and the database lowercase differently, a missed match ends in the database's unique
 * index refusing the write, which the caller turns into a skip.
 */
export function emailKey(email: string): string {
  return email.toLowerCase();
}

/** A batch naming one external id twice applies the last record for it, like the hub's validation. */
function lastPerExternalId(records: readonly DirectoryUser[]): DirectoryUser[] {
  const byId = new Map<string, DirectoryUser>();
  for (const record of records) {
    byId.delete(record.externalId);
    byId.set(record.externalId, record);
  }
  return [...byId.values()];
}

function changedFields(user: StoredUser, record: DirectoryUser & { email: string }): UserPatch | undefined {
  const patch: { -readonly [K in keyof UserPatch]: UserPatch[K] } = {};
  if (user.email !== record.email) patch.email = record.email;
  if (user.displayName !== record.displayName) patch.displayName = record.displayName;
  if (user.givenName !== record.firstName) patch.givenName = record.firstName;
  if (user.familyName !== record.lastName) patch.familyName = record.lastName;
  if (user.language !== record.language) patch.language = record.language;
  if (user.phone !== record.phone) patch.phone = record.phone;
  return Object.keys(patch).length === 0 ? undefined : patch;
}
