import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { fakeAppGetLogin } from '@vc/connector-innovaphone/testing';
import { type Browser, type Frame, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApiHub, type ApiHub } from './support/api-hub.js';
import { launchTestChromium } from './support/chromium-args.js';

/**
 * The myApps app in Debian's Chromium, inside a STUB of the myApps client: a host page that embeds
 * the app in an iframe like myApps does, signs its login the way the PBX does for AppGetLogin (the
 * App object password stays in the test), answers SubscribePresence, and records every client API
 * message, so the test asserts the StartCall the app sends. The hub and its meetings are real.
 * The stub page is fulfilled by the browser at a path on the hub's loopback origin: Chromium does
 * not let a page of a public origin frame a loopback one (Private Network Access).
 */
const artifacts = join(import.meta.dirname, '../../reports/innovaphone-app');
const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const appPassword = 'app-object-password';
const login = {
  app: 'vc-meetings',
  domain: 'example.test',
  sip: 'alice',
  guid: 'a11ce000000000000000000000000001',
  dn: 'Alice',
};

/** The stub host: what the myApps client does around an app's iframe, as far as this app needs. */
const hostPage = (appUrl: string) => `<!doctype html><html><head><title>myApps stub</title></head><body>
<iframe id="app" title="app" src="${appUrl}" style="width:600px;height:700px"></iframe>
<script>
  window.recorded = [];
  const frame = document.getElementById('app');
  window.addEventListener('message', async (event) => {
    const message = JSON.parse(event.data);
    window.recorded.push(message);
    const reply = (m) => frame.contentWindow.postMessage(JSON.stringify(m), '*');
    if (message.mt === 'getLogin') reply({ ...(await window.signLogin(message.app, message.challenge)), mt: 'Login' });
    if (message.api === 'com.innovaphone.client' && message.mt === 'SubscribePresence') {
      reply({ api: 'com.innovaphone.client', mt: 'PresenceUpdated', sip: message.sip, presence: [{ activity: 'busy', note: '' }] });
    }
  });
</script></body></html>`;

interface AxeResults {
  violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[];
}

async function accessibilityProblems(frame: Frame): Promise<string[]> {
  await frame.addScriptTag({ path: axeSource });
  const violations = await frame.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (options: object) => Promise<AxeResults> } }).axe;
    return (await axe.run({ resultTypes: ['violations'] })).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((node) => `${v.id}: ${node.target.join(' ')}`));
}

describe('the myApps app (Chromium, stub myApps client)', () => {
  let api: ApiHub;
  let browser: Browser;
  let instanceId: string;
  let meetingId: string;
  const consoleLines: string[] = [];

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    api = await startApiHub({ MAIL_DIAL_IN_NUMBER: '+49 30 5550100' });
    const alice = await api.token('alice');
    await api.call('/v1/users/me', { token: alice });
    const created = await api.call('/v1/admin/connectors', {
      method: 'POST',
      token: alice,
      body: {
        type: 'innovaphone',
        name: 'PBX',
        settings: {
          pbxUrl: 'wss://pbx.example.test/PBX0/APPS/websocket',
          appObject: 'vc',
          appPassword,
          callInSipDomain: 'meet.example.test',
        },
        incremental_every_ms: null,
        full_cron: null,
      },
    });
    expect(created.status).toBe(201);
    instanceId = ((await created.json()) as { id: string }).id;
    const event = await api.call('/v1/events', {
      method: 'POST',
      token: alice,
      body: {
        title: 'Projektbesprechung',
        starts_at: { datetime: new Date(Date.now() + 3_600_000).toISOString(), timezone: 'Europe/Berlin' },
        ends_at: { datetime: new Date(Date.now() + 7_200_000).toISOString(), timezone: 'Europe/Berlin' },
      },
    });
    meetingId = ((await event.json()) as { id: string }).id;
    browser = await launchTestChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await api?.stop();
  });

  const openApp = async (lang: 'de' | 'en'): Promise<{ page: Page; app: Frame }> => {
    const page = await browser.newPage();
    page.on('console', (m) => consoleLines.push(m.text()));
    page.on('pageerror', (e) => consoleLines.push(e.message));
    page.on('requestfailed', (r) => consoleLines.push(`failed ${r.url()}`));
    await page.exposeFunction('signLogin', (app: string, challenge: string) =>
      fakeAppGetLogin({ ...login, app }, challenge, appPassword),
    );
    const appUrl = `${api.url}/innovaphone/${instanceId}/vc-meetings.htm?lang=${lang}`;
    await page.route(`${api.url}/myapps-stub.html`, (route) =>
      route.fulfill({ contentType: 'text/html', body: hostPage(appUrl) }),
    );
    await page.goto(`${api.url}/myapps-stub.html`);
    const app = await (await page.waitForSelector('#app')).contentFrame();
    if (app === null) throw new Error('the app frame did not load');
    return { page, app };
  };

  it('shows the meetings in German, a presence badge, and joins by phone with one StartCall to the direct-dial URI', async () => {
    const { page, app } = await openApp('de');
    await app
      .getByText('Projektbesprechung')
      .waitFor({ timeout: 20_000 })
      .catch(async (err: unknown) => {
        throw new Error(
          `${String(err)}\nstatus: ${await app.locator('#status').textContent()}\n${consoleLines.join('\n')}\nrecorded: ${JSON.stringify(await page.evaluate(() => (globalThis as unknown as { recorded: unknown }).recorded))}`,
        );
      });
    await app.getByText('Beschäftigt').waitFor();
    expect(await app.getByRole('link', { name: 'Im Browser beitreten' }).getAttribute('href')).toMatch(
      new RegExp(`^${api.url}/rooms/[0-9a-f-]{36}$`),
    );
    await app.getByRole('button', { name: 'Per Telefon beitreten' }).click();
    await app.getByText('Konferenz-ID').waitFor();
    const startCall = await page.waitForFunction(() =>
      (globalThis as unknown as { recorded: Record<string, unknown>[] }).recorded.find(
        (m) => m['mt'] === 'StartCall',
      ),
    );
    const sent = (await startCall.jsonValue()) as Record<string, unknown>;
    const details = (await api.call(`/v1/events/${meetingId}`, { token: await api.token('alice') })).status;
    expect(details).toBe(200);
    expect(sent).toMatchObject({ api: 'com.innovaphone.phone', mt: 'StartCall' });
    expect(sent['sip']).toMatch(/^sip:\d{10}\*\d{4,12}@meet\.example\.test$/);
    const shownId = await app.locator('dd').nth(1).textContent();
    expect(sent['sip']).toContain(`sip:${shownId ?? 'missing'}*`);
    const recorded = (await page.evaluate(
      () => (globalThis as unknown as { recorded: unknown[] }).recorded,
    )) as {
      mt: string;
      api?: string;
    }[];
    expect(recorded.filter((m) => m.mt === 'StartCall')).toHaveLength(1);
    expect(recorded).toContainEqual(
      expect.objectContaining({ mt: 'SubscribePresence', sip: 'alice' }) as unknown,
    );
    await page.screenshot({ path: join(artifacts, 'meetings-de.png') });
    expect(await accessibilityProblems(app)).toEqual([]);
    await page.close();
  });

  it('speaks English and creates a meeting that shows up in the list', async () => {
    const { page, app } = await openApp('en');
    await app.getByText('Projektbesprechung').waitFor();
    await app.getByRole('button', { name: 'New meeting' }).click();
    await app.getByText('Conference ID').waitFor();
    await app.getByText('Alice Adler: meeting').first().waitFor();
    await page.screenshot({ path: join(artifacts, 'meetings-en.png') });
    await page.close();
  });

  it('tells the user when the PBX signature does not fit', async () => {
    const page = await browser.newPage();
    await page.exposeFunction('signLogin', (app: string, challenge: string) =>
      fakeAppGetLogin({ ...login, app }, challenge, 'wrong-password'),
    );
    const appUrl = `${api.url}/innovaphone/${instanceId}/vc-meetings.htm?lang=en`;
    await page.route(`${api.url}/myapps-stub.html`, (route) =>
      route.fulfill({ contentType: 'text/html', body: hostPage(appUrl) }),
    );
    await page.goto(`${api.url}/myapps-stub.html`);
    const app = await (await page.waitForSelector('#app')).contentFrame();
    await app?.getByText('Sign-in failed').waitFor();
    await page.close();
  });

  it('serves only the app files, and no app for an unknown path', async () => {
    expect(
      (await fetch(`${api.url}/innovaphone/${instanceId}/vc-meetings.png`)).headers.get('content-type'),
    ).toBe('image/png');
    expect((await fetch(`${api.url}/innovaphone/${instanceId}/package.json`)).status).toBe(404);
    expect((await fetch(`${api.url}/innovaphone/${instanceId}/..%2fREADME.md`)).status).toBe(404);
  });
});
