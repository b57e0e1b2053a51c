import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ensureDashboardBuilt } from '../../hub/src/admin-dashboard/build.js';
import { fakeConnector, fakeDirectory } from '../../hub/src/testing/fake-directory.js';
import { startApiHub, type ApiHub } from './support/api-hub.js';
import { quietChromiumArgs } from './support/chromium-args.js';

/**
 * The admin dashboard in real Chromium: alice signs in through the development issuer's login form
 * (code + PKCE), sees the connector, starts a run and watches it complete, then approves a run the
 * guard stopped; bob, who is no tenant administrator, is refused.
 */
describe('admin dashboard (Chromium)', () => {
  const directory = fakeDirectory('dash-pass');
  let api: ApiHub;
  let browser: Browser;

  beforeAll(async () => {
    await ensureDashboardBuilt();
    for (let i = 1; i <= 10; i++) directory.put({ externalId: `p${i}`, email: `p${i}@dash.test` });
    // Slow enough to watch: each batch waits a little.
    directory.fault = () => new Promise((resolve) => setTimeout(resolve, 150));
    api = await startApiHub({ connectors: [fakeConnector({ dash: directory })] });
    const alice = await api.token('alice');
    const created = await api.call('/v1/admin/connectors', {
      method: 'POST',
      token: alice,
      // No schedule: the test starts every run itself and watches it in the dashboard.
      body: {
        type: 'fake',
        name: 'Dash directory',
        settings: { directory: 'dash', password: 'dash-pass' },
        incremental_every_ms: null,
        full_cron: null,
      },
    });
    expect(created.status).toBe(201);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [...quietChromiumArgs],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await api?.stop();
  });

  async function signIn(user: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${api.url}/admin`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('input[name="username"]').fill(user);
    await page.locator('input[name="password"]').fill('demo');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(`${api.url}/admin/`);
    return page;
  }

  it('lets alice sign in, run a sync with live progress, and approve a guarded run', async () => {
    const page = await signIn('alice');
    const card = page.getByTestId('connector-Dash directory');
    await expect.poll(() => card.getByTestId('health').textContent(), { timeout: 15_000 }).toBe('never run');
    expect(await card.getByTestId('schedule').textContent()).toBe(
      'Schedule: incremental only when started, full only when started',
    );
    // The schedule is editable: a nightly full run at 03:00 (an interval would start a run at once).
    await card.getByLabel('Full run (cron, empty: off)').fill('0 3 * * *');
    await card.getByRole('button', { name: 'Save schedule' }).click();
    await expect
      .poll(() => card.getByTestId('schedule').textContent(), { timeout: 15_000 })
      .toBe('Schedule: incremental only when started, full 0 3 * * *');

    await card.getByRole('button', { name: 'Full sync' }).click();
    await expect.poll(() => card.getByTestId('run-state').textContent(), { timeout: 15_000 }).toBe('running');
    await expect
      .poll(() => card.getByTestId('run-state').textContent(), { timeout: 30_000 })
      .toBe('completed');
    expect(await card.getByTestId('counter-created').textContent()).toBe('created: 10');
    expect(await card.getByTestId('progress').getAttribute('value')).toBe('1');

    // Half the people leave: above the default guard (10%), so the run waits for an approval.
    for (let i = 1; i <= 5; i++) directory.users.delete(`p${i}`);
    await card.getByRole('button', { name: 'Full sync' }).click();
    await expect
      .poll(() => card.getByTestId('run-state').textContent(), { timeout: 30_000 })
      .toBe('needs approval');
    await expect(card.getByTestId('guard').textContent()).resolves.toContain('5 of 10');
    await card.getByRole('button', { name: 'Approve deactivations' }).click();
    await expect
      .poll(() => card.getByTestId('run-state').textContent(), { timeout: 15_000 })
      .toBe('completed');
    expect(await card.getByTestId('counter-deactivated').textContent()).toBe('deactivated: 5');

    // The same page in German, from the one catalog.
    await page.getByRole('button', { name: 'Deutsch' }).click();
    await expect.poll(() => card.getByTestId('run-state').textContent()).toBe('abgeschlossen');
    await page.context().close();
  });

  it('refuses bob, who is not a tenant administrator', async () => {
    const page = await signIn('bob');
    await expect.poll(() => page.getByTestId('not-admin').isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await page.getByTestId('connector-Dash directory').count()).toBe(0);
    await page.context().close();
  });
});
