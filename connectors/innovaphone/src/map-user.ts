import type { SkippedRecord, UserRecord } from '@vc/connector-sdk';

/** The PbxTableUsers columns the connector asks for (doc/appwebsocket/PbxTableUsers.htm). */
export const userColumns = ['guid', 'h323', 'cn', 'dn', 'e164', 'apps', 'hide', 'emails', 'grps'] as const;

export interface PbxUserRow {
  readonly guid?: unknown;
  readonly h323?: unknown;
  readonly cn?: unknown;
  readonly dn?: unknown;
  readonly e164?: unknown;
  readonly apps?: unknown;
  readonly emails?: unknown;
  readonly grps?: unknown;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim().length > 0 ? value.trim() : undefined;

/** `apps` is a comma-separated list of the App objects the user may use (the user's Apps tab). */
export function grantedApps(row: PbxUserRow): string[] {
  return (text(row.apps) ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a.length > 0);
}

/** Names of the groups the user is an active member of (`grps[{name, mode, dyn}]`). */
export function groupNames(row: PbxUserRow): string[] {
  if (!Array.isArray(row.grps)) return [];
  return row.grps
    .map((g: unknown) => (typeof g === 'object' && g !== null ? (g as Record<string, unknown>) : {}))
    .filter((g) => g['mode'] !== 'inactive')
    .map((g) => text(g['name']))
    .filter((n): n is string => n !== undefined);
}

function firstEmail(row: PbxUserRow): string | undefined {
  if (!Array.isArray(row.emails)) return undefined;
  for (const entry of row.emails as unknown[]) {
    const email =
      typeof entry === 'object' && entry !== null
        ? text((entry as Record<string, unknown>)['email'])
        : undefined;
    if (email !== undefined && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return email.toLowerCase();
  }
  return undefined;
}

/**
 * A PBX user object as a normalized user. The PBX has no given and family name, only the display
 * name (`dn`) and the object name (`cn`): the display name is split at its last space, which is
 * right for "First Last" and leaves single names as a first name.
 */
export function mapUser(
  row: PbxUserRow,
): { ok: true; user: UserRecord } | { ok: false; skipped: SkippedRecord } {
  const guid = text(row.guid)?.toLowerCase();
  const label = text(row.cn) ?? text(row.h323);
  if (guid === undefined || !/^[0-9a-f]{32}$/.test(guid)) {
    return {
      ok: false,
      skipped: { type: 'user', externalId: label ?? '<no guid>', reason: 'no valid guid' },
    };
  }
  const email = firstEmail(row);
  if (email === undefined) {
    return {
      ok: false,
      skipped: {
        type: 'user',
        externalId: guid,
        ...(label !== undefined && { label }),
        reason: 'no email address on the PBX user object',
      },
    };
  }
  const displayName = (text(row.dn) ?? text(row.cn) ?? text(row.h323) ?? email).slice(0, 256);
  const space = displayName.lastIndexOf(' ');
  const phone = text(row.e164);
  return {
    ok: true,
    user: {
      type: 'user',
      externalId: guid,
      email,
      emailVerified: true,
      username: text(row.h323)?.slice(0, 256) ?? null,
      firstName: space > 0 ? displayName.slice(0, space) : displayName,
      lastName: space > 0 ? displayName.slice(space + 1) : null,
      displayName,
      language: null,
      phone: phone === undefined ? null : phone.slice(0, 64),
      ...(label !== undefined && { label: label.slice(0, 1000) }),
    },
  };
}
