import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  configVariables,
  describeBackends,
  formatConfigProblems,
  hubUrl,
  parseConfig,
  signalingBaseUrl,
} from './config.js';

function problemsOf(env: Record<string, string>): string[] {
  const result = parseConfig(env);
  if (result.ok) throw new Error('expected the configuration to be refused');
  return result.problems;
}

describe('hub configuration', () => {
  it('runs everything embedded when nothing is set', () => {
    const result = parseConfig({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      roles: ['api', 'signaling', 'worker', 'sip'],
      dataDir: './data',
      databaseUrl: undefined,
      redisUrl: undefined,
      defaultTenant: 'default',
      logFormat: 'json',
      shutdownTimeoutMs: 10_000,
      oidcIssuer: undefined,
      oidcAudience: 'vc-api',
      devIdp: true,
      devIdpRealm: 'vc',
      devIdpCallInSecret: undefined,
    });
    expect(Object.isFrozen(result.config)).toBe(true);
  });

  it('looks for the UCS connector file in DATA_DIR unless told otherwise, and polls it and pushed changes', () => {
    const embedded = parseConfig({ DATA_DIR: '/var/lib/vchub' });
    expect(embedded.ok && embedded.config).toMatchObject({
      ucsConnectorFile: join('/var/lib/vchub', 'ucs-connector.json'),
      ucsConnectorFilePollMs: 15_000,
      syncPushPollMs: 5000,
    });
    const set = parseConfig({ UCS_CONNECTOR_FILE: '/etc/vchub/ucs.json', UCS_CONNECTOR_FILE_POLL_MS: '0' });
    expect(set.ok && set.config).toMatchObject({
      ucsConnectorFile: '/etc/vchub/ucs.json',
      ucsConnectorFilePollMs: 0,
    });
    expect(problemsOf({ SYNC_PUSH_POLL_MS: '-1' })).toEqual([
      'SYNC_PUSH_POLL_MS: expected an integer from 0 to 3600000 (got "-1")',
    ]);
  });

  it('treats empty values as unset, as in a copied .env.example', () => {
    const result = parseConfig({ PORT: '', DATABASE_URL: '', REDIS_URL: '', ROLES: '' });
    expect(result.ok && result.config.port === 8080 && result.config.databaseUrl === undefined).toBe(true);
  });

  it('names every bad variable at once and what it expects', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      ROLES: 'api,teleport',
      LOG_LEVEL: 'loud',
      DEFAULT_TENANT: 'Big Co',
    });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/^PORT: expected an integer from 0 to 65535 \(got "eighty"\)$/m);
    expect(problems.join('\n')).toMatch(
      /^ROLES: expected a comma-separated list of api, signaling, worker, sip/m,
    );
    expect(problems.join('\n')).toMatch(/^LOG_LEVEL: expected one of fatal, error/m);
    expect(problems.join('\n')).toMatch(/^DEFAULT_TENANT: expected a lowercase slug/m);
    expect(formatConfigProblems(problems)).toMatch(/^Invalid configuration \(4 problems\):/);
  });

  it('never repeats the value of a secret setting in its message', () => {
    const problems = problemsOf({
      DATABASE_URL: 'mysql://admin:hunter2@db/x',
      REDIS_URL: 'http://:s3cret@r',
    });
    expect(problems.join('\n')).toContain(
      'DATABASE_URL: expected a URL starting with postgres:// or postgresql://',
    );
    expect(problems.join('\n')).toContain('REDIS_URL: expected a URL starting with redis:// or rediss://');
    expect(problems.join('\n')).not.toMatch(/hunter2|s3cret/);
  });

  it('picks cluster backends from their URLs and a subset of roles', () => {
    const result = parseConfig({
      DATABASE_URL: 'postgres://vc@db:5432/vc',
      REDIS_URL: 'redis://cache:6379',
      OIDC_ISSUER: 'https://ucs.example.test/realms/ucs',
      ROLES: 'api, worker,api',
      PORT: '0',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.roles).toEqual(['api', 'worker']);
    expect(result.config.port).toBe(0);
    expect(result.config.databaseUrl).toBe('postgres://vc@db:5432/vc');
  });

  it('trusts an external issuer instead of the development one when OIDC_ISSUER is set', () => {
    const result = parseConfig({
      OIDC_ISSUER: 'https://ucs.example.test/realms/ucs',
      OIDC_AUDIENCE: 'vc-web',
    });
    expect(result).toMatchObject({
      ok: true,
      config: { oidcIssuer: 'https://ucs.example.test/realms/ucs', oidcAudience: 'vc-web', devIdp: false },
    });
    if (result.ok)
      expect(describeBackends(result.config).identity).toBe('oidc (https://ucs.example.test/realms/ucs)');
  });

  it('refuses DEV_IDP=off without OIDC_ISSUER, naming both', () => {
    const problems = problemsOf({ DEV_IDP: 'off' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^DEV_IDP: DEV_IDP=off needs OIDC_ISSUER/);
  });

  it('refuses two trusted issuers: DEV_IDP=on together with OIDC_ISSUER', () => {
    const problems = problemsOf({ DEV_IDP: 'on', OIDC_ISSUER: 'https://ucs.example.test/realms/ucs' });
    expect(problems[0]).toMatch(/^DEV_IDP: DEV_IDP=on and OIDC_ISSUER are both set/);
  });

  it('never starts the development issuer in cluster mode unless DEV_IDP=on says so', () => {
    for (const cluster of [{ DATABASE_URL: 'postgres://vc@db/vc' }, { REDIS_URL: 'redis://cache:6379' }]) {
      const problems = problemsOf(cluster);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^OIDC_ISSUER: required in cluster mode .*DEV_IDP=on/);
      expect(parseConfig({ ...cluster, DEV_IDP: 'on' })).toMatchObject({
        ok: true,
        config: { devIdp: true },
      });
      expect(parseConfig({ ...cluster, OIDC_ISSUER: 'https://idp.example.test' })).toMatchObject({
        ok: true,
        config: { devIdp: false },
      });
    }
  });

  it('checks the identity settings and never repeats the call-in secret', () => {
    const problems = problemsOf({
      OIDC_ISSUER: 'ldap://ucs',
      OIDC_AUDIENCE: 'two words',
      DEV_IDP: 'maybe',
      DEV_IDP_REALM: 'My Realm',
      DEV_IDP_CALL_IN_SECRET: 'short-s3cret',
    });
    const text = problems.join('\n');
    expect(problems).toHaveLength(5);
    expect(text).toMatch(/^OIDC_ISSUER: expected a URL starting with http:\/\/ or https:\/\//m);
    expect(text).toMatch(/^OIDC_AUDIENCE: expected one audience value/m);
    expect(text).toMatch(/^DEV_IDP: expected one of auto, on, off/m);
    expect(text).toMatch(/^DEV_IDP_REALM: expected a lowercase slug/m);
    expect(text).toMatch(/^DEV_IDP_CALL_IN_SECRET: expected at least 16 characters$/m);
    expect(text).not.toContain('short-s3cret');
  });

  it('derives the hub URL from PUBLIC_URL, else from the listening host and port', () => {
    expect(hubUrl({ publicUrl: 'https://vc.example.test/', host: '0.0.0.0' }, 8080)).toBe(
      'https://vc.example.test',
    );
    expect(hubUrl({ publicUrl: undefined, host: '0.0.0.0' }, 8080)).toBe('http://localhost:8080');
    expect(hubUrl({ publicUrl: undefined, host: '127.0.0.1' }, 4000)).toBe('http://127.0.0.1:4000');
    expect(hubUrl({ publicUrl: undefined, host: '::1' }, 4000)).toBe('http://[::1]:4000');
  });

  it('derives this node s signaling URL from SIGNALING_PUBLIC_URL, else from the hub URL', () => {
    expect(signalingBaseUrl({ signalingPublicUrl: undefined }, 'https://vc.example.test')).toBe(
      'wss://vc.example.test/signaling',
    );
    expect(signalingBaseUrl({ signalingPublicUrl: 'https://node-2.vc.example.test/' }, 'https://x')).toBe(
      'wss://node-2.vc.example.test/signaling',
    );
    expect(signalingBaseUrl({ signalingPublicUrl: 'ws://10.0.0.5:8080/signaling' }, 'http://x')).toBe(
      'ws://10.0.0.5:8080/signaling',
    );
    expect(parseConfig({ SIGNALING_PUBLIC_URL: 'ftp://x' })).toMatchObject({ ok: false });
    expect(parseConfig({ SIGNALING_RECONNECT_GRACE_MS: '-1' })).toMatchObject({ ok: false });
  });

  it('logs pretty on a terminal and JSON otherwise unless told', () => {
    expect(parseConfig({}, true)).toMatchObject({ config: { logFormat: 'pretty' } });
    expect(parseConfig({ LOG_FORMAT: 'json' }, true)).toMatchObject({ config: { logFormat: 'json' } });
  });

  it('documents every setting, and only those, in .env.example with a valid default', () => {
    const example = readFileSync(join(import.meta.dirname, '..', '..', '.env.example'), 'utf8');
    const entries = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map(
      (m) => [m[1] ?? '', m[2] ?? ''] as const,
    );
    const documented = entries.map(([name]) => name).sort();
    const known = [...configVariables].sort();
    expect(documented).toEqual(known);
    expect(parseConfig(Object.fromEntries(entries)).ok).toBe(true);
  });
});
