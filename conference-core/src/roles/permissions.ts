/**
 * What a group mapping can grant (decision 0027). `tenant_admin` administers the tenant and holds
 * every other permission; `record` is stored and reported for the recording feature to come, and
 * checked nowhere yet.
 */
export const permissions = ['tenant_admin', 'schedule', 'dial_in', 'invite_guests', 'record'] as const;
export type Permission = (typeof permissions)[number];

/** How each permission reads in a refusal ("You may not <...>"). */
export const permissionActions: Readonly<Record<Permission, string>> = {
  tenant_admin: 'administer this organization',
  schedule: 'schedule meetings or create rooms',
  dial_in: 'give meetings a dial-in number',
  invite_guests: 'invite guests from outside the organization',
  record: 'record meetings',
};

export function isPermission(value: string): value is Permission {
  return (permissions as readonly string[]).includes(value);
}
