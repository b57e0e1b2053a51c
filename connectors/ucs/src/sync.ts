import { ConnectorError } from '@vc/connector-sdk';
import type {
  ConnectorContext,
  DirectoryDeletion,
  GroupRecord,
  SkippedRecord,
  SyncBatch,
  SyncRequest,
  UserRecord,
} from '@vc/connector-sdk';
import type { Entry } from 'ldapts';

import { AddressBook } from './address-book.js';
import { AddressHolders } from './address-holders.js';
import { nextWatermark, parseCursor, toGeneralizedTime, wholeSeconds, type SyncCursor } from './cursor.js';
import { attributeName, filter } from './filter.js';
import { listenerBatches, listenerFilesCovered } from './listener-phase.js';
import type { LdapSession } from './ldap-session.js';
import { SliceProgress } from './slice-progress.js';
import { entryUuid, first, groupRecord, mapUser, normalizeDn, userAttributes, values } from './map-entry.js';
import type { UcsSettings } from './settings.js';

type Ctx = ConnectorContext<UcsSettings>;

/** One entry read in a slice, as what the batch hands out. */
interface Item {
  readonly id: string;
  readonly upsert?: UserRecord | GroupRecord;
  readonly delete?: DirectoryDeletion;
  readonly skipped?: SkippedRecord;
}

/** The hex digits that start each slice of the entryUUID space, e.g. 16 slices: 0..f. */
export function sliceBounds(partitions: number): string[] {
  if (partitions === 1) return [''];
  // Equal slices by the leading hex digits: 4 -> 0,4,8,c; 16 -> 0..f; 256 -> 00..ff.
  const digits = partitions <= 16 ? 1 : 2;
  const step = 16 ** digits / partitions;
  return Array.from({ length: partitions }, (_, i) => (i * step).toString(16).padStart(digits, '0'));
}

const uuidFrom = (prefix: string): string =>
  (prefix + '0'.repeat(32)).slice(0, 32).replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');

/** Filter for slice `index` (entryUUID in [start, next start)) above `after` when resuming. */
function sliceFilter(
  scope: string,
  prefixes: readonly string[],
  index: number,
  after: string | null,
): string {
  const parts = [scope];
  const start = prefixes[index]!;
  const end = prefixes[index + 1];
  if (start !== '') parts.push(filter`(entryUUID>=${uuidFrom(start)})`);
  if (end !== undefined) parts.push(filter`(!(entryUUID>=${uuidFrom(end)}))`);
  if (after !== null) parts.push(filter`(!(entryUUID<=${after}))`);
  return `(&${parts.join('')})`;
}

function sliceOf(prefixes: readonly string[], uuid: string): number {
  let index = 0;
  for (const [i, prefix] of prefixes.entries()) if (uuid >= uuidFrom(prefix)) index = i;
  return index;
}

function isActivated(entry: Entry, attribute: string): boolean {
  return first(entry, attribute)?.toUpperCase() === 'TRUE';
}

/** State carried through a run and written into every batch's cursor. */
class Run {
  cursor: SyncCursor;
  /** Mail -> the first user seen with it in this run (a second one is skipped, naming the first's DN). */
  readonly mails = new AddressBook();
  /**
   * DNs of users an incremental run saw change: their groups are re-read too, since (de)activating
   * a user changes a group's member list without touching the group entry. Not in the cursor: a
   * resumed run re-reads groups by timestamp only, and the next full run corrects the rest.
   */
  readonly changedUserDns: string[] = [];

  constructor(cursor: SyncCursor) {
    this.cursor = cursor;
  }

  seen(entry: Entry): void {
    const stamp = wholeSeconds(first(entry, 'modifyTimestamp'));
    if (stamp !== null && (this.cursor.maxSeen === null || stamp > this.cursor.maxSeen))
      this.cursor.maxSeen = stamp;
  }

  /** What this run (since its start or resume) handed out, for the closing log line. */
  readonly totals = { upserts: 0, deletes: 0, skipped: 0 };

  batch(items: readonly Item[], phase: SyncCursor['phase']): SyncBatch {
    const last = items[items.length - 1];
    for (const i of items) {
      if (i.upsert !== undefined) this.totals.upserts++;
      if (i.delete !== undefined) this.totals.deletes++;
      if (i.skipped !== undefined) this.totals.skipped++;
    }
    // Groups are sorted before they are handed out, so their cursor can name the last one; a
    // users batch keeps the slice's starting point (see streamSlice).
    if (last !== undefined && phase === 'groups') this.cursor = { ...this.cursor, phase, after: last.id };
    return {
      upserts: items.flatMap((i) => (i.upsert === undefined ? [] : [i.upsert])),
      deletes: items.flatMap((i) => (i.delete === undefined ? [] : [i.delete])),
      skipped: items.flatMap((i) => (i.skipped === undefined ? [] : [i.skipped])),
      cursor: { ...this.cursor },
    };
  }
}

/** Decides from the request and its cursor whether this run starts fresh or resumes. */
function startState(ctx: Ctx, request: SyncRequest): SyncCursor {
  const cursor = parseCursor(request.cursor);
  const startedAt = toGeneralizedTime(ctx.clock.now());
  const resumable = cursor !== null && cursor.mode === request.mode && cursor.phase !== 'done';
  if (resumable) return cursor;
  // A full run given a finished cursor starts over: re-reading is safe, skipping is not.
  const since = request.mode === 'incremental' && cursor?.phase === 'done' ? cursor.since : null;
  // Listener files: incremental runs apply them first; every run carries the position on.
  const phase =
    request.mode === 'incremental' && ctx.settings.listenerFolder !== undefined ? 'listener' : 'users';
  const listenerAfter = cursor?.listenerAfter ?? null;
  return {
    v: 1,
    mode: request.mode,
    phase,
    after: null,
    within: null,
    since,
    startedAt,
    maxSeen: null,
    listenerAfter,
  };
}

/**
 * The item for one user entry. Synchronous unless the run's address book has a candidate for its
 * address: then the directory is asked whether that user holds it (see `AddressHolders`).
 */
function userItem(
  run: Run,
  entry: Entry,
  attribute: string,
  holders: AddressHolders,
): Item | null | Promise<Item> {
  const id = entryUuid(entry);
  if (id === null) return null; // slices are defined by entryUUID; OpenLDAP always sets one
  run.seen(entry);
  // Without a watermark every group is read anyway: a first incremental run would otherwise
  // hold the DN of every user in the directory until its group phase.
  if (run.cursor.mode === 'incremental' && run.cursor.since !== null) run.changedUserDns.push(entry.dn);
  if (!isActivated(entry, attribute)) return { id, delete: { type: 'user', externalId: id } };
  const mapped = mapUser(entry);
  if ('skipped' in mapped) return { id, skipped: mapped.skipped };
  const email = mapped.record.email ?? '';
  const candidate = run.mails.candidate(email);
  if (candidate === undefined) {
    run.mails.add(email, id);
    return { id, upsert: mapped.record };
  }
  // The same user again (a slice handed out again after a resume could not skip): still its own.
  if (candidate === id) return { id, upsert: mapped.record };
  return firstOwnerCheck(run, holders, entry.dn, email, candidate, mapped.record);
}

/** Skips the user if `candidate` holds its address in the directory; else it is the address's first owner. */
async function firstOwnerCheck(
  run: Run,
  holders: AddressHolders,
  dn: string,
  email: string,
  candidate: string,
  record: UserRecord,
): Promise<Item> {
  const id = record.externalId;
  const holder = await holders.of(candidate);
  if (holder?.email === email) {
    return {
      id,
      skipped: {
        type: 'user',
        externalId: id,
        label: dn,
        reason: `duplicate mailPrimaryAddress ${email}, also used by ${holder.dn}`,
      },
    };
  }
  run.mails.add(email, id);
  return { id, upsert: record };
}

/** Where a resumed run stands in the slice it stopped in (see `SliceProgress`). */
type Within = NonNullable<SyncCursor['within']>;

/**
 * Streams one slice: entries are handed out in batches as their LDAP pages arrive (whole pages,
 * at least `batchSize` entries), so the hub writes one batch while the next is read and no more
 * than a batch is held (decision 0028, addendum). Pages come in the server's order, not entryUUID
 * order, so each batch's cursor says how far into the slice it is (`within`: count and digest of
 * what was handed out); when the slice is complete, `after` moves to the largest entryUUID it
 * held. Resuming (`resume`), the entries handed out before are read and skipped if they are the
 * same ones; if not, the slice is handed out again in full.
 */
async function* streamSlice(
  read: () => AsyncIterable<Entry[]>,
  run: Run,
  slice: string,
  next: string | undefined,
  batchSize: number,
  toItem: (e: Entry) => Item | null | Promise<Item | null>,
  resume: Within | null,
): AsyncGenerator<SyncBatch> {
  let skip = resume !== null && resume.count > 0 ? resume : null;
  for (;;) {
    const progress = new SliceProgress();
    let largest = run.cursor.after;
    let matched = skip === null;
    let items: Item[] = [];
    const handOut = (): SyncBatch => {
      run.cursor = { ...run.cursor, within: { slice, count: progress.count, digest: progress.digest } };
      const batch = run.batch(items, 'users');
      items = [];
      return batch;
    };
    for await (const page of read()) {
      for (const entry of page) {
        const made = toItem(entry);
        // Most entries need no look-up: awaiting only a promise spares a million microtasks.
        const item = made instanceof Promise ? await made : made;
        if (item === null) continue;
        progress.add(item.id);
        if (largest === null || item.id > largest) largest = item.id;
        if (!matched) {
          if (progress.count < skip!.count) continue;
          if (progress.digest !== skip!.digest) break; // not the same entries: hand it all out
          matched = true;
          continue;
        }
        items.push(item);
      }
      if (!matched && progress.count >= skip!.count) break;
      // LDAP pages are at most maxLdapPageSize entries; a batch gathers whole pages.
      if (items.length >= batchSize) yield handOut();
    }
    if (matched && items.length > 0) yield handOut();
    if (!matched) {
      skip = null; // fewer entries than before, or other ones: the slice again, all of it
      continue;
    }
    const within = next === undefined ? null : { slice: next, count: 0, digest: new SliceProgress().digest };
    run.cursor = { ...run.cursor, after: largest, within };
    return;
  }
}

function* chunks(items: readonly Item[], size: number): Generator<Item[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

async function* userPhase(ctx: Ctx, session: LdapSession, run: Run): AsyncGenerator<SyncBatch> {
  const { settings } = ctx;
  const attribute = attributeName(settings.activationAttribute);
  const since = run.cursor.since;
  // Incremental: every user changed since the watermark, activated or not (a removed flag is a
  // delete). Full: only activated users; the hub deactivates the rest after a completed run.
  const scope =
    run.cursor.mode === 'incremental' && since !== null
      ? filter`(&(univentionObjectType=users/user)(modifyTimestamp>=${since}))`
      : run.cursor.mode === 'incremental'
        ? '(univentionObjectType=users/user)'
        : filter`(&(univentionObjectType=users/user)(${attribute}=TRUE))`;
  // A changes-only read is small; one slice spares the server 15 scans of the whole user set.
  const prefixes = sliceBounds(run.cursor.mode === 'incremental' && since !== null ? 1 : settings.partitions);
  const resuming = run.cursor.phase === 'users';
  const startAfter = resuming ? run.cursor.after : null;
  // The slice in progress, if the cursor names one of this run's slices (partitions may have
  // changed since); else the slice holding `after`, read above it.
  const within = resuming ? run.cursor.within : null;
  const at = within === null ? -1 : prefixes.indexOf(within.slice);
  const from = at >= 0 ? at : startAfter === null ? 0 : sliceOf(prefixes, startAfter);
  run.cursor = { ...run.cursor, phase: 'users', after: startAfter, within: null };
  const holders = new AddressHolders(session, settings.baseDn);
  for (let index = from; index < prefixes.length; index++) {
    const text = sliceFilter(scope, prefixes, index, index === from ? startAfter : null);
    yield* streamSlice(
      () => session.pages(settings.baseDn, text, [...userAttributes, attribute]),
      run,
      prefixes[index]!,
      prefixes[index + 1],
      settings.pageSize,
      (e) => userItem(run, e, attribute, holders),
      index === at ? within : null,
    );
  }
  run.cursor = { ...run.cursor, phase: 'groups', after: null, within: null };
}

async function* groupPhase(ctx: Ctx, session: LdapSession, run: Run): AsyncGenerator<SyncBatch> {
  const { settings } = ctx;
  const since = run.cursor.mode === 'incremental' ? run.cursor.since : null;
  const groupType = '(univentionObjectType=groups/group)';
  // Full: every group. Incremental: groups changed since the watermark, and groups of the users
  // this run saw change (member DNs escaped into the filter, 100 per search).
  const scopes =
    since === null
      ? [groupType]
      : [
          `(&${groupType}${filter`(modifyTimestamp>=${since})`})`,
          ...Array.from({ length: Math.ceil(run.changedUserDns.length / 100) }, (_, i) => {
            const members = run.changedUserDns
              .slice(i * 100, i * 100 + 100)
              .map((dn) => filter`(uniqueMember=${dn})`);
            return `(&${groupType}(|${members.join('')}))`;
          }),
        ];
  const after = run.cursor.phase === 'groups' ? run.cursor.after : null;
  const found = new Map<string, Entry>();
  for (const scope of scopes) {
    for await (const page of session.pages(settings.baseDn, sliceFilter(scope, [''], 0, after), [
      'entryUUID',
      'cn',
      'uniqueMember',
      'modifyTimestamp',
    ])) {
      for (const entry of page) {
        const id = entryUuid(entry);
        if (id !== null) found.set(id, entry);
      }
    }
  }
  const groups = [...found].map(([id, entry]) => ({ id, entry }));
  if (groups.length === 0) return;
  groups.sort((a, b) => (a.id < b.id ? -1 : 1));
  // Members are DNs; only activated users count. memberOf (when the overlay is on) adds what
  // uniqueMember alone would miss, e.g. members written by tools that only maintain memberOf.
  const attribute = attributeName(settings.activationAttribute);
  const uuidByDn = new Map<string, string>();
  const viaMemberOf = new Map<string, string[]>();
  for await (const page of session.pages(
    settings.baseDn,
    filter`(&(univentionObjectType=users/user)(${attribute}=TRUE))`,
    ['entryUUID', 'memberOf'],
  )) {
    for (const entry of page) {
      const id = entryUuid(entry);
      if (id === null) continue;
      uuidByDn.set(normalizeDn(entry.dn), id);
      for (const group of values(entry, 'memberOf')) {
        const key = normalizeDn(group);
        viaMemberOf.set(key, [...(viaMemberOf.get(key) ?? []), id]);
      }
    }
  }
  const items: Item[] = groups.map(({ id, entry }) => {
    run.seen(entry);
    const members = values(entry, 'uniqueMember').flatMap((dn) => uuidByDn.get(normalizeDn(dn)) ?? []);
    const record = groupRecord(id, entry, [...members, ...(viaMemberOf.get(normalizeDn(entry.dn)) ?? [])]);
    return 'reason' in record ? { id, skipped: record } : { id, upsert: record };
  });
  for (const chunk of chunks(items, settings.pageSize)) yield run.batch(chunk, 'groups');
}

/** Refuses to run with an activation attribute the directory does not know (a typo, the app not installed). */
export async function requireActivationAttribute(session: LdapSession, attribute: string): Promise<void> {
  if ((await session.schemaHasAttribute(attribute)) === false) {
    throw new ConnectorError(
      'invalid_settings',
      `the LDAP schema has no attribute ${attribute}: check activationAttribute (UCS: <appid>Activated from GenericUserActivation)`,
    );
  }
}

/**
 * One sync run. Batches come slice by slice, a page at a time; the last batch carries the
 * `done` cursor with the next incremental watermark. Any failed read throws: the run never ends
 * early, because the hub deactivates whoever a completed full run did not yield.
 */
export async function* syncDirectory(
  ctx: Ctx,
  request: SyncRequest,
  open: () => Promise<LdapSession>,
): AsyncGenerator<SyncBatch> {
  const run = new Run(startState(ctx, request));
  const fresh = run.cursor.phase === 'users' && run.cursor.after === null && run.cursor.maxSeen === null;
  if (run.cursor.mode === 'full' && fresh)
    run.cursor.listenerAfter = await listenerFilesCovered(ctx.settings);
  ctx.logger.info(
    {
      mode: run.cursor.mode,
      phase: run.cursor.phase,
      resumeAfter: run.cursor.after,
      resumeWithin: run.cursor.within,
      since: run.cursor.since,
    },
    'UCS sync starts',
  );
  const session = await open();
  try {
    await requireActivationAttribute(session, ctx.settings.activationAttribute);
    if (run.cursor.phase === 'listener') {
      for await (const { batch, cursor } of listenerBatches(ctx, run.cursor)) {
        run.cursor = cursor;
        yield batch;
      }
      run.cursor = { ...run.cursor, phase: 'users', after: null };
    }
    if (run.cursor.phase === 'users') yield* userPhase(ctx, session, run);
    yield* groupPhase(ctx, session, run);
  } finally {
    await session.close();
  }
  const done: SyncCursor = { ...run.cursor, phase: 'done', after: null };
  done.since = nextWatermark(done, ctx.settings.incrementalOverlapSeconds);
  ctx.logger.info(
    { mode: done.mode, ...run.totals, nextSince: done.since },
    'UCS sync read everything in scope',
  );
  yield { upserts: [], deletes: [], skipped: [], cursor: done };
}
