import { describe, expect, it } from 'vitest';

import { appLoginDigest, digestMatches, infoForDigest } from './digest.js';

// The four test vectors published in the innovaphone SDK (doc/appwebsocket/AppWebsocket.htm,
// AppLogin, examples 1 to 4): challenge 0123456789abcdef, App object password "pwd".
const challenge = '0123456789abcdef';
const password = 'pwd';
const apiLogin = { app: 'pbxadminapi', domain: '', sip: '', guid: '', dn: '' };

describe('the AppWebsocket login digest', () => {
  it('matches example 1: no info object, so the info segment and its colon are left out', () => {
    expect(appLoginDigest(apiLogin, challenge, password)).toBe(
      'a205299ed2ef2786c311e0be1b14db343f2cadd906a6ae7b564eee34bda5e9a1',
    );
  });

  it('matches example 2: an empty info object hashes as {}', () => {
    expect(appLoginDigest({ ...apiLogin, info: infoForDigest({}) }, challenge, password)).toBe(
      '57b23fe824b9222a7ac879597cb509bcdc865a1bfeb057d9d12118cef0c3ba34',
    );
  });

  it('matches example 3: an info object with a common name', () => {
    const info = infoForDigest(JSON.parse('{ "cn": "Test User" }'));
    expect(appLoginDigest({ ...apiLogin, info }, challenge, password)).toBe(
      '96db3c3f657230c2b68194becc6d2a77f05de9f79f01fc81e9ca0fb196b10d9d',
    );
  });

  it('matches example 4: a full user login, info parsed from the pretty-printed message', () => {
    const message = JSON.parse(`{
      "app": "innovaphone-users", "dn": "Administrator User", "domain": "example.com",
      "guid": "0123456789abcdef0123456789abcdef",
      "info": { "appobj": "users", "apps": [ { "name": "users" }, { "name": "profile" } ],
                "appurl": "https://1.2.3.4/example.com/usersapp/innovaphone-users", "unlicensed": true },
      "mt": "AppLogin", "pbxObj": "users", "sip": "administrator" }`) as Record<string, string>;
    const fields = {
      app: message['app']!,
      domain: message['domain']!,
      sip: message['sip']!,
      guid: message['guid']!,
      dn: message['dn']!,
      info: infoForDigest(message['info']),
    };
    expect(appLoginDigest(fields, challenge, password)).toBe(
      'ef1b811ffaa8f9255c39c653d8fb26b4687b2d8c4d9ac91b4821bff6bae3ff44',
    );
  });

  it('changes with the password, the challenge and every covered field', () => {
    const base = appLoginDigest(apiLogin, challenge, password);
    expect(appLoginDigest(apiLogin, challenge, 'pwd2')).not.toBe(base);
    expect(appLoginDigest(apiLogin, '0123456789abcdee', password)).not.toBe(base);
    expect(appLoginDigest({ ...apiLogin, sip: 'x' }, challenge, password)).not.toBe(base);
  });

  it('compares digests in any letter case and refuses anything that is not 64 hex digits', () => {
    const digest = appLoginDigest(apiLogin, challenge, password);
    expect(digestMatches(digest, digest.toUpperCase())).toBe(true);
    expect(digestMatches(digest, digest.slice(1))).toBe(false);
    expect(digestMatches(digest, 42)).toBe(false);
    expect(digestMatches(digest, `${digest.slice(0, 63)}z`)).toBe(false);
  });
});
