import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';

import { ensureWebClientBuilt } from '@vc/hub/testing';
import { startApiHub, type ApiHub } from './support/api-hub.js';
import { launchTestChromium } from './support/chromium-args.js';
import { startSlapd, type Slapd } from './support/slapd.js';
import { userDn, userLdif } from './support/ucs-ldap/ucs-ldif.js';

/** Screenshots of the dashboard's screens, kept as test artifacts. */
const artifacts = join(import.meta.dirname, '../../reports/admin-dashboard');
const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeResults {
  violations: { id: string; impact: string | null; nodes: { target: string[]; html: string }[] }[];
}

/** axe-core's serious and critical findings on the page as it is now, as `rule: element html` lines. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (options: object) => Promise<AxeResults> } }).axe;
    return (await axe.run({ resultTypes: ['violations'] })).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((node) => `${v.id}: ${node.target.join(' ')} ${node.html}`));
}

const people = Array.from({ length: 10 }, (_, i) => `p${i + 1}`);

/**
 * The admin dashboard (part of the web client, at `/admin/`) in real Chromium against a real hub
 * and a private slapd with a UCS-like directory: alice, a tenant administrator, signs in through
 * the development issuer, creates a UCS connector from the labelled settings form, edits settings
 * (the bind password is write-only) and schedules, runs syncs, filters the history, approves a run
 * the guard stopped, reads the audit log, deletes the connector and signs out of the issuer too;
 * bob, who is no administrator, is refused with a message.
 */
describe('admin dashboard (Chromium)', () => {
  let slapd: Slapd;
  let api: ApiHub;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    const [started] = await Promise.all([
      startSlapd({ suffixes: ['dc=dash,dc=test'] }),
      ensureWebClientBuilt(),
    ]);
    slapd = started;
    await slapd.add(
      people
        .map((uid) =>
          userLdif(slapd.base, {
            uid,
            mail: `${uid}@dash.test`,
            givenName: uid,
            sn: 'Dash',
            activated: true,
          }),
        )
        .join('\n\n'),
    );
    api = await startApiHub();
    browser = await launchTestChromium();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await slapd?.dispose();
  });

  async function signIn(user: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.stack ?? error.message));
    onTestFailed(async () => {
      writeFileSync(join(artifacts, `failed-${user}.log`), errors.join('\n'));
      await page.screenshot({ path: join(artifacts, `failed-${user}.png`), fullPage: true });
    });
    await page.goto(`${api.url}/admin/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('input[name="username"]').fill(user);
    await page.locator('input[name="password"]').fill('demo');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(`${api.url}/admin/`);
    return page;
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

  it('lets alice create, edit, run, approve, audit and delete a UCS connector, then sign out', async () => {
    const page = await signIn('alice');
    await page.getByRole('heading', { name: 'Directory connectors' }).waitFor();
    await page.getByText('No connector yet').waitFor();

    // Create: every field is labelled by the connector (not its key), numbers are number inputs,
    // the checkbox shows its effective default.
    await page.getByRole('link', { name: 'New connector' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Campus directory');
    await page.getByLabel('LDAP server URL').fill(slapd.url);
    const startTls = page.getByLabel('Use StartTLS');
    expect(await startTls.isChecked()).toBe(true);
    await startTls.uncheck();
    await page.getByLabel('Bind DN').fill(slapd.hubDn);
    await page.getByLabel('Bind password', { exact: true }).fill(slapd.hubPassword);
    await page.getByLabel('Search base (base DN)').fill(slapd.base);
    const pageSize = page.getByLabel('Page size');
    expect(await pageSize.getAttribute('inputmode')).toBe('numeric');
    expect(await pageSize.getAttribute('placeholder')).toBe('500');
    await pageSize.fill('4');
    expect(await page.getByText('bindDn', { exact: true }).count()).toBe(0);
    await shot(page, 'new-connector');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Create connector' }).click();

    // A new connector has the default schedules; the interval's first run starts at once.
    const connector = page.getByTestId('connector-Campus directory');
    await connector.waitFor();
    expect(await page.getByTestId('schedule').textContent()).toBe(
      'ucs · Incremental: every 5 minutes · full: 30 2 * * *',
    );
    await expect.poll(() => page.getByTestId('health').textContent(), { timeout: 30_000 }).toBe('healthy');

    // Schedules: incremental off (null), full at 03:00.
    await page.getByRole('tab', { name: 'Schedule' }).click();
    await page.getByLabel('Incremental runs on a schedule').uncheck();
    await page.getByLabel('Full run (cron pattern)').fill('0 3 * * *');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await expect
      .poll(() => page.getByTestId('schedule').textContent())
      .toBe('ucs · Incremental: only when started · full: 0 3 * * *');
    // A bad cron pattern is refused with a readable message, and nothing changes.
    await page.getByLabel('Full run (cron pattern)').fill('every night');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByRole('alert').filter({ hasText: 'Please check your input' }).waitFor();
    await shot(page, 'schedule');

    // Settings: the stored bind password is never shown; left empty it stays as it is.
    await page.getByRole('tab', { name: 'Settings' }).click();
    const password = page.getByLabel('Bind password', { exact: true });
    expect(await password.inputValue()).toBe('');
    expect(await password.getAttribute('placeholder')).toBe('unchanged');
    expect(await page.content()).not.toContain(slapd.hubPassword);
    const stored = (await (
      await api.call('/v1/admin/connectors', { token: await api.token('alice') })
    ).json()) as {
      items: { settings: Record<string, unknown> }[];
    };
    expect(stored.items[0]?.settings['bindPassword']).toBe('<set>');
    expect(await page.getByLabel('Page size').inputValue()).toBe('4');
    await page.getByLabel('Page size').fill('3');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => page.getByTestId('notice').textContent()).toBe('The connection works.');
    // A typed secret replaces the stored one (here a wrong one: the test then fails to bind).
    await password.fill('not-the-password');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await password.inputValue()).toBe('');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => page.getByTestId('notice').textContent()).toMatch(/^The connection failed: /);
    await password.fill(slapd.hubPassword);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

    // The same form in German, labels from the connector's metadata.
    await page.getByText('Deutsch', { exact: true }).click();
    await page.getByLabel('Suchbasis (Base-DN)').waitFor();
    await page.getByLabel('StartTLS verwenden').waitFor();
    expect(await page.getByLabel('Bind-Passwort', { exact: true }).getAttribute('placeholder')).toBe(
      'unverändert',
    );
    await shot(page, 'settings-de');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByText('English', { exact: true }).click();

    // A full run, watched on the overview.
    await page.getByRole('tab', { name: 'Overview' }).click();
    await page.getByRole('button', { name: 'Full sync' }).click();
    // Until the new run shows, the panel shows the last one (the scheduled incremental run).
    await expect
      .poll(() => connector.getByTestId('counter-seen').textContent(), { timeout: 30_000 })
      .toBe('10');
    await expect
      .poll(() => connector.getByTestId('run').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('completed');

    // Half the people leave: more than the guard allows, so the run waits for an approval and
    // lists who would be deactivated.
    for (const uid of people.slice(0, 5)) await slapd.remove(userDn(slapd.base, uid));
    await page.getByRole('button', { name: 'Full sync' }).click();
    const guard = page.getByTestId('guard');
    await guard.waitFor({ timeout: 30_000 });
    expect(await guard.textContent()).toContain('deactivate 5 of 10 people');
    expect(await page.getByTestId('guard-people').getByRole('listitem').allTextContents()).toEqual(
      people
        .slice(0, 5)
        .map((uid) => `${uid}@dash.test`)
        .sort(),
    );
    await shot(page, 'guarded-run');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Approve deactivations' }).click();
    await expect
      .poll(() => connector.getByTestId('run').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('completed');
    await expect.poll(() => connector.getByTestId('counter-deactivated').textContent()).toBe('5');

    // History: three runs (the scheduled incremental one and two full ones), filtered.
    await page.getByRole('tab', { name: 'Run history' }).click();
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(3);
    await page.getByRole('combobox', { name: 'Kind' }).click();
    await page.getByRole('option', { name: 'Full' }).click();
    await expect.poll(() => page.getByTestId('history-count').textContent()).toBe('2 of 3 runs');
    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'failed' }).click();
    await expect.poll(() => page.getByTestId('history-count').textContent()).toBe('0 of 3 runs');
    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'completed' }).click();
    await expect.poll(() => page.getByTestId('history-count').textContent()).toBe('2 of 3 runs');
    await page.getByLabel('Started on').fill('2001-01-01');
    await expect.poll(() => page.getByTestId('history-count').textContent()).toBe('0 of 3 runs');
    await page.getByLabel('Started on').fill(await page.evaluate(() => new Date().toLocaleDateString('sv')));
    await expect.poll(() => page.getByTestId('history-count').textContent()).toBe('2 of 3 runs');
    await shot(page, 'run-history');

    // The audit log names what changed, never a value.
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const audit = page.getByTestId('audit');
    for (const action of [
      'Connector created',
      'Connector changed',
      'Run started',
      'Deactivations approved',
    ]) {
      await audit.getByRole('cell', { name: action }).first().waitFor();
    }
    expect(await audit.textContent()).not.toContain('not-the-password');
    await shot(page, 'audit');
    expect(await accessibilityProblems(page)).toEqual([]);

    // Roles from groups: members of the directory's "planners" group alone may schedule.
    await page.getByRole('link', { name: 'Roles from groups' }).click();
    await page.getByRole('heading', { name: 'Roles from groups' }).waitFor();
    const open = page.getByTestId('role-mapping-open');
    await expect.poll(() => open.textContent()).toContain('May schedule meetings');
    await page.getByRole('button', { name: 'Add rule' }).click();
    const rule = page.getByTestId('role-rule').first();
    await rule.getByLabel('Group name').fill('planners');
    expect(await rule.getByRole('checkbox', { name: 'May schedule meetings' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Save mapping' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await expect.poll(() => open.textContent()).not.toContain('May schedule meetings');
    await shot(page, 'roles');
    expect(await accessibilityProblems(page)).toEqual([]);

    // Delete, after a confirmation.
    await page.getByRole('link', { name: 'Directory connectors' }).click();
    await page.getByRole('link', { name: 'Campus directory' }).click();
    await page.getByRole('button', { name: 'Delete connector' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No connector yet').waitFor();
    await shot(page, 'connectors');

    // Sign-out ends the issuer's session too: the next sign-in asks for the password again.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign out / Abmelden' }).click();
    await page.waitForURL(`${api.url}/`);
    await page.goto(`${api.url}/admin/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('input[name="password"]').waitFor();
    await page.context().close();
    // Generous for a loaded machine: about 25 s when it has the cores to itself.
  }, 180_000);

  it('refuses bob, who is not a tenant administrator, with a message', async () => {
    const page = await signIn('bob');
    await page.getByTestId('not-admin').waitFor();
    expect(await page.getByRole('heading', { name: 'Administrators only' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'New connector' }).count()).toBe(0);
    await shot(page, 'not-admin');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.context().close();
  }, 90_000);
});
