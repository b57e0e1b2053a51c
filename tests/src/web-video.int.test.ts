import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';

import { ensureWebClientBuilt } from '@vc/hub/testing';
import { launchTestChromium } from './support/chromium-args.js';
import { startApiHub, type ApiHub } from './support/api-hub.js';
import { startTestJanus, type TestJanus } from './support/janus.js';
import { mediaBrowserArgs } from './support/media-page.js';
import { createTestNetns, type TestNetns } from './support/netns.js';
import { createRoom, guestLink } from './support/signaling.js';

const artifacts = join(import.meta.dirname, '../../reports/web-video');

/**
 * The web client's meeting room with real media: alice (signed in) and a guest join one meeting
 * in two Chromium pages with fake camera and microphone, through a real Janus. Janus and Chromium
 * run in the test's own network namespace (Janus never offers loopback candidates); the hub
 * listens on the host end of the veth pair.
 */
describe('web client with audio and video (Chromium, Janus)', () => {
  let netns: TestNetns;
  let janus: TestJanus;
  let api: ApiHub;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    netns = createTestNetns();
    const [started] = await Promise.all([
      startTestJanus({
        wrapper: netns.wrapper,
        bindIp: netns.innerIp,
        iceInterfaces: [netns.innerInterface],
      }),
      ensureWebClientBuilt(),
    ]);
    janus = started;
    api = await startApiHub({
      HOST: netns.hostIp,
      MEDIA: 'auto',
      JANUS_URLS: janus.url,
      JANUS_API_SECRET: janus.apiSecret,
      JANUS_ADMIN_KEY: janus.adminKey,
    });
    browser = await launchTestChromium({
      executablePath: netns.chromium,
      // The hub is on the veth address, not localhost: camera, microphone and WebCrypto (PKCE)
      // need a secure context, as they would have behind HTTPS.
      args: [...mediaBrowserArgs, `--unsafely-treat-insecure-origin-as-secure=${api.url}`],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await janus?.dispose();
    netns?.remove();
  });

  let pages = 0;
  async function newPage(locale: string): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
    // Headless Chromium has no screen picker: a moving canvas stands in for the chosen screen.
    await context.addInitScript(`
      navigator.mediaDevices.getDisplayMedia = () => {
        const canvas = document.createElement('canvas');
        canvas.width = 640;
        canvas.height = 360;
        const g = canvas.getContext('2d');
        let hue = 0;
        setInterval(() => {
          g.fillStyle = 'hsl(' + ((hue += 7) % 360) + ' 80% 50%)';
          g.fillRect(0, 0, 640, 360);
        }, 50);
        return Promise.resolve(canvas.captureStream(15));
      };
    `);
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.stack ?? error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    // What the page showed (and threw) when the test failed.
    const index = ++pages;
    onTestFailed(async () => {
      errors.push(
        await page.evaluate(() => {
          const media = (globalThis as unknown as { roomMedia?: { snapshot(): Record<string, unknown> } })
            .roomMedia;
          const view = media?.snapshot();
          return JSON.stringify({
            ...view,
            remote: [...((view?.['remote'] as Map<string, unknown>) ?? new Map()).keys()],
          });
        }),
      );
      errors.push(
        await page.evaluate(async () => {
          const media = (globalThis as unknown as { roomMedia?: { framesDecoded(): Promise<object> } })
            .roomMedia;
          return JSON.stringify(await media?.framesDecoded());
        }),
      );
      writeFileSync(join(artifacts, `failed-page-${index}.log`), [page.url(), ...errors].join('\n'));
      await page.screenshot({ path: join(artifacts, `failed-page-${index}.png`) });
    });
    return page;
  }

  /** The width of the video decoded into that element (0 until a frame arrived). */
  const videoWidth = (page: Page, testId: string) =>
    page.getByTestId(testId).evaluate((video) => (video as unknown as { videoWidth: number }).videoWidth);

  /** Bytes of the meeting's audio mix received so far. */
  const audioBytes = (page: Page) =>
    page.evaluate(async () => {
      const media = (
        globalThis as unknown as { roomMedia: { framesDecoded(): Promise<Record<string, number>> } }
      ).roomMedia;
      return (await media.framesDecoded())['audio:audio-bytes'] ?? 0;
    });

  it('shows each other camera, plays the mix, and shows a shared screen large', async () => {
    const token = await api.token('alice');
    const roomId = await createRoom(api, token);
    const code = await guestLink(api, token, roomId);

    const alice = await newPage('en-US');
    await alice.goto(`${api.url}/`);
    await alice.getByRole('button', { name: 'Sign in' }).click();
    await alice.locator('input[name="username"]').fill('alice');
    await alice.locator('input[name="password"]').fill('demo');
    await alice.locator('button[type="submit"]').click();
    await alice.getByRole('heading', { name: 'My meetings' }).waitFor();
    await alice.goto(`${api.url}/rooms/${roomId}`);
    // A click is what lets a page's audio start (autoplay policy), as for a person.
    await alice.getByLabel('Your name').click();
    await alice.getByRole('button', { name: 'Join now' }).click();
    await alice.getByTestId('tile-Alice Adler').waitFor();

    const guest = await newPage('en-US');
    await guest.goto(`${api.url}/invite/${code}`);
    await guest.getByLabel('Your name').fill('Gustav');
    await guest.getByRole('button', { name: 'Join now' }).click();
    await guest.getByTestId('waiting-room').waitFor();
    await alice.getByRole('tab', { name: /Moderation/ }).click();
    await alice.getByRole('button', { name: 'Admit Gustav' }).click();
    await alice.getByRole('tab', { name: /People/ }).click();
    await guest.getByTestId('tile-Gustav').waitFor();

    // Each decodes the other's camera and receives the meeting's audio mix.
    await expect.poll(() => videoWidth(alice, 'video-Gustav'), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(() => videoWidth(guest, 'video-Alice Adler'), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(() => audioBytes(alice), { timeout: 30_000 }).toBeGreaterThan(1000);
    await expect.poll(() => audioBytes(guest), { timeout: 30_000 }).toBeGreaterThan(1000);
    expect(await alice.getByTestId('media-notice').count()).toBe(0);

    // The guest shares a screen: alice sees it large, decoded; it goes when the guest stops.
    await guest.getByRole('button', { name: 'Share screen' }).click();
    await alice.getByTestId('screen-share').waitFor();
    await expect.poll(() => videoWidth(alice, 'screen-video'), { timeout: 30_000 }).toBeGreaterThan(0);
    await alice.screenshot({ path: join(artifacts, 'room-with-screen.png') });
    await guest.getByRole('button', { name: 'Stop sharing' }).click();
    await expect.poll(() => alice.getByTestId('screen-share').count()).toBe(0);
    await alice.screenshot({ path: join(artifacts, 'room-with-video.png') });

    // A moderator's force-mute: the guest's mute button is locked until released.
    await alice.getByRole('button', { name: 'Actions for Gustav' }).click();
    await alice.getByRole('menuitem', { name: 'Mute (cannot unmute)' }).click();
    await expect.poll(() => guest.getByRole('button', { name: 'Unmute' }).isDisabled()).toBe(true);
    await guest.getByTestId('media-notice').waitFor();
    await alice.getByRole('button', { name: 'Actions for Gustav' }).click();
    await alice.getByRole('menuitem', { name: 'Allow unmuting' }).click();
    await expect.poll(() => guest.getByRole('button', { name: 'Unmute' }).isEnabled()).toBe(true);
  }, 90_000);
});
