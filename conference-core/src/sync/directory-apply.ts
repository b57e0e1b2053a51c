import { sql, type Transaction } from 'kysely';
import { createGroupRepository } from '../storage/group-repository.js';
import type { DatabaseSchema } from '../storage/schema.js';
import { createUserRepository, type User, type UserPatch } from '../storage/user-repository.js';
import type { DirectoryGroup, DirectorySkip, DirectoryUser } from './directory-types.js';

type Trx = Transaction<DatabaseSchema>;

/** What applying (or, in a dry run, trying) the records of one batch did. */
export interface RecordTally {
  created: number;
  updated: number;
  unchanged: number;
  reactivated: number;
  skipped: DirectorySkip[];
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
    samples: { create: [], update: [] },
  };
}

const SAMPLE_SIZE = 20;

function sample(list: string[], value: string): void {
  if (list.length < SAMPLE_SIZE) list.push(value);
}

/**
 * Applies directory users: linked by (source, external id); on first sight an existing user with
 * the same address is linked instead of duplicated, but only when the directory vouches for the
 * address (else anyone who can set a mail attribute could take over an account). A user this
 * source deactivated is enabled again when it reappears; a user an admin disabled stays disabled.
 */
export async function applyUsers(
  trx: Trx,
  tenantId: string,
  source: string,
  records: readonly DirectoryUser[],
  tally: RecordTally,
): Promise<void> {
  const users = createUserRepository(trx);
  const skip = (record: DirectoryUser, reason: string) =>
    tally.skipped.push({ type: 'user', externalId: record.externalId, reason });

  for (const record of records) {
    if (record.email === null) {
      skip(record, 'no email address: people need one to sign in and be invited');
      continue;
    }
    const profile: UserPatch = {
      email: record.email,
      displayName: record.displayName,
      givenName: record.firstName,
      familyName: record.lastName,
      language: record.language,
      phone: record.phone,
    };
    const linked = await users.findByIdentity(tenantId, source, record.externalId);
    if (linked !== undefined) {
      const reactivated = await reactivate(trx, linked, source);
      if (reactivated) tally.reactivated++;
      const patch = changedFields(linked, profile);
      if (patch === undefined) {
        if (!reactivated) tally.unchanged++;
        continue;
      }
      const updated = await users.update(tenantId, linked.id, patch);
      if (!updated.ok) {
        skip(record, `email ${record.email} already belongs to another user; profile not updated`);
        continue;
      }
      tally.updated++;
      sample(tally.samples.update, record.email);
      continue;
    }

    const byEmail = await users.findByEmail(tenantId, record.email);
    if (byEmail !== undefined) {
      if (!record.emailVerified) {
        skip(
          record,
          `a user with email ${record.email} exists and the directory does not vouch for the address`,
        );
        continue;
      }
      if (await hasOtherIdentityOf(trx, tenantId, byEmail.id, source)) {
        skip(record, `email ${record.email} is already linked to another entry of this directory`);
        continue;
      }
      const link = await users.linkIdentity(tenantId, byEmail.id, source, record.externalId);
      if (!link.ok) {
        skip(record, `could not link to the user with email ${record.email}: ${link.reason}`);
        continue;
      }
      const patch = changedFields(byEmail, profile);
      if (patch !== undefined) await users.update(tenantId, byEmail.id, patch);
      await reactivate(trx, byEmail, source);
      tally.updated++;
      sample(tally.samples.update, record.email);
      continue;
    }

    const created = await users.create(tenantId, {
      email: record.email,
      displayName: record.displayName,
      givenName: record.firstName,
      familyName: record.lastName,
      language: record.language,
      phone: record.phone,
    });
    if (!created.ok) {
      skip(record, `email ${record.email} already belongs to another user`);
      continue;
    }
    const link = await users.linkIdentity(tenantId, created.user.id, source, record.externalId);
    if (!link.ok) throw new Error(`a fresh user could not be linked: ${link.reason}`);
    tally.created++;
    sample(tally.samples.create, record.email);
  }
}

/**
 * Applies directory groups: found by (source, external id), renamed when the name changed, and
 * their memberships replaced by the members this source has linked. Members not linked (yet) are
 * left out; connectors yield groups after the users they contain.
 */
export async function applyGroups(
  trx: Trx,
  tenantId: string,
  source: string,
  records: readonly DirectoryGroup[],
  tally: RecordTally,
): Promise<void> {
  const groups = createGroupRepository(trx);
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
        reason: `another group of this tenant is already named ${JSON.stringify(record.name)}`,
      });
      continue;
    }
    const externalIds = [...new Set(record.memberExternalIds)];
    const members =
      externalIds.length === 0
        ? []
        : await trx
            .selectFrom('user_identities')
            .select('user_id')
            .where('tenant_id', '=', tenantId)
            .where('source', '=', source)
            .where('external_id', '=', sql<string>`any(${externalIds}::text[])`)
            .execute();
    const result = await groups.setMembers(
      tenantId,
      upserted.group.id,
      members.map((m) => m.user_id),
    );
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

function changedFields(user: User, profile: UserPatch): UserPatch | undefined {
  const current: UserPatch = {
    email: user.email,
    displayName: user.displayName,
    givenName: user.givenName,
    familyName: user.familyName,
    language: user.language,
    phone: user.phone,
  };
  const patch = Object.fromEntries(
    Object.entries(profile).filter(([key, value]) => current[key as keyof UserPatch] !== value),
  ) as UserPatch;
  return Object.keys(patch).length === 0 ? undefined : patch;
}

async function reactivate(trx: Trx, user: User, source: string): Promise<boolean> {
  if (user.disabledAt === null) return false;
  const result = await trx
    .updateTable('users')
    .set({ disabled_at: null, deactivated_by: null, updated_at: sql<Date>`now()` })
    .where('tenant_id', '=', user.tenantId)
    .where('id', '=', user.id)
    .where('deactivated_by', '=', source)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

async function hasOtherIdentityOf(
  trx: Trx,
  tenantId: string,
  userId: string,
  source: string,
): Promise<boolean> {
  const row = await trx
    .selectFrom('user_identities')
    .select('external_id')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('source', '=', source)
    .executeTakeFirst();
  return row !== undefined;
}
