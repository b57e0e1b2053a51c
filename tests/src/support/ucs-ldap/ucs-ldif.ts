/**
 * UCS-like LDIF for the test directory (see ucs-approx.schema: the attribute names are UCS's, the
 * schema around them is an approximation). Users live in `cn=users,<base>` and groups in
 * `cn=groups,<base>`, as on a default UCS.
 */
export interface LdifUser {
  readonly uid: string;
  readonly mail?: string | null;
  readonly givenName?: string;
  readonly sn?: string;
  readonly displayName?: string;
  readonly preferredLanguage?: string;
  readonly telephoneNumber?: string;
  /** `vchubActivated` (or `attribute`) TRUE/FALSE; undefined leaves it out (not activated). */
  readonly activated?: boolean;
  readonly attribute?: string;
}

export interface LdifGroup {
  readonly cn: string;
  readonly memberUids: readonly string[];
}

export const userDn = (base: string, uid: string): string => `uid=${uid},cn=users,${base}`;
export const groupDn = (base: string, cn: string): string => `cn=${cn},cn=groups,${base}`;

/** LDIF needs base64 for values with non-ASCII, leading space/colon/< or control characters. */
export function ldifLine(name: string, value: string): string {
  const safe = /^[\x21-\x39\x3b\x3d-\x7e][\x20-\x7e]*$/.test(value) && !value.endsWith(' ');
  return safe ? `${name}: ${value}` : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

export function baseLdif(base: string, hubPassword: string): string {
  const dc = /^dc=([^,]+)/.exec(base)?.[1] ?? 'test';
  return [
    [
      `dn: ${base}`,
      'objectClass: top',
      'objectClass: dcObject',
      'objectClass: organization',
      `o: ${dc}`,
      `dc: ${dc}`,
    ],
    ...containersLdif(base),
    [
      `dn: uid=sys-hub,cn=users,${base}`,
      'objectClass: account',
      'objectClass: simpleSecurityObject',
      'uid: sys-hub',
      ldifLine('userPassword', hubPassword),
    ],
  ]
    .map((lines) => lines.join('\n'))
    .join('\n\n');
}

export function containersLdif(base: string): string[][] {
  return ['users', 'groups'].map((cn) => [
    `dn: cn=${cn},${base}`,
    'objectClass: top',
    'objectClass: organizationalRole',
    `cn: ${cn}`,
  ]);
}

let uidNumber = 2000;

export function userLdif(base: string, user: LdifUser): string {
  const attribute = user.attribute ?? 'vchubActivated';
  // The option object class GenericUserActivation creates beside the flag: <appid>User.
  const appClass = attribute.replace(/Activated$/, 'User');
  const sn = user.sn ?? user.uid;
  const lines = [
    ldifLine('dn', userDn(base, user.uid)),
    'objectClass: top',
    'objectClass: inetOrgPerson',
    'objectClass: posixAccount',
    'objectClass: univentionObject',
    'objectClass: univentionMail',
    `objectClass: ${appClass}`,
    'univentionObjectType: users/user',
    ldifLine('uid', user.uid),
    ldifLine('cn', user.displayName ?? `${user.givenName ?? ''} ${sn}`.trim()),
    ldifLine('sn', sn),
    `uidNumber: ${uidNumber++}`,
    'gidNumber: 5001',
    ldifLine('homeDirectory', `/home/${user.uid}`),
  ];
  if (user.givenName !== undefined) lines.push(ldifLine('givenName', user.givenName));
  if (user.displayName !== undefined) lines.push(ldifLine('displayName', user.displayName));
  if (user.mail !== undefined && user.mail !== null) lines.push(ldifLine('mailPrimaryAddress', user.mail));
  if (user.preferredLanguage !== undefined) lines.push(ldifLine('preferredLanguage', user.preferredLanguage));
  if (user.telephoneNumber !== undefined) lines.push(ldifLine('telephoneNumber', user.telephoneNumber));
  if (user.activated !== undefined) lines.push(`${attribute}: ${user.activated ? 'TRUE' : 'FALSE'}`);
  return lines.join('\n');
}

export function groupLdif(base: string, group: LdifGroup): string {
  const lines = [
    ldifLine('dn', groupDn(base, group.cn)),
    'objectClass: top',
    'objectClass: posixGroup',
    'objectClass: univentionGroup',
    'objectClass: univentionObject',
    'univentionObjectType: groups/group',
    ldifLine('cn', group.cn),
    `gidNumber: ${uidNumber++}`,
  ];
  for (const uid of group.memberUids) {
    lines.push(ldifLine('uniqueMember', userDn(base, uid)));
    lines.push(ldifLine('memberUid', uid));
  }
  return lines.join('\n');
}
