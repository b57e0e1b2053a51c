import { createUserRepository, identitySource, type Db } from '@vc/conference-core';
import type { SignInOutcome, VerifiedLogin } from '@vc/connector-innovaphone';

/** The core user behind a verified myApps login, in the tenant of the connector instance. */
export interface AppAccount {
  readonly tenantId: string;
  readonly instanceId: string;
  readonly userId: string;
  readonly email: string;
  readonly displayName: string;
  /** The PBX user: RCC places calls for this GUID / SIP name. */
  readonly guid: string;
  readonly sip: string;
}

/**
 * Where a PBX GUID is linked to a core user: by the PBX user sync (the directory's source, which
 * its full runs reconcile) or by a login matched through email (a source of its own, so a full sync
 * never takes those links for directory entries that went away).
 */
export const guidSources = (instanceId: string): readonly [string, string] => [
  identitySource('innovaphone', instanceId),
  identitySource('innovaphone-app', instanceId),
];

/** The core user a PBX GUID is linked to, directory link first. */
export async function userByGuid(db: Db, instance: { tenantId: string; id: string }, guid: string) {
  const users = createUserRepository(db);
  for (const source of guidSources(instance.id)) {
    const user = await users.findByIdentity(instance.tenantId, source, guid.toLowerCase());
    if (user !== undefined) return user;
  }
  return undefined;
}

/**
 * Finds the core user of a PBX login (decision 0024): by the GUID linked by the PBX user sync or an
 * earlier login, else by email (the SIP name when it is an address, else `<sip>@<domain>`), linking
 * the GUID then so the next login is found by it. Disabled users and unknown people are refused:
 * the app service never creates accounts.
 */
export async function findAppAccount(
  db: Db,
  instance: { tenantId: string; id: string },
  login: VerifiedLogin,
): Promise<SignInOutcome<AppAccount>> {
  const users = createUserRepository(db);
  const guid = login.guid.toLowerCase();
  let user = /^[0-9a-f]{32}$/.test(guid) ? await userByGuid(db, instance, guid) : undefined;
  if (user === undefined && login.sip !== '') {
    const candidates = login.sip.includes('@')
      ? [login.sip]
      : login.domain === ''
        ? []
        : [`${login.sip}@${login.domain}`];
    for (const email of candidates) {
      user = await users.findByEmail(instance.tenantId, email);
      if (user !== undefined) break;
    }
    if (user !== undefined && /^[0-9a-f]{32}$/.test(guid)) {
      await users.linkIdentity(instance.tenantId, user.id, guidSources(instance.id)[1], guid);
    }
  }
  if (user === undefined) return { ok: false, reason: 'unknown user' };
  if (user.disabledAt !== null) return { ok: false, reason: 'user disabled' };
  return {
    ok: true,
    account: {
      tenantId: instance.tenantId,
      instanceId: instance.id,
      userId: user.id,
      email: user.email,
      displayName: user.displayName,
      guid,
      sip: login.sip,
    },
  };
}
