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

/** A user linked to an entry of the batch, and whether that entry's source owns it. */
export interface LinkedUser extends StoredUser {
  /** The source created the user or was handed it: only then its records set the profile. */
  readonly owned: boolean;
}

/** A user holding an address the batch asks about, and how it stands to this source. */
export interface AddressHolder {
  readonly user: StoredUser;
  /** It has an identity of this source (it is some entry's user already). */
  readonly hasSourceIdentity: boolean;
  /** That identity owns it (decision 0026): this source created it or was handed it. */
  readonly ownedBySource: boolean;
}

/** What the database holds for one batch, read in two queries before anything is written. */
export interface BatchState {
  /** Users linked to this source, by the external id of the batch they are linked by. */
  readonly linked: ReadonlyMap<string, LinkedUser>;
  /** Users holding an address the batch asks about, by lowercased address. */
  readonly byEmail: ReadonlyMap<string, AddressHolder>;
}

/** An owned, linked user whose profile changes (the address too, when `patch.email` is set). */
export interface PlannedUpdate {
  readonly record: DirectoryUser & { readonly email: string };
  readonly userId: string;
  readonly patch: UserPatch;
  /** The address changes to one another user held before the batch (or it is a new one): written as a set. */
  readonly moves: boolean;
}

/** A record claiming an existing user by its (directory-vouched) address: linked, never overwritten. */
export interface PlannedLink {
  readonly record: DirectoryUser & { readonly email: string };
  readonly userId: string;
  /** The user was deactivated by this source and comes back with the link. */
  readonly reactivate: boolean;
}

export interface UserPlan {
  /** Linked users this source deactivated, seen again: enabled again. */
  readonly reactivate: readonly string[];
  /**
   * Deactivated users this source owns whose address an entry of the batch now carries: their
   * address is released (set to a placeholder) before the updates and creates.
   */
  readonly release: readonly string[];
  readonly updates: readonly PlannedUpdate[];
  readonly links: readonly PlannedLink[];
  readonly creates: readonly (DirectoryUser & { readonly email: string })[];
  /**
   * Records whose new address another entry of this source holds that a later batch may move:
   * applied again, all together, when the run has read everything (`final`).
   */
  readonly deferred: readonly DirectoryUser[];
  readonly unchanged: number;
  readonly skipped: readonly DirectorySkip[];
}

/** Who holds an address while the plan goes through the batch. */
interface Holder {
  /** Null: a user this batch creates. */
  readonly userId: string | null;
  hasSourceIdentity: boolean;
  /** A deactivated user this source owns and the batch does not list: its address may be released. */
  releasable: boolean;
  /**
   * An active user this source owns that the batch does not list: a later batch of the run may
   * move it away, so a move onto its address waits for the end of the run instead of failing.
   */
  readonly mayMoveLater: boolean;
  readonly user: StoredUser | undefined;
}

/**
 * Decides what each record of a batch does, from what the database held before the batch (rules
 * and reasons in decision 0026):
 *
 * - linked by (source, external id) and owned by this source: its profile is updated, and it is
 *   enabled again when this source had deactivated it. Address changes are decided as a set: a
 *   user may take an address another linked user of the batch gives up, so swaps and cycles
 *   settle in one run; an address a user outside the moves holds is not taken (the profile stays).
 * - linked but not owned (an account that existed before the directory linked it): never changed.
 * - not linked, and a user holds the address: when that user is a deactivated account this source
 *   owns (and the batch does not bring it back), its address is released and the record gets a
 *   user of its own; otherwise it is linked to that user only when the directory vouches for the
 *   address and the user has no other identity of this source, without changing it.
 * - otherwise a new user.
 */
export function planUsers(
  source: string,
  records: readonly DirectoryUser[],
  state: BatchState,
  options: { readonly final?: boolean } = {},
): UserPlan {
  const skipped: DirectorySkip[] = [];
  const skip = (record: DirectoryUser, reason: string) =>
    skipped.push({ type: 'user', externalId: record.externalId, label: record.label, reason });
  const reactivate: string[] = [];
  const release: string[] = [];
  const updates: PlannedUpdate[] = [];
  const links: PlannedLink[] = [];
  const creates: (DirectoryUser & { email: string })[] = [];
  const deferred: DirectoryUser[] = [];
  let unchanged = 0;

  const withEmail: (DirectoryUser & { email: string })[] = [];
  for (const record of lastPerExternalId(records)) {
    if (record.email === null) skip(record, 'no email address: people need one to sign in and be invited');
    else withEmail.push({ ...record, email: record.email });
  }
  const linkedIds = new Set([...state.linked.values()].map((user) => user.id));
  const holders = new Map<string, Holder>();
  for (const [key, held] of state.byEmail) {
    const { user } = held;
    holders.set(key, {
      userId: user.id,
      hasSourceIdentity: held.hasSourceIdentity,
      releasable:
        held.ownedBySource &&
        user.disabledAt !== null &&
        user.deactivatedBy === source &&
        !linkedIds.has(user.id),
      mayMoveLater: held.ownedBySource && user.disabledAt === null && !linkedIds.has(user.id),
      user,
    });
  }
  for (const user of state.linked.values()) {
    holders.set(emailKey(user.email), {
      userId: user.id,
      hasSourceIdentity: true,
      releasable: false,
      mayMoveLater: false,
      user,
    });
  }

  const settled = settleMoves(source, withEmail, state.linked, holders, release, options.final === true);

  for (const record of withEmail) {
    const linked = state.linked.get(record.externalId);
    if (linked !== undefined) {
      const reactivated = linked.disabledAt !== null && linked.deactivatedBy === source;
      if (reactivated) reactivate.push(linked.id);
      const patch = linked.owned ? changedFields(linked, record) : undefined;
      if (patch === undefined) {
        if (!reactivated) unchanged++;
        continue;
      }
      const moves = emailKey(linked.email) !== emailKey(record.email);
      if (moves && settled.deferred.has(linked.id)) {
        deferred.push(record);
        continue;
      }
      const refusal = settled.blocked.get(linked.id);
      if (moves && refusal !== undefined) {
        skip(record, `${refusal}; profile not updated`);
        continue;
      }
      updates.push({ record, userId: linked.id, patch, moves });
      continue;
    }

    const key = emailKey(record.email);
    const holder = holders.get(key);
    if (holder?.releasable === true && holder.userId !== null) {
      release.push(holder.userId);
    } else if (holder !== undefined) {
      if (!record.emailVerified) {
        skip(
          record,
          `${describeHolder(source, record.email, holder)}, and the directory does not vouch for the address`,
        );
        continue;
      }
      if (holder.hasSourceIdentity || holder.user === undefined) {
        skip(record, alreadyLinked(source, record.email, holder));
        continue;
      }
      holder.hasSourceIdentity = true;
      links.push({
        record,
        userId: holder.user.id,
        reactivate: holder.user.disabledAt !== null && holder.user.deactivatedBy === source,
      });
      continue;
    }
    // A user created by this batch: later records find the address taken and linked.
    holders.set(key, {
      userId: null,
      hasSourceIdentity: true,
      releasable: false,
      mayMoveLater: false,
      user: undefined,
    });
    creates.push(record);
  }
  return { reactivate, release, updates, links, creates, deferred, unchanged, skipped };
}

/**
 * Decides the address changes of owned, linked users as one set, so that users trading
 * addresses (two, or a cycle of any length) all get theirs in the same run. A move may go ahead
 * when its address is free, held by a user that itself moves away, or held by a deactivated user
 * this source owns (released). Starting from all moves, those that cannot go ahead are dropped
 * until none is left to drop; what remains is consistent, cycles included. A move onto the address
 * of an active user of this source outside the batch (or of a move waiting for that) waits for
 * the end of the run, unless this is that `final` pass. Updates `holders` to the state after the
 * moves; returns the refused movers with the reason, and the waiting ones.
 */
function settleMoves(
  source: string,
  records: readonly (DirectoryUser & { email: string })[],
  linked: BatchState['linked'],
  holders: Map<string, Holder>,
  release: string[],
  final: boolean,
): { blocked: Map<string, string>; deferred: Set<string> } {
  const blocked = new Map<string, string>();
  const deferred = new Set<string>();
  const moves = new Map<string, { from: string; to: string }>();
  const wanted = new Set<string>();
  for (const record of records) {
    const user = linked.get(record.externalId);
    if (user === undefined || !user.owned) continue;
    const from = emailKey(user.email);
    const to = emailKey(record.email);
    if (from === to) continue;
    if (wanted.has(to)) {
      blocked.set(user.id, `another entry of this batch also asks for the email ${record.email}`);
      continue;
    }
    wanted.add(to);
    moves.set(user.id, { from, to });
  }
  for (let dropped = true; dropped;) {
    dropped = false;
    for (const [userId, move] of moves) {
      const holder = holders.get(move.to);
      const free =
        holder === undefined ||
        holder.releasable ||
        (holder.userId !== null && (holder.userId === userId || moves.has(holder.userId)));
      if (free) continue;
      moves.delete(userId);
      dropped = true;
      if (holder === undefined) continue;
      const later = holder.mayMoveLater || (holder.userId !== null && deferred.has(holder.userId));
      if (later && !final) deferred.add(userId);
      else blocked.set(userId, describeHolder(source, move.to, holder));
    }
  }
  for (const move of moves.values()) {
    const holder = holders.get(move.to);
    if (holder?.releasable === true && holder.userId !== null) release.push(holder.userId);
  }
  for (const [userId, move] of moves) {
    if (holders.get(move.from)?.userId === userId) holders.delete(move.from);
  }
  const byId = new Map([...linked.values()].map((user) => [user.id, user]));
  for (const [userId, move] of moves) {
    holders.set(move.to, {
      userId,
      hasSourceIdentity: true,
      releasable: false,
      mayMoveLater: false,
      user: byId.get(userId),
    });
  }
  return { blocked, deferred };
}

/** Why an address another entry of this source holds is refused; says when that user is deactivated. */
function alreadyLinked(source: string, email: string, holder: Holder): string {
  const base = `email ${email} is already linked to another entry of this directory`;
  if (holder.user?.disabledAt == null) return base;
  return `${base}, whose user is deactivated (${deactivatedBy(source, holder.user)})`;
}

/** Who holds an address, in words an admin can act on (a deactivated holder says so, and by whom). */
function describeHolder(source: string, email: string, holder: Holder): string {
  const user = holder.user;
  if (user === undefined) return `email ${email} is taken by another entry of this batch`;
  if (user.disabledAt === null) return `email ${email} already belongs to another user`;
  return `email ${email} already belongs to a deactivated user (${deactivatedBy(source, user)})`;
}

function deactivatedBy(source: string, user: StoredUser): string {
  const by =
    user.deactivatedBy === null
      ? 'disabled by an administrator'
      : user.deactivatedBy === source
        ? 'deactivated by this directory'
        : `deactivated by ${user.deactivatedBy}`;
  return `${by} on ${user.disabledAt?.toISOString().slice(0, 10) ?? 'an unknown day'}`;
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
