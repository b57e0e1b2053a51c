import { chromium, type Browser } from 'playwright-core';

/** Flags every test browser gets: Debian's Chromium run as root, without background chatter. */
export const quietChromiumArgs: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A fake camera and microphone, granted without a prompt. */
export const fakeMediaArgs: readonly string[] = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
];

/**
 * Debian's Chromium, headless, with the quiet flags and `args` on top (never a downloaded browser).
 * `executablePath` is for the network-namespace wrapper of the WebRTC tests.
 */
export function launchTestChromium(
  options: { readonly args?: readonly string[]; readonly executablePath?: string } = {},
): Promise<Browser> {
  return chromium.launch({
    executablePath: options.executablePath ?? '/usr/bin/chromium',
    headless: true,
    args: [...new Set([...quietChromiumArgs, ...(options.args ?? [])])],
  });
}
