import { chromium } from 'playwright-core';

import { JanusConnection } from '@vc/conference-core/testing';

import { startApiHub } from '../src/support/api-hub.js';
import { startTestJanus } from '../src/support/janus.js';
import { mediaBrowserArgs, openMeetingPage, type MeetingPage } from '../src/support/media-page.js';
import { createTestNetns } from '../src/support/netns.js';
import { createRoom, startRoom } from '../src/support/signaling.js';
import { bar, isQuick, percentile, printResult, type Benchmark } from './benchmark.js';
import { measureMeetingCpu } from './media-cpu.js';

/**
 * Join to first decoded remote frame: a new participant starts (POST /start), joins signaling,
 * publishes microphone and camera, subscribes to the presenter's camera, and decodes a frame.
 * Floor in the same run: a bare RTCPeerConnection subscribing to the same camera on the same Janus
 * straight through janode (ICE + DTLS + first keyframe, no API, no signaling, no publishing).
 * Bar: p50 under 3 s and under 2x the floor. With BENCH_MEETING_SIZE=10, Janus CPU per
 * participant of a 10-participant meeting (media-cpu.ts), against the same Janus idle. Runs in a private network namespace (needs root).
 */
/** Joins timed per side: 10 (BENCH_JOINS), 3 with `--quick`. */
function joinCount(quick: boolean): number {
  return Number(process.env['BENCH_JOINS'] ?? (quick ? 3 : 10));
}
// Opt-in: ten browser pages saturate the shared 2-core machine for minutes (decision 0013).
const meetingSize = Number(process.env['BENCH_MEETING_SIZE'] ?? 0);
const cpuWindowMs = Number(process.env['BENCH_CPU_WINDOW_MS'] ?? 10_000);

async function untilFrame(page: MeetingPage, read: () => Promise<number>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await read()) === 0) {
    if (Date.now() > deadline) throw new Error('no frame decoded within 30 s');
    await page.page.waitForTimeout(20);
  }
}

export const mediaBenchmark: Benchmark = {
  name: 'media',
  description:
    'join to first decoded remote frame through hub + Janus, against a bare PeerConnection to Janus',
  async run(args) {
    const quick = isQuick(args);
    const joins = joinCount(quick);
    const netns = createTestNetns();
    const janus = await startTestJanus({
      wrapper: netns.wrapper,
      bindIp: netns.innerIp,
      iceInterfaces: [netns.innerInterface],
    });
    const api = await startApiHub({
      HOST: netns.hostIp,
      MEDIA: 'auto',
      JANUS_URLS: janus.url,
      JANUS_API_SECRET: janus.apiSecret,
      JANUS_ADMIN_KEY: janus.adminKey,
    });
    const browser = await chromium.launch({
      executablePath: netns.chromium,
      headless: true,
      args: mediaBrowserArgs,
    });
    const janode = await JanusConnection.open({ url: janus.url, apiSecret: janus.apiSecret });
    try {
      const alice = await api.token('alice');
      const roomId = await createRoom(api, alice);
      const presenter = await openMeetingPage(
        browser,
        (await startRoom(api, roomId, { token: alice })).signaling_url,
        'presenter',
      );
      // Find the presenter's camera feed in Janus for the floor (the hub never tells clients).
      const session = await janode.createSession();
      const admin = await session.attachVideoRoom();
      let feed: { room: number; feed: number } | undefined;
      const deadline = Date.now() + 20_000;
      while (feed === undefined && Date.now() < deadline) {
        for (const room of await admin.rooms(janus.adminKey)) {
          const found = (await admin.participants(room)).find((p) => p.display === `${presenter.id}:camera`);
          if (found !== undefined) feed = { room, feed: found.feed };
        }
        if (feed === undefined) await presenter.page.waitForTimeout(100);
      }
      if (feed === undefined) throw new Error('the presenter camera never appeared in Janus');

      const floor: number[] = [];
      const ours: number[] = [];
      const floorPage = await openMeetingPage(browser, undefined, 'floor');
      for (let i = 0; i < joins; i++) {
        // Floor: Janus offer -> bare PeerConnection answer -> first frame.
        const started = performance.now();
        const subscriber = await session.attachVideoRoom();
        const offer = await subscriber.subscribe(feed);
        const answer = await floorPage.call('floorAnswer', offer.sdp);
        await subscriber.start({ type: 'answer', sdp: answer });
        await untilFrame(floorPage, () => floorPage.call('floorFrames'));
        floor.push(performance.now() - started);
        await subscriber.detach();

        // Ours: start -> signaling join -> publish mic + camera -> subscribe -> first frame.
        // The page is loaded before the clock starts: page creation is the harness, not the join.
        const viewer = await openMeetingPage(browser, undefined, `viewer${i}`);
        const token = await api.token('bob');
        const joinStarted = performance.now();
        const url = (await startRoom(api, roomId, { token })).signaling_url;
        // Receiving starts while the viewer's own microphone and camera still negotiate.
        await Promise.all([
          viewer.call('join', url, `viewer${i}`),
          viewer.call('subscribe', presenter.id, 'camera'),
        ]);
        const key = `${presenter.id}:camera`;
        // Polled like the floor: the one connection measured (all of them took ~3x as long a poll).
        await untilFrame(viewer, async () => (await viewer.call('stats', key))[key]?.frames ?? 0);
        ours.push(performance.now() - joinStarted);
        await viewer.page.close();
      }
      const sortedFloor = [...floor].sort((a, b) => a - b);
      const sortedOurs = [...ours].sort((a, b) => a - b);
      const f50 = percentile(sortedFloor, 50);
      const o50 = percentile(sortedOurs, 50);
      console.log(`media: ${joins} joins to first decoded remote frame`);
      console.log(
        `  floor (bare PeerConnection to Janus): p50 ${f50.toFixed(0)} ms, p95 ${percentile(sortedFloor, 95).toFixed(0)} ms`,
      );
      console.log(
        `  ours (start + signaling + publish + subscribe): p50 ${o50.toFixed(0)} ms, p95 ${percentile(sortedOurs, 95).toFixed(0)} ms`,
      );
      console.log(`  ratio p50 ours/floor: ${(o50 / f50).toFixed(2)}x (bar: p50 < 3000 ms and < 2x)`);
      console.log(`  bar ${o50 < 3000 && o50 / f50 < 2 ? 'met' : 'NOT met'}`);
      await session.destroy();
      await Promise.all([presenter.page.close(), floorPage.page.close()]);

      const figures: Record<string, number> = {
        joins,
        ours_p50_ms: Math.round(o50),
        ours_p95_ms: Math.round(percentile(sortedOurs, 95)),
        floor_p50_ms: Math.round(f50),
        floor_p95_ms: Math.round(percentile(sortedFloor, 95)),
      };
      if (meetingSize < 2) {
        console.log('media: Janus CPU per participant skipped (BENCH_MEETING_SIZE=10 runs it)');
      } else {
        if (janus.pid === undefined) throw new Error('Janus has no pid');
        const cpu = await measureMeetingCpu({
          api,
          browser,
          janusPid: janus.pid,
          size: meetingSize,
          windowMs: cpuWindowMs,
        });
        const streams = cpu.size * (cpu.size - 1);
        const perParticipant = (cpu.meetingPercent - cpu.idlePercent) / cpu.size;
        console.log(
          `media: Janus CPU, ${cpu.size}-participant meeting (${cpu.size} mixed audio legs, ${cpu.size} cameras, ${streams} forwarded video streams), ${cpu.windowMs / 1000} s window`,
        );
        console.log(`  baseline (Janus idle, no meeting): ${cpu.idlePercent.toFixed(1)} % of one core`);
        console.log(
          `  meeting: ${cpu.meetingPercent.toFixed(1)} % of one core, ${perParticipant.toFixed(2)} % per participant above idle (pages decoded ${cpu.decodedFps.toFixed(0)} remote frames/s)`,
        );
        // Starved pages send and decode fewer frames than a real meeting; the AudioBridge mixes every
        // leg whatever the video rate, so this figure is not divided per packet.
        console.log(
          `  Janus forwarded ${cpu.forwardedPacketsPerSecond.toFixed(0)} video packets/s to the pages in the window`,
        );
        figures['janus_idle_percent'] = Number(cpu.idlePercent.toFixed(1));
        figures['janus_percent_per_participant'] = Number(perParticipant.toFixed(2));
        figures['janus_forwarded_packets_per_s'] = Math.round(cpu.forwardedPacketsPerSecond);
      }
      printResult({
        name: 'media',
        ratio: o50 / f50,
        bars: [bar('ours_p50_ms', o50, '< 3000'), bar('p50_ratio', o50 / f50, '< 2')],
        figures,
        ...(quick && { quick }),
      });
    } finally {
      await janode.close();
      await browser.close();
      await api.stop();
      await janus.dispose();
      netns.remove();
    }
  },
};
