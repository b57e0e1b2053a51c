import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { readConnectorDescription } from './connector-file.js';

describe('readConnectorDescription', () => {
  let dir = '';
  let file = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vc-connector-file-'));
    file = join(dir, 'ucs-connector.json');
    mkdirSync(join(dir, 'secrets'));
    writeFileSync(join(dir, 'secrets', 'ldap.secret'), 'pa55word\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (value: unknown) => writeFileSync(file, JSON.stringify(value));
  const valid = {
    connector: 'ucs',
    settings: { url: 'ldap://ucs:7389', baseDn: 'dc=x' },
    secretFiles: { bindPassword: 'secrets/ldap.secret' },
    incrementalEveryMinutes: 10,
    guardPercent: 5,
  };

  it('reads the secret from its file relative to the description, trimmed, and converts the schedule', async () => {
    write(valid);
    const read = await readConnectorDescription(file);
    expect(read).toMatchObject({
      ok: true,
      description: {
        connector: 'ucs',
        name: 'UCS',
        settings: { url: 'ldap://ucs:7389', bindPassword: 'pa55word' },
        secretFields: ['bindPassword'],
        incrementalEveryMs: 600_000,
        guardShare: 0.05,
        fullCron: undefined,
      },
    });
  });

  it('says missing for an absent file and invalid, with the reason, for broken ones', async () => {
    expect(await readConnectorDescription(file)).toMatchObject({ ok: false, reason: 'missing' });
    writeFileSync(file, '{"connector":');
    expect(await readConnectorDescription(file)).toMatchObject({
      reason: 'invalid',
      message: expect.stringMatching(/is not valid JSON/) as string,
    });
    write({ ...valid, incrementalEveryMinutes: 'often', surprise: true });
    const read = await readConnectorDescription(file);
    expect(read).toMatchObject({ reason: 'invalid' });
    expect(!read.ok && read.reason === 'invalid' && read.message).toMatch(
      /incrementalEveryMinutes.*surprise/s,
    );
    write({ ...valid, secretFiles: { bindPassword: 'secrets/none' } });
    expect(await readConnectorDescription(file)).toMatchObject({
      reason: 'invalid',
      message: expect.stringMatching(/cannot read the secret file of bindPassword/) as string,
    });
  });

  it('changes its fingerprint when only the secret file changes, and never includes the secret', async () => {
    write(valid);
    const first = await readConnectorDescription(file);
    expect(first.fingerprint).toBe((await readConnectorDescription(file)).fingerprint);
    writeFileSync(join(dir, 'secrets', 'ldap.secret'), 'rotated');
    const second = await readConnectorDescription(file);
    expect(second.fingerprint).not.toBe(first.fingerprint);
    expect(second.fingerprint).not.toContain('rotated');
  });
});
