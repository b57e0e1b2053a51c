import { join } from 'node:path';

import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';

import type { MeetingPageApi } from './meeting-page-api.js';
import { fakeMediaArgs, quietChromiumArgs } from './chromium-args.js';

const root = join(import.meta.dirname, '..', '..', '..');

/** Chromium flags for media tests: fake camera and microphone, real host candidates, autoplay. */
export const mediaBrowserArgs = [
  ...quietChromiumArgs,
  ...fakeMediaArgs,
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
];

let bundle: Promise<string> | undefined;

/** tests/browser/meeting-page.ts with the signaling and media clients, bundled for the page. */
function pageBundle(): Promise<string> {
  bundle ??= build({
    entryPoints: [join(root, 'tests', 'browser', 'meeting-page.ts')],
    bundle: true,
    format: 'iife',
    target: 'chrome120',
    write: false,
  }).then((result) => result.outputFiles[0]?.text ?? '');
  return bundle;
}

/** One meeting page, driven through `window.meeting` (tests/browser/meeting-page.ts). */
export interface MeetingPage {
  readonly page: Page;
  readonly id: string;
  call<K extends keyof MeetingPageApi>(
    method: K,
    ...args: Parameters<MeetingPageApi[K]>
  ): Promise<Awaited<ReturnType<MeetingPageApi[K]>>>;
}

/**
 * A page that joins a meeting with the real clients: signaling over the hub's WebSocket, media
 * through Janus. It runs at http://localhost/ (answered by the test itself, and a secure context
 * for getUserMedia), publishes the fake camera and microphone, and waits for the test's calls.
 */
export async function openMeetingPage(
  browser: Browser,
  signalingUrl: string | undefined,
  name: string,
  options: { relayOnly?: boolean } = {},
): Promise<MeetingPage> {
  const page = await browser.newPage();
  const code = await pageBundle();
  await page.route('http://localhost/', (route) =>
    route.fulfill({ contentType: 'text/html', body: `<!doctype html><title>${name}</title><body></body>` }),
  );
  await page.goto('http://localhost/');
  await page.addScriptTag({ content: code });
  const call: MeetingPage['call'] = (method, ...args) =>
    page.evaluate(
      // The page's own types live in the browser project; here the call is just a name and JSON.
      ([m, a]) =>
        (globalThis as unknown as Record<string, Record<string, (...x: unknown[]) => unknown>>)['meeting']?.[
          m
        ]?.(...a),
      [method, args] as const,
    ) as never;
  // Without a signaling URL the page only loads (the benchmark's floor drives it directly).
  const id =
    signalingUrl === undefined ? '' : await call('join', signalingUrl, name, options.relayOnly === true);
  return { page, id, call };
}
