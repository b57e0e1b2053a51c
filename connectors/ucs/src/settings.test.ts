import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { secretKeys } from '@vc/connector-sdk';

import { ucsSettings } from './settings.js';

const base = {
  url: 'ldaps://ucs.example.org:7636',
  bindDn: 'uid=sys-vchub,cn=users,dc=ex,dc=org',
  baseDn: 'dc=ex,dc=org',
};

describe('UCS connector settings', () => {
  it('mark only the bind password as secret, so the hub encrypts and never returns it', () => {
    expect(secretKeys(ucsSettings)).toEqual(['bindPassword']);
  });

  it('fill in the UCS defaults and describe every field', () => {
    expect(ucsSettings.parse(base)).toMatchObject({
      startTls: true,
      activationAttribute: 'vchubActivated',
      pageSize: 500,
      partitions: 1,
    });
    for (const [key, field] of Object.entries(ucsSettings.shape)) {
      expect(
        field.description ?? (field as { unwrap?: () => { description?: string } }).unwrap?.().description,
        key,
      ).toBeTruthy();
    }
  });

  it('default the activation attribute to the one our App Center package creates and the README names', () => {
    const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
    const appAttribute = /^GenericUserActivationAttribute\s*=\s*(\S+)/m.exec(
      read('../../../ucs/app/ini'),
    )?.[1];
    const readmeDefault = /^\| `activationAttribute`\s*\|\s*`([^`]+)`/m.exec(read('../README.md'))?.[1];
    const { activationAttribute } = ucsSettings.parse(base);
    expect(activationAttribute).toBe(appAttribute);
    expect(readmeDefault).toBe(activationAttribute);
  });

  it('refuse URLs that are not LDAP, paths in the URL and unknown slice counts', () => {
    expect(ucsSettings.safeParse({ ...base, url: 'http://ucs.example.org' }).success).toBe(false);
    expect(ucsSettings.safeParse({ ...base, url: 'ldap://ucs.example.org/dc=x??sub' }).success).toBe(false);
    expect(ucsSettings.safeParse({ ...base, partitions: 3 }).success).toBe(false);
    expect(ucsSettings.safeParse({ ...base, pageSize: 0 }).success).toBe(false);
  });
});
