import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';

import { ensureOutlookAddinBuilt } from '@vc/hub/testing';
import { validateAddinManifest, validateAppManifest, pngSize } from '@vc/outlook-addin/testing';
import { startApiHub, type ApiHub } from './support/api-hub.js';
import { launchTestChromium } from './support/chromium-args.js';
import { officeStubScript } from './support/office-stub-bundle.js';
import { teamsHostPage } from './support/teams-host-stub.js';

const artifacts = join(import.meta.dirname, '../../reports/outlook-addin');

interface StubState {
  body: string;
  location: string;
  customProperties: Record<string, unknown>;
}

/**
 * The add-in's pages in Debian's Chromium, served by a real hub, signing in at its real
 * development issuer through a dialog window. office.js is replaced by a local stub of the Office
 * host (tests/browser/office-stub.ts) whose appointment is the fake mailbox item; nothing is
 * loaded from the internet (every other host is refused).
 */
// Generous: the browser waits on a real hub and issuer on a shared, busy machine.
describe('Outlook add-in pages (Chromium)', { timeout: 150_000 }, () => {
  let hub: ApiHub;
  let browser: Browser;
  let stub: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    [stub] = await Promise.all([officeStubScript(), ensureOutlookAddinBuilt()]);
    hub = await startApiHub({ backend: 'postgres', env: { MAIL_DIAL_IN_NUMBER: '+49 30 1234567' } });
    browser = await launchTestChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  async function newContext(seed: object): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ locale: 'en-US' });
    contexts.push(context);
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === 'appsforoffice.microsoft.com') {
        await route.fulfill({ contentType: 'text/javascript', body: stub });
      } else if (url.hostname === '127.0.0.1') {
        await route.continue();
      } else {
        await route.abort('blockedbyclient');
      }
    });
    await context.addInitScript((s) => {
      (globalThis as unknown as { __officeSeed: object }).__officeSeed = s;
    }, seed);
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.stack ?? error.message));
    const index = contexts.length;
    onTestFailed(async () => {
      writeFileSync(join(artifacts, `failed-page-${index}.log`), errors.join('\n'));
      await page.screenshot({ path: join(artifacts, `failed-page-${index}.png`) });
    });
    return { context, page };
  }

  /** The issuer's login form in the dialog window the add-in opened. */
  async function signInInDialog(context: BrowserContext, start: () => unknown): Promise<void> {
    const dialog = context.waitForEvent('page');
    await start();
    const popup = await dialog;
    await popup.locator('input[name="username"]').fill('alice');
    await popup.locator('input[name="password"]').fill('demo');
    await popup.locator('button[type="submit"]').click();
    await popup.waitForEvent('close');
  }

  const state = (page: Page) =>
    page.evaluate(() => {
      const s = (globalThis as unknown as { __officeStub: { item: { state: StubState } } }).__officeStub.item
        .state;
      return { body: s.body, location: s.location, customProperties: s.customProperties };
    });

  async function api<T>(path: string): Promise<T> {
    const res = await hub.call(path, { token: await hub.token('alice') });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  }

  const seed = {
    subject: 'Budget 2027',
    start: '2027-05-04T08:00:00Z',
    end: '2027-05-04T09:00:00Z',
    location: 'Room 2',
    requiredAttendees: [{ emailAddress: 'gast@partner.example', displayName: 'Gast' }],
  };

  it('serves both manifests for its public URL, valid offline, with icons of the declared sizes', async () => {
    const xml = await (await fetch(`${hub.url}/outlook/manifest.xml`)).text();
    expect(xml).toContain(`${hub.url}/outlook/commands.html`);
    expect(await validateAddinManifest(xml, { allowLoopbackHttp: true })).toEqual([]);
    for (const size of [16, 25, 32, 48, 64, 80, 128]) {
      const res = await fetch(`${hub.url}/outlook/icons/icon-${size}.png`);
      expect(res.status).toBe(200);
      expect(pngSize(new Uint8Array(await res.arrayBuffer()))).toEqual({ width: size, height: size });
    }
    const app = (await (await fetch(`${hub.url}/outlook/app/manifest.json`)).json()) as {
      icons: Record<string, string>;
    };
    const sizes = new Map<string, { width: number; height: number } | undefined>();
    for (const file of Object.values(app.icons)) {
      const res = await fetch(`${hub.url}/outlook/app/${file}`);
      sizes.set(file, res.ok ? pngSize(new Uint8Array(await res.arrayBuffer())) : undefined);
    }
    expect(validateAppManifest(app, { allowLoopbackHttp: true, iconSize: (f) => sizes.get(f) })).toEqual([]);
    expect(
      (await fetch(`${hub.url}/outlook/nothing-here.html`, { headers: { accept: 'text/html' } })).status,
    ).toBe(404);
  });

  it('signs in from the task pane through a dialog and adds the meeting with its settings', async () => {
    const { context, page } = await newContext(seed);
    await page.goto(`${hub.url}/outlook/taskpane.html`);
    await signInInDialog(context, () => page.getByRole('button', { name: 'Sign in' }).click());
    await page.getByText('Signed in').waitFor();
    // Tokens stay in this window's session, never in roaming settings or localStorage.
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { localStorage: { length: number } }).localStorage.length,
      ),
    ).toBe(0);
    expect(
      await page.evaluate(() =>
        (
          globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }
        ).sessionStorage.getItem('vc-outlook-tokens'),
      ),
    ).toContain('refreshToken');

    await page.getByLabel('Waiting room').check();
    await page.getByLabel('Guest access').selectOption('waiting_room');
    await page.getByLabel('Room password (empty: none)').fill('s3cret');
    await page.getByRole('button', { name: 'Add meeting' }).click();
    await page.getByText('The video meeting was added to the appointment.').waitFor();
    await page.screenshot({ path: join(artifacts, 'taskpane.png') });

    const first = await state(page);
    const eventId = first.customProperties['vcEventId'] as string;
    const event = await api<{ title: string; room_id: string }>(`/v1/events/${eventId}`);
    expect(event.title).toBe('Budget 2027');
    const room = await api<{ waiting_room: boolean; guest_access: string; password: string }>(
      `/v1/rooms/${event.room_id}`,
    );
    expect(room).toMatchObject({ waiting_room: true, guest_access: 'waiting_room', password: 's3cret' });
    expect(first.location).toBe(`Room 2; ${hub.url}/rooms/${event.room_id}`);
    expect(first.body).toContain('+49 30 1234567');

    // Dial-in off, then update: the same event, one block, no phone line.
    await page.getByLabel('Show dial-in in the invitation').uncheck();
    await page.getByRole('button', { name: 'Update meeting' }).click();
    await page.getByText('The video meeting was updated.').waitFor();
    const second = await state(page);
    expect(second.customProperties['vcEventId']).toBe(eventId);
    expect(second.body.split('vc-meeting-block')).toHaveLength(2);
    expect(second.body).not.toContain('+49 30 1234567');
  });

  it('runs "Add meeting" from the command, signing in when needed, and updates in place on a second run', async () => {
    const { context, page } = await newContext({ ...seed, subject: 'Command run' });
    await page.goto(`${hub.url}/outlook/commands.html`);
    const invoke = () =>
      page.evaluate(() =>
        (globalThis as unknown as { __officeStub: { invoke(n: string): Promise<void> } }).__officeStub.invoke(
          'addMeeting',
        ),
      );
    await signInInDialog(context, () => void invoke());
    const notes = () =>
      page.evaluate(() =>
        (
          globalThis as unknown as { __officeStub: { notifications: { message: string }[] } }
        ).__officeStub.notifications.map((n) => n.message),
      );
    await expect.poll(notes, { timeout: 30_000 }).toEqual(['Video meeting added.']);
    const first = await state(page);
    await invoke();
    expect(await notes()).toEqual(['Video meeting added.', 'Video meeting updated.']);
    const second = await state(page);
    expect(second.customProperties['vcEventId']).toBe(first.customProperties['vcEventId']);
    expect(second.body.split('vc-meeting-block')).toHaveLength(2);
    expect(second.location).toBe(first.location);
  });

  it('reports a closed sign-in window in the notification bar and still completes the command', async () => {
    const { context, page } = await newContext(seed);
    await page.goto(`${hub.url}/outlook/commands.html`);
    const dialog = context.waitForEvent('page');
    const done = page.evaluate(() =>
      (globalThis as unknown as { __officeStub: { invoke(n: string): Promise<void> } }).__officeStub.invoke(
        'addMeeting',
      ),
    );
    await (await dialog).close();
    await done;
    const notes = await page.evaluate(
      () =>
        (globalThis as unknown as { __officeStub: { notifications: { type: string; message: string }[] } })
          .__officeStub.notifications,
    );
    expect(notes).toEqual([
      { key: 'vc-meeting', type: 'errorMessage', message: 'Video meeting: the sign-in window was closed' },
    ]);
    expect((await state(page)).customProperties).toEqual({});
  });
});

/**
 * The personal tab framed by a stub of the Microsoft 365 host (support/teams-host-stub.ts) at
 * https://outlook.office.com, which teams-js trusts; the tab itself comes from the real hub on
 * loopback. The signed-in person's token comes from the hub's real development issuer (the tab's
 * sign-in popup is not driven here).
 */
describe('Microsoft 365 personal tab (Chromium)', { timeout: 150_000 }, () => {
  let hub: ApiHub;
  let browser: Browser;

  beforeAll(async () => {
    await ensureOutlookAddinBuilt();
    hub = await startApiHub({ backend: 'postgres', env: { MAIL_DIAL_IN_NUMBER: '+49 30 1234567' } });
    browser = await launchTestChromium({
      // The host page is public, the tab on loopback: let the frame load (Private Network Access).
      args: [
        '--disable-features=PrivateNetworkAccessRespectPreflightResults,BlockInsecurePrivateNetworkRequests,LocalNetworkAccessChecks',
      ],
    });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it("lists the user's next meetings with join buttons, meets now and composes an Outlook meeting with our block", async () => {
    const token = await hub.token('alice');
    const soon = Date.now() + 2 * 3_600_000;
    for (const title of ['Design review', 'Retro']) {
      const res = await hub.call('/v1/events?suppress_email_notification=true', {
        method: 'POST',
        token,
        body: {
          title,
          starts_at: {
            datetime: new Date(soon + (title === 'Retro' ? 86_400_000 : 0)).toISOString(),
            timezone: 'UTC',
          },
          ends_at: {
            datetime: new Date(soon + 3_600_000 + (title === 'Retro' ? 86_400_000 : 0)).toISOString(),
            timezone: 'UTC',
          },
        },
      });
      expect(res.status).toBe(201);
    }
    const context = await browser.newContext({ locale: 'en-US' });
    const hostUrl = 'https://outlook.office.com/host/';
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.href === hostUrl)
        await route.fulfill({ contentType: 'text/html', body: teamsHostPage(`${hub.url}/outlook/tab.html`) });
      else if (url.hostname === '127.0.0.1') await route.continue();
      else await route.abort('blockedbyclient');
    });
    const hubOrigin = new URL(hub.url).origin;
    await context.addInitScript(
      ({ origin, accessToken }) => {
        const g = globalThis as unknown as {
          location: { origin: string };
          sessionStorage: { setItem(k: string, v: string): void };
        };
        if (g.location.origin === origin) {
          g.sessionStorage.setItem(
            'vc-outlook-tokens',
            JSON.stringify({ accessToken, expiresAt: Date.now() + 300_000 }),
          );
        }
      },
      { origin: hubOrigin, accessToken: token },
    );
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(hostUrl);
    const tab = page.frameLocator('#tab');
    await tab.getByRole('button', { name: 'Join: Design review' }).waitFor();
    await tab.getByRole('button', { name: 'Join: Retro' }).waitFor();
    await page.screenshot({ path: join(artifacts, 'personal-tab.png') });

    const calls = () =>
      page.evaluate(
        () => (globalThis as unknown as { hostCalls: { func: string; args: unknown[] }[] }).hostCalls,
      );
    await tab.getByRole('button', { name: 'Join: Design review' }).click();
    await expect
      .poll(
        async () => (await calls()).filter((c) => c.func === 'app.openLink' || c.func === 'executeDeepLink'),
        { timeout: 10_000 },
      )
      .toHaveLength(1);

    await tab.getByRole('button', { name: 'Meet now' }).click();
    await tab.getByRole('button', { name: 'Join: Meeting now' }).waitFor();

    await tab.getByRole('button', { name: 'Schedule in Outlook' }).click();
    await expect
      .poll(async () => (await calls()).filter((c) => c.func === 'calendar.composeMeeting'), {
        timeout: 15_000,
      })
      .toHaveLength(1);
    const compose = (await calls()).find((c) => c.func === 'calendar.composeMeeting')!.args[0] as {
      content: string;
      startTime: string;
      endTime: string;
    };
    expect(compose.content).toContain('vc-meeting-block');
    expect(compose.content).toContain(`${hub.url}/rooms/`);
    expect(compose.content).toContain('+49 30 1234567');
    expect(Date.parse(compose.endTime) - Date.parse(compose.startTime)).toBe(3_600_000);
    await context.close();
  });
});
