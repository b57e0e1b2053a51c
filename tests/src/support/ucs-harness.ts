import type { ConformanceHarness, SeedUser } from '@vc/connector-sdk/testing';
import { ucsConnector, type UcsSettings } from '@vc/connector-ucs';

import type { Slapd } from './slapd.js';
import { userDn, userLdif, type LdifUser } from './ucs-ldap/ucs-ldif.js';

type SettingsInput = Partial<Omit<UcsSettings, 'url' | 'bindDn' | 'baseDn'>> &
  Pick<UcsSettings, 'url' | 'bindDn' | 'baseDn'>;

/** Connector settings for the test slapd (plain ldap:// on loopback, so no StartTLS unless asked). */
export function slapdSettings(slapd: Slapd, over: Partial<SettingsInput> = {}): SettingsInput {
  return {
    url: slapd.url,
    startTls: false,
    bindDn: slapd.hubDn,
    bindPassword: slapd.hubPassword,
    baseDn: slapd.base,
    pageSize: 50,
    timeoutMs: 5000,
    ...over,
  };
}

const asLdif = (u: SeedUser): LdifUser => ({
  uid: u.key,
  mail: u.email,
  givenName: u.firstName,
  sn: u.lastName,
  activated: true,
});

/** The conformance harness over a private slapd: people are UCS-like user entries in cn=users. */
export function ucsHarness(slapd: Slapd): ConformanceHarness<SettingsInput> {
  const present = new Set<string>();
  return {
    connector: ucsConnector,
    async seed(users) {
      for (const uid of present) await slapd.remove(userDn(slapd.base, uid));
      present.clear();
      if (users.length > 0) await slapd.add(users.map((u) => userLdif(slapd.base, asLdif(u))).join('\n\n'));
      for (const u of users) present.add(u.key);
    },
    async addUser(user) {
      await slapd.add(userLdif(slapd.base, asLdif(user)));
      present.add(user.key);
    },
    async modifyUser(key, changes) {
      const lines = [`dn: ${userDn(slapd.base, key)}`, 'changetype: modify'];
      const set = (attr: string, value: string | undefined): void => {
        if (value !== undefined) lines.push(`replace: ${attr}`, `${attr}: ${value}`, '-');
      };
      set('mailPrimaryAddress', changes.email);
      set('givenName', changes.firstName);
      set('sn', changes.lastName);
      await slapd.modify(lines.join('\n'));
    },
    async removeUser(key) {
      await slapd.remove(userDn(slapd.base, key));
      present.delete(key);
    },
    async deactivateUser(key) {
      await slapd.modify(
        [
          `dn: ${userDn(slapd.base, key)}`,
          'changetype: modify',
          'replace: vchubActivated',
          'vchubActivated: FALSE',
          '-',
        ].join('\n'),
      );
    },
    settings: (options = {}) =>
      slapdSettings(slapd, options.batchSize === undefined ? {} : { pageSize: options.batchSize }),
    badCredentialsSettings: () => slapdSettings(slapd, { bindPassword: 'not-the-password' }),
    disrupt: () => slapd.stop(),
    restore: () => slapd.start(),
  };
}
