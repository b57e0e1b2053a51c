import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchTestChromium } from './support/chromium-args.js';
import { startApiHub, type ApiHub } from './support/api-hub.js';
import { startTestCoturn, type TestCoturn } from './support/coturn.js';
import { startTestJanus, type TestJanus } from './support/janus.js';
import { mediaBrowserArgs, openMeetingPage, type MeetingPage } from './support/media-page.js';
import type { MeetingPageApi } from './support/meeting-page-api.js';
import { createTestNetns, type TestNetns } from './support/netns.js';
import { connect, createRoom, startRoom } from './support/signaling.js';

/**
 * Two people in two Chromium pages, through our API, signaling and a real Janus. Janus and
 * Chromium run in the test's own network namespace (Janus never offers loopback candidates); the
 * hub listens on the host end of its veth pair. Nothing leaves that link. A private coturn in the
 * namespace (TURN REST secret shared with the hub) carries a relay-only participant.
 */
describe('media through Janus, end to end', () => {
  let netns: TestNetns;
  let janus: TestJanus;
  let coturn: TestCoturn;
  let api: ApiHub;
  let browser: Browser;
  let roomId: string;
  let alice: MeetingPage;
  let bob: MeetingPage;
  let janusPort: number;

  const startJanus = (again?: TestJanus): Promise<TestJanus> =>
    startTestJanus({
      wrapper: netns.wrapper,
      bindIp: netns.innerIp,
      iceInterfaces: [netns.innerInterface],
      ...(again === undefined
        ? {}
        : { wsPort: janusPort, apiSecret: again.apiSecret, adminKey: again.adminKey }),
    });

  beforeAll(async () => {
    netns = createTestNetns();
    // The namespace has ports of its own: fixed ones cannot collide with other test files.
    [janus, coturn] = await Promise.all([
      startJanus(),
      startTestCoturn({ ip: netns.innerIp, port: 3478, relayPorts: [50000, 50099], wrapper: netns.wrapper }),
    ]);
    janusPort = Number(new URL(janus.url).port);
    api = await startApiHub({
      HOST: netns.hostIp,
      MEDIA: 'auto',
      JANUS_URLS: janus.url,
      JANUS_API_SECRET: janus.apiSecret,
      JANUS_ADMIN_KEY: janus.adminKey,
      TURN_URLS: coturn.url,
      TURN_SECRET: coturn.secret,
    });
    const aliceToken = await api.token('alice');
    roomId = await createRoom(api, aliceToken);
    browser = await launchTestChromium({ executablePath: netns.chromium, args: mediaBrowserArgs });
    const start = async (user: string) =>
      (await startRoom(api, roomId, { token: await api.token(user) })).signaling_url;
    alice = await openMeetingPage(browser, await start('alice'), 'alice');
    bob = await openMeetingPage(browser, await start('bob'), 'bob');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await janus?.dispose();
    await coturn?.dispose();
    netns?.remove();
  });

  type Stats = Awaited<ReturnType<MeetingPageApi['stats']>>;

  /** Resolves once the page's stats satisfy `ok` (media takes a moment to flow). */
  async function flowing(page: MeetingPage, ok: (s: Stats) => boolean, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    let last = await page.call('stats');
    while (!ok(last)) {
      if (Date.now() > deadline) throw new Error(`media did not flow: ${JSON.stringify(last)}`);
      await page.page.waitForTimeout(250);
      last = await page.call('stats');
    }
  }

  const frames = (s: Stats, stream: string) => s[stream]?.frames ?? 0;
  const audioBytes = (s: Stats) => s['audio']?.audioBytes ?? 0;

  it('lets two people see and hear each other', async () => {
    await Promise.all([alice.call('subscribe', bob.id, 'camera'), bob.call('subscribe', alice.id, 'camera')]);
    await flowing(alice, (s) => frames(s, `${bob.id}:camera`) > 10 && audioBytes(s) > 2000);
    await flowing(bob, (s) => frames(s, `${alice.id}:camera`) > 10 && audioBytes(s) > 2000);
    // The mix carries the other's microphone (Chromium's fake device beeps).
    expect(await alice.call('mixPeak', 2500)).toBeGreaterThan(0.005);
  });

  it('shows a screen share to the others and takes it away again', async () => {
    await alice.call('shareScreen');
    await bob.call('subscribe', alice.id, 'screen');
    await flowing(bob, (s) => frames(s, `${alice.id}:screen`) > 5);
    await alice.call('stopScreen');
    await bob.page.waitForFunction(
      (id) =>
        !(
          globalThis as unknown as { meeting: { isPublished(s: string, k: string): boolean } }
        ).meeting.isPublished(id, 'screen'),
      alice.id,
    );
    expect(Object.keys(await bob.call('stats'))).not.toContain(`${alice.id}:screen`);
  });

  it('silences a participant a moderator force-muted, who cannot unmute', async () => {
    expect(await alice.call('mixPeak', 2500)).toBeGreaterThan(0.005);
    await alice.call('send', { action: 'force_mute', targets: [bob.id] });
    await bob.call('eventArrived', 'force_muted');
    await bob.call('setMuted', false);
    await bob.call('eventArrived', 'error', 'force_muted');
    // The bridge drops Bob from the mix: nothing of him reaches Alice (after its buffer drained).
    await alice.page.waitForTimeout(500);
    expect(await alice.call('mixPeak', 2500)).toBeLessThan(0.001);
    await alice.call('send', { action: 'release_mute', targets: [bob.id] });
    await bob.call('eventArrived', 'mute_released');
    await bob.call('setMuted', false);
    await alice.page.waitForTimeout(500);
    expect(await alice.call('mixPeak', 2500)).toBeGreaterThan(0.005);
  });

  it('carries a relay-only participant through TURN, with credentials from the join', async () => {
    const carol = await openMeetingPage(
      browser,
      (await startRoom(api, roomId, { token: await api.token('carol') })).signaling_url,
      'carol',
      { relayOnly: true },
    );
    try {
      await carol.call('subscribe', alice.id, 'camera');
      await flowing(carol, (s) => frames(s, `${alice.id}:camera`) > 10 && audioBytes(s) > 2000);
      await flowing(alice, (s) => audioBytes(s) > 0);
      const pairs = await carol.call('selectedCandidates');
      // Sending (audio, camera) and receiving alike: the browser's end of every pair is coturn's.
      expect(Object.keys(pairs).sort()).toEqual(['audio', 'camera', `${alice.id}:camera`].sort());
      for (const pair of Object.values(pairs)) expect(pair.local).toBe('relay');
    } finally {
      await carol.page.close();
    }
  });

  it('moves media into a breakout room and back: the movers renegotiate and meet there', async () => {
    const renegotiated = async (page: MeetingPage, count: number): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while ((await page.call('eventCount', 'renegotiate')) < count) {
        if (Date.now() > deadline) throw new Error('no renegotiate');
        await page.page.waitForTimeout(50);
      }
    };
    const meetAgain = async (): Promise<void> => {
      await Promise.all([
        alice.call('subscribe', bob.id, 'camera'),
        bob.call('subscribe', alice.id, 'camera'),
      ]);
      await flowing(alice, (s) => frames(s, `${bob.id}:camera`) > 10 && audioBytes(s) > 2000);
      await flowing(bob, (s) => frames(s, `${alice.id}:camera`) > 10 && audioBytes(s) > 2000);
      expect(await alice.call('mixPeak', 1500)).toBeGreaterThan(0.005);
    };
    const [a0, b0] = await Promise.all([
      alice.call('eventCount', 'renegotiate'),
      bob.call('eventCount', 'renegotiate'),
    ]);
    await alice.call('sendTo', 'breakout', {
      action: 'start',
      rooms: [{ name: 'Side', assignments: [alice.id, bob.id] }],
    });
    await Promise.all([renegotiated(alice, a0 + 1), renegotiated(bob, b0 + 1)]);
    await meetAgain();
    await alice.call('sendTo', 'breakout', { action: 'stop', delay: 0 });
    await Promise.all([renegotiated(alice, a0 + 2), renegotiated(bob, b0 + 2)]);
    await meetAgain();
  });

  it('survives a Janus restart: clients renegotiate and media flows again within 10 s', async () => {
    janus.kill();
    await janus.exited;
    // Meanwhile a new participant still joins, and is told media is down.
    const late = await connect(
      (await startRoom(api, roomId, { token: await api.token('alice') })).signaling_url,
    );
    const joined = await late.join({ display_name: 'late' });
    expect((joined.payload['modules'] as { media: unknown }).media).toMatchObject({
      available: false,
      reason: 'media_server_down',
    });
    await late.close();
    const restartedAt = Date.now();
    janus = await startJanus(janus);
    await alice.call('eventArrived', 'renegotiate');
    await flowing(alice, (s) => frames(s, `${bob.id}:camera`) > 10 && audioBytes(s) > 2000, 10_000);
    await flowing(bob, (s) => frames(s, `${alice.id}:camera`) > 10, 10_000);
    expect(Date.now() - restartedAt).toBeLessThan(10_000);
  });
});
