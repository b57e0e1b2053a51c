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
 * Finds the core user of a PBX login (decision 0024): by the GUID identity link the PBX user sync
 * made (`innovaphone:<instance>`), else by email (the SIP name when it is an address, else
 * `<sip>@<domain>`), linking the GUID then so the next login is found by it. Disabled users and
 * unknown people are refused: the app service never creates accounts.
 */
export async function findAppAccount(
  db: Db,
  instance: { tenantId: string; id: string },
  login: VerifiedLogin,
): Promise<SignInOutcome<AppAccount>> {
  const users = createUserRepository(db);
  const source = identitySource('innovaphone', instance.id);
  const guid = login.guid.toLowerCase();
  let user = /^[0-9a-f]{32}$/.test(guid)
    ? await users.findByIdentity(instance.tenantId, source, guid)
    : undefined;
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
      await users.linkIdentity(instance.tenantId, user.id, source, guid);
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
