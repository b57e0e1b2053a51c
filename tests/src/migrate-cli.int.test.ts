import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { testEnv } from '@vc/conference-core/testing';

import { startHubProcess } from './support/hub-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'vc-migrate-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const migrate = (env: Record<string, string>) => startHubProcess(env, 'migrate-cli');

describe('npm run migrate', () => {
  it('applies the migrations to a new embedded database, then finds nothing to do', async () => {
    const first = await migrate({ DATA_DIR: dataDir });
    expect(await first.exited).toBe(0);
    expect(first.output()).toMatch(/"migration":"0001-tenants".*"msg":"migration applied"/);

    const second = await migrate({ DATA_DIR: dataDir });
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain('database schema already up to date');
  });

  it('exits 1 with the reason when the database cannot be reached, never showing the password', async () => {
    const url = new URL(testEnv.postgresAdminUrl);
    url.password = 'not-the-password';
    url.pathname = `/vc_missing_${Date.now().toString(36)}`;
    const run = await migrate({
      DATABASE_URL: url.toString(),
      OIDC_ISSUER: 'https://idp.example.test/realms/ucs',
    });
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/migration failed; the schema is unchanged: .*does not exist/);
    expect(run.output()).not.toContain('not-the-password');
  });

  it('exits 2 on invalid configuration', async () => {
    const run = await migrate({ DATABASE_URL: 'sqlite:///tmp/x.db' });
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain('DATABASE_URL: expected a URL starting with postgres://');
  });
});
