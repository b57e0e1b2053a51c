import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';

import { ensureWebClientBuilt } from '@vc/hub/testing';
import { startApiHub, type ApiHub } from './support/api-hub.js';
import { fakeMediaArgs, launchTestChromium } from './support/chromium-args.js';

/** Screenshots of the main screens, kept as test artifacts. */
const artifacts = join(import.meta.dirname, '../../reports/web-client');
const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's serious and critical findings on the page as it is now, as `rule: element` lines. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (options: object) => Promise<AxeResults> } }).axe;
    return (await axe.run({ resultTypes: ['violations'] })).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((node) => `${v.id}: ${node.target.join(' ')}`));
}

interface AxeResults {
  violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[];
}

/**
 * The web client in real Chromium with fake camera and microphone: alice signs in through the
 * development issuer, schedules a meeting and makes a guest link; a guest (German browser) opens
 * it, waits, is admitted, chats, raises a hand, votes, takes a coffee break and a breakout round
 * trip, is asked to mute and removed; axe-core checks the main screens. Bad links and a wrong
 * room password end in a clear message.
 */
describe('web client (Chromium)', () => {
  let api: ApiHub;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    await ensureWebClientBuilt();
    api = await startApiHub();
    browser = await launchTestChromium({ args: fakeMediaArgs });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await api?.stop();
  });

  async function newPage(locale: string): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const index = contexts.length;
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.stack ?? error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    // What each page showed (and threw) when a test failed, next to the other screenshots.
    onTestFailed(async () => {
      writeFileSync(join(artifacts, `failed-page-${index}.log`), errors.join('\n'));
      await page.screenshot({ path: join(artifacts, `failed-page-${index}.png`) });
    });
    return page;
  }

  async function signIn(page: Page, user: string): Promise<void> {
    await page.goto(`${api.url}/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('input[name="username"]').fill(user);
    await page.locator('input[name="password"]').fill('demo');
    await page.locator('button[type="submit"]').click();
    await page.getByRole('heading', { name: 'My meetings' }).waitFor();
  }

  it('takes alice from sign-in to a meeting where she admits a guest, chats, runs a poll, a coffee break and a breakout, mutes and removes the guest', async () => {
    const alice = await newPage('en-US');
    await signIn(alice, 'alice');
    await alice.screenshot({ path: join(artifacts, 'dashboard.png') });
    expect(await accessibilityProblems(alice)).toEqual([]);

    await alice.getByRole('link', { name: 'New meeting' }).click();
    await alice.getByLabel('Title').fill('Team sync');
    await alice.getByRole('combobox', { name: 'Repeats' }).click();
    await alice.getByRole('option', { name: 'Weekly' }).click();
    await expect.poll(() => alice.getByTestId('recurrence-summary').textContent()).toBe('Every week');
    await alice.getByRole('button', { name: 'Schedule' }).click();
    await alice.getByRole('heading', { name: 'Meeting: Team sync' }).waitFor();
    await alice.getByLabel('Invite by email address').fill('gast@example.test');
    await alice.getByRole('button', { name: 'Invite', exact: true }).click();
    await alice.getByRole('cell', { name: 'gast@example.test' }).waitFor();
    await alice.getByRole('button', { name: 'Create guest link' }).click();
    const guestLink = await alice.getByTestId('guest-link').inputValue();
    const joinLink = await alice.getByTestId('join-link').inputValue();
    expect(guestLink).toMatch(new RegExp(`^${api.url}/invite/[0-9a-f-]{36}$`));
    await alice.screenshot({ path: join(artifacts, 'meeting-edit.png') });
    expect(await accessibilityProblems(alice)).toEqual([]);

    await alice.goto(joinLink);
    // A click is what lets a page's audio start (autoplay policy), as for a person.
    await alice.getByLabel('Your name').click();
    await expect.poll(() => alice.getByTestId('mic-level').getAttribute('aria-valuenow')).not.toBe('0');
    await alice.screenshot({ path: join(artifacts, 'lobby.png') });
    expect(await accessibilityProblems(alice)).toEqual([]);
    await alice.getByRole('button', { name: 'Join now' }).click();
    await alice.getByRole('heading', { name: 'Team sync' }).waitFor();

    // The guest's browser speaks German: the same page from the German catalog.
    const guest = await newPage('de-DE');
    await guest.goto(guestLink);
    await guest.getByLabel('Ihr Name').fill('Gustav');
    await guest.getByRole('button', { name: 'Jetzt teilnehmen' }).click();
    await guest.getByTestId('waiting-room').waitFor();

    await alice.getByRole('tab', { name: /Moderation/ }).click();
    await alice.getByRole('button', { name: 'Admit Gustav' }).click();
    await guest.getByTestId('tile-Gustav').waitFor();
    await guest.getByTestId('tile-Alice Adler').waitFor();
    await alice.getByTestId('tile-Gustav').waitFor();

    // Chat both ways; markup arrives as text.
    await guest.getByRole('tab', { name: 'Chat' }).click();
    await guest.getByLabel('Nachricht').fill('Hallo <b>Alice</b>');
    await guest.getByRole('button', { name: 'Senden' }).click();
    await alice.getByRole('tab', { name: 'Chat' }).click();
    await expect
      .poll(() => alice.getByTestId('chat-message').allTextContents())
      .toEqual(['Hallo <b>Alice</b>']);
    await alice.getByLabel('Message').fill('Welcome, Gustav');
    await alice.keyboard.press('Enter');
    await expect
      .poll(() => guest.getByTestId('chat-message').allTextContents())
      .toEqual(['Hallo <b>Alice</b>', 'Welcome, Gustav']);

    await guest.getByRole('button', { name: 'Hand heben' }).click();
    await alice.getByRole('tab', { name: /People/ }).click();
    await alice.getByTestId('participant-Gustav').getByRole('img', { name: 'hand raised' }).waitFor();
    await alice.screenshot({ path: join(artifacts, 'room-moderator.png') });
    await guest.screenshot({ path: join(artifacts, 'room-guest-de.png') });
    expect(await accessibilityProblems(alice)).toEqual([]);

    // Speaker view: alice shows Gustav large, then goes back to the grid.
    await alice.getByRole('button', { name: 'Actions for Gustav' }).click();
    await alice.getByRole('menuitem', { name: 'Show large' }).click();
    await alice.getByTestId('tile-Gustav').waitFor();
    await alice.screenshot({ path: join(artifacts, 'room-speaker.png') });
    await alice.getByText('Grid', { exact: true }).click();

    // A live poll: the guest votes, alice sees the count and ends it.
    await alice.getByRole('tab', { name: 'Polls' }).click();
    await alice.getByLabel('Question').fill('Lunch?');
    await alice.getByRole('textbox', { name: 'Answers' }).fill('Pizza\nSalad');
    await alice.getByRole('button', { name: 'Start poll' }).click();
    await guest.getByRole('tab', { name: /Umfragen/ }).click();
    await guest.getByRole('radio', { name: 'Pizza' }).check();
    await guest.getByRole('button', { name: 'Abstimmen' }).click();
    await guest.getByText('Danke, Ihre Stimme zählt.').waitFor();
    await alice.getByRole('progressbar', { name: 'Pizza: 1' }).waitFor();
    await alice.getByRole('button', { name: 'End poll' }).click();
    await expect.poll(() => guest.getByTestId('poll-result').textContent()).toContain('Ergebnis: Lunch?');

    // A coffee break with a ready check covers the meeting for everyone until alice ends it.
    await alice.getByRole('tab', { name: /Moderation/ }).click();
    await alice.getByLabel('As a coffee break (covers the meeting)').check();
    await alice.getByLabel('Ask everyone to say they are ready').check();
    await alice.getByRole('button', { name: 'Start coffee break' }).click();
    await guest.getByTestId('coffee-break').waitFor();
    await guest.screenshot({ path: join(artifacts, 'coffee-break-de.png') });
    await guest.getByRole('button', { name: 'Bin zurück' }).click();
    await expect.poll(() => alice.getByTestId('coffee-break').textContent()).toContain('1 of 2 are back');
    await alice.getByTestId('coffee-break').getByRole('button', { name: 'End the break' }).click();
    await expect.poll(() => guest.getByTestId('coffee-break').count()).toBe(0);

    // A breakout round trip: the guest goes to the one breakout room (moderators stay), and back.
    await alice.getByLabel('Rooms').fill('1');
    await alice.getByRole('button', { name: 'Start', exact: true }).click();
    await guest.getByRole('combobox', { name: 'Gruppenraum' }).waitFor();
    await expect.poll(() => alice.getByTestId('tile-Gustav').count()).toBe(0);
    await alice.getByRole('button', { name: 'Close now' }).click();
    await alice.getByTestId('tile-Gustav').waitFor();
    await expect
      .poll(() => guest.getByTestId('notices').textContent())
      .toContain('Alle sind zurück im Hauptraum.');
    await alice.getByRole('tab', { name: /People/ }).click();

    // Moderator actions: ask to mute (the guest's client mutes itself), then remove.
    await alice.getByRole('button', { name: 'Actions for Gustav' }).click();
    await alice.getByRole('menuitem', { name: 'Ask to mute' }).click();
    await guest.getByRole('button', { name: 'Stumm aus' }).waitFor();
    await expect.poll(() => guest.getByTestId('notices').textContent()).toContain('Alice Adler bittet Sie');
    await alice.getByRole('button', { name: 'Actions for Gustav' }).click();
    await alice.getByRole('menuitem', { name: 'Remove from meeting' }).click();
    await guest.getByTestId('ended-kicked').waitFor();
    expect(await guest.getByTestId('ended-kicked').textContent()).toContain('Sie wurden entfernt');
    await expect.poll(() => alice.getByTestId('tile-Gustav').count()).toBe(0);
  }, 80_000);

  it('explains bad invite codes, refused devices and a wrong room password, lets bob accept an invitation and sign out, and keeps server paths out of the app', async () => {
    const token = await api.token('alice');
    const created = await api.call('/v1/events', {
      method: 'POST',
      token,
      body: {
        title: 'Locked room',
        starts_at: { datetime: new Date(Date.now() + 3_600_000).toISOString(), timezone: 'Europe/Berlin' },
        ends_at: { datetime: new Date(Date.now() + 7_200_000).toISOString(), timezone: 'Europe/Berlin' },
        password: 'sesame',
      },
    });
    expect(created.status).toBe(201);
    const { id: eventId, room_id: roomId } = (await created.json()) as { id: string; room_id: string };
    expect(
      (
        await api.call(`/v1/rooms/${roomId}`, {
          method: 'PATCH',
          token,
          body: { guest_access: 'direct_access' },
        })
      ).status,
    ).toBe(200);
    const link = (await (
      await api.call(`/v1/rooms/${roomId}/invites`, { method: 'POST', token, body: {} })
    ).json()) as { invite_code: string };

    const page = await newPage('en-US');
    for (const code of [randomUUID(), 'not-a-code']) {
      await page.goto(`${api.url}/invite/${code}`);
      await page.getByTestId('invite-invalid').waitFor();
      expect(await page.getByTestId('invite-invalid').textContent()).toContain(
        'This invitation link does not work',
      );
    }

    // A browser that refuses camera and microphone: the lobby says so in words.
    const refusing = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--use-fake-device-for-media-stream',
        '--deny-permission-prompts',
      ],
    });
    try {
      const denied = await (await refusing.newContext({ locale: 'en-US' })).newPage();
      await denied.goto(`${api.url}/invite/${link.invite_code}`);
      await denied
        .getByRole('alert')
        .filter({ hasText: 'Camera and microphone are blocked' })
        .waitFor({ timeout: 15_000 });
    } finally {
      await refusing.close();
    }

    // Keyboard only: type, tab to the next field, Enter submits.
    await page.goto(`${api.url}/invite/${link.invite_code}`);
    await page.getByLabel('Your name').focus();
    await page.keyboard.type('Petra');
    await page.keyboard.press('Tab');
    await page.keyboard.type('open sesame');
    await expect.poll(() => page.getByLabel('Room password').inputValue()).toBe('open sesame');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('join-error').textContent()).toBe('The room password is wrong.');
    await page.getByLabel('Room password').fill('sesame');
    await page.getByRole('button', { name: 'Join now' }).click();
    await page.getByTestId('tile-Petra').waitFor();

    // The app answers page paths; the server's own paths stay problems.
    const html = await fetch(`${api.url}/rooms/${roomId}`, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('<div id="root">');
    for (const path of ['/v1/no-such-thing', '/assets/missing.js', '/idp/no-such-page', '/signaling']) {
      const res = await fetch(`${api.url}${path}`, { headers: { accept: 'text/html' } });
      expect(await res.text(), path).not.toContain('<title>vc-hub</title>');
    }
    // Sign-out ends the issuer's session too: the next sign-in asks for the password again.
    const bob = await newPage('en-US');
    await signIn(bob, 'bob');

    // Bob is invited (by alice, through the API) and accepts on his dashboard.
    const [bobUser] = (await (await api.call('/v1/users/find?q=bob', { token })).json()) as { id: string }[];
    expect(
      (
        await api.call(`/v1/events/${eventId}/invites`, {
          method: 'POST',
          token,
          body: { invitee: bobUser?.id },
        })
      ).status,
    ).toBe(201);
    await bob.reload();
    const card = bob.getByTestId('meeting-Locked room');
    await card.getByRole('button', { name: 'Accept' }).click();
    await expect.poll(() => card.textContent()).toContain('Accepted');
    await bob.getByRole('button', { name: 'Calendar subscription' }).click();
    await bob.getByRole('button', { name: 'Create subscription link' }).click();
    const feedUrl = await bob.getByRole('textbox', { name: 'Subscription address (ICS)' }).inputValue();
    expect((await fetch(feedUrl)).headers.get('content-type')).toContain('text/calendar');
    await bob.keyboard.press('Escape');
    await bob.getByRole('button', { name: 'Sign out' }).click();
    await bob.getByRole('button', { name: 'Sign out / Abmelden' }).click();
    await bob.getByRole('button', { name: 'Sign in' }).click();
    await bob.locator('input[name="password"]').waitFor();

    const apiMiss = await fetch(`${api.url}/v1/no-such-thing`, { headers: { accept: 'text/html' } });
    expect(apiMiss.status).toBe(404);
    expect(apiMiss.headers.get('content-type')).toContain('application/problem+json');
  }, 60_000);
});
