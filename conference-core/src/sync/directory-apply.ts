import { sql, type Transaction } from 'kysely';
import { copyRows } from '../storage/copy-rows.js';
import { timeOrderedId } from '../storage/time-ordered-id.js';
import { createGroupRepository } from '../storage/group-repository.js';
import type { DatabaseSchema } from '../storage/schema.js';
import type { DirectoryGroup, DirectorySkip, DirectoryUser } from './directory-types.js';
import { identityOf, readBatchState } from './directory-batch-state.js';
import { planUsers, type PlannedUpdate } from './directory-user-plan.js';

type Trx = Transaction<DatabaseSchema>;

/** What applying (or, in a dry run, trying) the records of one batch did. */
export interface RecordTally {
  created: number;
  updated: number;
  unchanged: number;
  reactivated: number;
  skipped: DirectorySkip[];
  /** Address changes waiting for the end of the run (see `planUsers`). */
  deferred: DirectoryUser[];
  /**
   * External ids whose identity this batch made (new users and links), stamped with the run: a
   * full run counts them as seen without a mark (decision 0028).
   */
  linked: string[];
  /** A few examples per kind of change, for the dry-run report. */
  samples: { create: string[]; update: string[] };
}

export function emptyTally(): RecordTally {
  return {
    created: 0,
    updated: 0,
    unchanged: 0,
    reactivated: 0,
    skipped: [],
    deferred: [],
    linked: [],
    samples: { create: [], update: [] },
  };
}

const SAMPLE_SIZE = 20;

function sample(list: string[], value: string): void {
  if (list.length < SAMPLE_SIZE) list.push(value);
}

/** How `applyUsers` writes: which run it is part of, and whether new users may take the bulk path. */
export interface ApplyUsersOptions {
  /** The run applying the batch; identities it makes are stamped with it. */
  readonly runId: string;
  /** The end-of-run pass of address changes that waited (see `planUsers`). */
  readonly final?: boolean;
  /**
   * New users and their identities are copied in (COPY, no conflict handling) instead of inserted
   * with `on conflict do nothing`. A concurrent writer taking one of their addresses then fails
   * the copy, and with it the transaction: the caller applies the batch again without `bulk`.
   */
  readonly bulk?: boolean;
  /**
   * The tenant had no users when the run began, so nothing the batch names can exist yet except
   * what this run made: the two reads are skipped and every record planned as new. Only with
   * `bulk`: if anything did exist (a user created meanwhile, an entry handed out twice), a unique
   * index refuses the copy and the caller applies the batch again on the careful path.
   */
  readonly emptyTenant?: boolean;
}

/**
 * Applies directory users by the identity rules of decision 0026: linked by (source, external id);
 * on first sight an existing user with the same address is linked instead of duplicated, but only
 * when the directory vouches for the address, and then never overwritten (the source does not own
 * it). A user this source deactivated is enabled again when it reappears; a user an admin
 * disabled stays disabled. Address changes are written as a set, so swaps settle in one run.
 *
 * Set-based: two reads for the whole batch, a plan made in memory (`planUsers`, which holds the
 * rules), then one statement per kind of write. An unchanged batch costs the one read of its
 * linked users. Every insert is `on conflict do nothing` and what came back is compared with what
 * was asked, so a concurrent writer turns a record into a skip, never into an aborted transaction.
 */
export async function applyUsers(
  trx: Trx,
  tenantId: string,
  source: string,
  records: readonly DirectoryUser[],
  tally: RecordTally,
  options: ApplyUsersOptions,
): Promise<void> {
  if (records.length === 0) return;
  const state =
    options.bulk === true && options.emptyTenant === true
      ? { linked: new Map(), byEmail: new Map() }
      : await readBatchState(trx, tenantId, source, records);
  const plan = planUsers(source, records, state, options);
  tally.unchanged += plan.unchanged;
  tally.deferred.push(...plan.deferred);
  tally.skipped.push(...plan.skipped);
  const skip = (record: DirectoryUser, reason: string) =>
    tally.skipped.push({ type: 'user', externalId: record.externalId, label: record.label, reason });

  // Links first: a link that did not happen must not enable the user it aimed at.
  const linked = await insertIdentities(
    trx,
    tenantId,
    { source, runId: options.runId },
    plan.links.map((link) => ({ userId: link.userId, externalId: link.record.externalId })),
    'existing',
  );
  tally.linked.push(...linked);
  const links = plan.links.filter((link) => {
    if (linked.has(link.record.externalId)) return true;
    skip(
      link.record,
      `could not link to the user with email ${link.record.email}: the identity was taken or the user deleted meanwhile`,
    );
    return false;
  });

  const reactivated = await reactivateUsers(trx, tenantId, source, [
    ...plan.reactivate,
    ...links.filter((link) => link.reactivate).map((link) => link.userId),
  ]);
  // Enabling a user it links for the first time is part of the link, counted as its update.
  tally.reactivated += plan.reactivate.filter((id) => reactivated.has(id)).length;

  await releaseAddresses(trx, tenantId, source, plan.release);
  const applied = await updateProfiles(trx, tenantId, plan.updates);
  for (const update of plan.updates) {
    if (applied.has(update.userId)) {
      tally.updated++;
      sample(tally.samples.update, update.record.email);
    } else {
      skip(update.record, 'the user was deleted meanwhile; profile not updated');
    }
  }
  for (const link of links) {
    tally.updated++;
    sample(tally.samples.update, link.record.email);
  }

  if (options.bulk === true) {
    await copyNewUsers(trx, tenantId, { source, runId: options.runId }, plan.creates);
    for (const record of plan.creates) {
      tally.linked.push(record.externalId);
      tally.created++;
      sample(tally.samples.create, record.email);
    }
    return;
  }
  const created = await createUsers(trx, tenantId, plan.creates);
  const fresh = plan.creates.flatMap((record) => {
    const userId = created.get(record.email);
    if (userId !== undefined) return [{ userId, externalId: record.externalId, email: record.email }];
    skip(record, `email ${record.email} already belongs to another user (it was taken meanwhile)`);
    return [];
  });
  const freshLinks = await insertIdentities(
    trx,
    tenantId,
    { source, runId: options.runId },
    fresh,
    'created',
  );
  for (const user of fresh) {
    if (!freshLinks.has(user.externalId)) {
      throw new Error(`a fresh user could not be linked: identity ${user.externalId} is taken`);
    }
    tally.linked.push(user.externalId);
    tally.created++;
    sample(tally.samples.create, user.email);
  }
}

/** Who writes an identity: the source it belongs to and the run that makes it. */
interface Writer {
  readonly source: string;
  readonly runId: string;
}

/**
 * The bulk path for new users (decision 0028): their ids are made here, so the users and their
 * owning identities are two COPYs with nothing to read back. The plan has given each address to
 * one record and checked it is free; only a concurrent writer can make a row conflict, and then
 * the copy fails the transaction (see `ApplyUsersOptions.bulk`).
 */
async function copyNewUsers(
  trx: Trx,
  tenantId: string,
  writer: Writer,
  records: readonly (DirectoryUser & { email: string })[],
): Promise<void> {
  if (records.length === 0) return;
  // Time-ordered (UUIDv7): a bulk load appends to the primary key and to the identities' user_id
  // index, and the foreign-key check finds the user in a page just written, instead of touching
  // a random page of each btree per row, which stops fitting in memory in the millions.
  const ids = records.map(() => timeOrderedId());
  await copyRows(
    trx,
    'users',
    ['id', 'tenant_id', 'email', 'display_name', 'given_name', 'family_name', 'language', 'phone'],
    records.map((r, i) => [
      ids[i]!,
      tenantId,
      r.email,
      r.displayName,
      r.firstName,
      r.lastName,
      r.language,
      r.phone,
    ]),
  );
  await copyRows(
    trx,
    'user_identities',
    ['tenant_id', 'user_id', 'source', 'external_id', 'owns_user', 'linked_by_run'],
    records.map((r, i) => [tenantId, ids[i]!, writer.source, r.externalId, 't', writer.runId]),
  );
}

/**
 * Links identities of this source in one statement; returns the external ids that were linked.
 * Users this transaction created are owned by the source (decision 0026); existing users are
 * linked without ownership, and probed first, so one deleted meanwhile links nothing instead of
 * failing the foreign key (no other transaction can see, let alone delete, a user just created).
 */
async function insertIdentities(
  trx: Trx,
  tenantId: string,
  writer: Writer,
  links: readonly { userId: string; externalId: string }[],
  users: 'existing' | 'created',
): Promise<Set<string>> {
  if (links.length === 0) return new Set();
  const wanted = sql`unnest(${links.map((l) => l.userId)}::uuid[], ${links.map((l) => l.externalId)}::text[])
    as link(user_id, external_id)`;
  const from =
    users === 'created'
      ? wanted
      : sql`${wanted} cross join lateral (
          select id from users where tenant_id = ${tenantId} and id = link.user_id limit 1
        ) as existing`;
  const { rows } = await sql<{ external_id: string }>`
    insert into user_identities (tenant_id, user_id, source, external_id, owns_user, linked_by_run)
    select ${tenantId}::uuid, link.user_id, ${writer.source}, link.external_id, ${users === 'created'},
      ${writer.runId}::uuid
    from ${from}
    on conflict (tenant_id, source, external_id) do nothing
    returning external_id`.execute(trx);
  return new Set(rows.map((row) => row.external_id));
}

/**
 * Gives up the addresses of deactivated users this source owns, for the entries that now carry
 * them (decision 0026). The address becomes a placeholder in the reserved `.invalid` domain,
 * unique per user; only users still deactivated by this source are touched.
 */
async function releaseAddresses(
  trx: Trx,
  tenantId: string,
  source: string,
  userIds: readonly string[],
): Promise<void> {
  if (userIds.length === 0) return;
  await trx
    .updateTable('users')
    .set({ email: sql<string>`id::text || '@released.invalid'`, updated_at: sql<Date>`now()` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', sql<string>`any(${[...userIds]}::uuid[])`)
    .where('disabled_at', 'is not', null)
    .where('deactivated_by', '=', source)
    .execute();
}

/** Enables users this source deactivated; an admin's deactivation (another `deactivated_by`) stays. */
async function reactivateUsers(
  trx: Trx,
  tenantId: string,
  source: string,
  userIds: readonly string[],
): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await trx
    .updateTable('users')
    .set({ disabled_at: null, deactivated_by: null, updated_at: sql<Date>`now()` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', sql<string>`any(${[...userIds]}::uuid[])`)
    .where('disabled_at', 'is not', null)
    .where('deactivated_by', '=', source)
    .returning('id')
    .execute();
  return new Set(rows.map((row) => row.id));
}

/**
 * Profile changes in one statement, addresses included. The unique index on `lower(email)` is
 * checked row by row, so users trading addresses (a swap, a cycle) would trip it in any order:
 * the movers first get a placeholder address of their own, then all take their new ones at once.
 * Returns the users updated.
 */
async function updateProfiles(
  trx: Trx,
  tenantId: string,
  updates: readonly PlannedUpdate[],
): Promise<Set<string>> {
  if (updates.length === 0) return new Set();
  const movers = updates.filter((update) => update.moves).map((update) => update.userId);
  if (movers.length > 0) {
    await trx
      .updateTable('users')
      .set({ email: sql<string>`id::text || '@moving.invalid'` })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', sql<string>`any(${movers}::uuid[])`)
      .execute();
  }
  const column = (pick: (record: PlannedUpdate['record']) => string | null) =>
    updates.map((update) => pick(update.record));
  const ids = updates.map((update) => update.userId);
  const { rows } = await sql<{ id: string }>`
    update users set
      email = profile.email,
      display_name = profile.display_name,
      given_name = profile.given_name,
      family_name = profile.family_name,
      language = profile.language,
      phone = profile.phone,
      updated_at = now()
    from unnest(
      ${ids}::uuid[],
      ${column((r) => r.email)}::text[],
      ${column((r) => r.displayName)}::text[],
      ${column((r) => r.firstName)}::text[],
      ${column((r) => r.lastName)}::text[],
      ${column((r) => r.language)}::text[],
      ${column((r) => r.phone)}::text[]
    ) as profile(id, email, display_name, given_name, family_name, language, phone)
    where users.tenant_id = ${tenantId} and users.id = profile.id
      and users.id = any(${ids}::uuid[])
    returning users.id`.execute(trx);
  return new Set(rows.map((row) => row.id));
}

/**
 * Creates users in one statement; returns their ids by address. No conflict target: the only
 * unique key a new row can hit is the address, and the plan gave each address to one record.
 */
async function createUsers(
  trx: Trx,
  tenantId: string,
  records: readonly (DirectoryUser & { email: string })[],
): Promise<Map<string, string>> {
  if (records.length === 0) return new Map();
  const column = (pick: (record: DirectoryUser & { email: string }) => string | null) => records.map(pick);
  const { rows } = await sql<{ id: string; email: string }>`
    insert into users (tenant_id, email, display_name, given_name, family_name, language, phone)
    select ${tenantId}::uuid, person.*
    from unnest(
      ${column((r) => r.email)}::text[],
      ${column((r) => r.displayName)}::text[],
      ${column((r) => r.firstName)}::text[],
      ${column((r) => r.lastName)}::text[],
      ${column((r) => r.language)}::text[],
      ${column((r) => r.phone)}::text[]
    ) as person(email, display_name, given_name, family_name, language, phone)
    on conflict do nothing
    returning id, email`.execute(trx);
  return new Map(rows.map((row) => [row.email, row.id]));
}

/**
 * Applies directory groups: found by (source, external id), renamed when the name changed, and
 * their memberships replaced by the members this source has linked. Members not linked (yet) are
 * left out; connectors yield groups after the users they contain (or in the same batch: users are
 * applied first). The members of all groups of the batch are looked up in one query.
 */
export async function applyGroups(
  trx: Trx,
  tenantId: string,
  source: string,
  records: readonly DirectoryGroup[],
  tally: RecordTally,
): Promise<void> {
  if (records.length === 0) return;
  const groups = createGroupRepository(trx);
  const memberIds = [...new Set(records.flatMap((record) => record.memberExternalIds))];
  const { rows: members } = await sql<{ external_id: string; user_id: string }>`
    select wanted.external_id, identity.user_id
    from unnest(${memberIds}::text[]) as wanted(external_id)
    cross join lateral (${identityOf(tenantId, source, sql.ref('wanted.external_id'))}) as identity`.execute(
    trx,
  );
  const userIdOf = new Map(members.map((m) => [m.external_id, m.user_id]));
  for (const record of records) {
    const upserted = await groups.upsert(tenantId, {
      name: record.name,
      source,
      externalId: record.externalId,
    });
    if (!upserted.ok) {
      tally.skipped.push({
        type: 'group',
        externalId: record.externalId,
        label: null,
        reason: `another group of this tenant is already named ${JSON.stringify(record.name)}`,
      });
      continue;
    }
    const userIds = record.memberExternalIds.flatMap((id) => userIdOf.get(id) ?? []);
    const result = await groups.setMembers(tenantId, upserted.group.id, userIds);
    const changed = result.ok && result.added + result.removed > 0;
    if (upserted.created) {
      tally.created++;
      sample(tally.samples.create, `group ${record.name}`);
    } else if (changed) {
      tally.updated++;
      sample(tally.samples.update, `group ${record.name}`);
    } else tally.unchanged++;
  }
}
