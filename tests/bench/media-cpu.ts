import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import type { Browser } from 'playwright-core';

import type { ApiHub } from '../src/support/api-hub.js';
import { openMeetingPage, type MeetingPage } from '../src/support/media-page.js';
import { createRoom, startRoom } from '../src/support/signaling.js';

/**
 * Janus-side CPU of a meeting: `size` browser participants, each sending microphone and camera and
 * receiving every other camera plus the mix (size AudioBridge legs, size publishers, size*(size-1)
 * forwarded video streams). Janus's CPU time (utime + stime of all its threads, /proc/<pid>/stat)
 * over a fixed window once everything flows, against the same window with no meeting on it.
 */
export interface MeetingCpu {
  readonly size: number;
  readonly windowMs: number;
  /** Janus CPU, in percent of one core, with no participant (the baseline). */
  readonly idlePercent: number;
  /** Janus CPU, in percent of one core, with the meeting flowing. */
  readonly meetingPercent: number;
  /** Remote video frames all pages decoded per second during the window (shows it was flowing). */
  readonly decodedFps: number;
  /**
   * Video RTP packets per second all pages received from Janus during the window: Janus's
   * forwarding work, whatever rate the (possibly starved) pages encode and decode at.
   */
  readonly forwardedPacketsPerSecond: number;
}

/** The development issuer's users; one person may join a meeting several times. */
const demoUsers = ['alice', 'bob', 'carol'];

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** utime + stime of the process, in ms. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces: fields count from after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / ticksPerSecond;
}

async function cpuPercentOver(pid: number, windowMs: number): Promise<number> {
  const [cpu0, t0] = [cpuMs(pid), performance.now()];
  await new Promise((r) => setTimeout(r, windowMs));
  return ((cpuMs(pid) - cpu0) / (performance.now() - t0)) * 100;
}

/** Remote video frames decoded and video packets received, over every subscription of the page. */
async function remoteVideo(page: MeetingPage): Promise<{ frames: number; packets: number }> {
  let frames = 0;
  let packets = 0;
  for (const [key, s] of Object.entries(await page.call('stats'))) {
    if (!key.includes(':')) continue;
    frames += s.frames;
    packets += s.videoPackets;
  }
  return { frames, packets };
}

export async function measureMeetingCpu(options: {
  api: ApiHub;
  browser: Browser;
  janusPid: number;
  size: number;
  windowMs: number;
}): Promise<MeetingCpu> {
  const { api, browser, janusPid, size, windowMs } = options;
  const comm = readFileSync(`/proc/${janusPid}/comm`, 'utf8').trim();
  if (comm !== 'janus') throw new Error(`pid ${janusPid} is ${comm}, not janus`);
  const idlePercent = await cpuPercentOver(janusPid, windowMs);

  const roomId = await createRoom(api, await api.token('alice'));
  const pages: MeetingPage[] = [];
  try {
    // Pages load first: a start ticket lives 30 s, and ten pages load slowly on a busy machine.
    for (let i = 0; i < size; i++) pages.push(await openMeetingPage(browser, undefined, `p${i}`));
    const ids: string[] = [];
    for (const [i, page] of pages.entries()) {
      const token = await api.token(demoUsers[i % demoUsers.length] ?? 'alice');
      // A starved machine may time a connection out: one more try with a fresh ticket.
      for (let attempt = 1; ; attempt++) {
        const url = (await startRoom(api, roomId, { token })).signaling_url;
        try {
          ids.push(await page.call('join', url, `p${i}`));
          break;
        } catch (err) {
          if (attempt === 2) throw err;
        }
      }
    }
    await Promise.all(
      pages.flatMap((page, i) =>
        ids.filter((_, j) => j !== i).map((other) => page.call('subscribe', other, 'camera')),
      ),
    );
    // Every page decodes every other camera before the window opens.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const receiving = await Promise.all(
        pages.map(async (page, i) => {
          const stats = await page.call('stats');
          return ids.filter((id, j) => j !== i && (stats[`${id}:camera`]?.frames ?? 0) > 0).length;
        }),
      );
      if (receiving.every((n) => n === size - 1)) break;
      if (Date.now() > deadline)
        throw new Error(
          `the meeting never fully flowed: cameras decoded per page ${receiving.map((n, i) => `p${i} ${n}/${size - 1}`).join(', ')}`,
        );
      await new Promise((r) => setTimeout(r, 500));
    }
    const before = await Promise.all(pages.map(remoteVideo));
    const t0 = performance.now();
    const meetingPercent = await cpuPercentOver(janusPid, windowMs);
    const elapsed = performance.now() - t0;
    const after = await Promise.all(pages.map(remoteVideo));
    const grown = (pick: (v: { frames: number; packets: number }) => number): number =>
      after.reduce((sum, v, i) => sum + pick(v) - pick(before[i] ?? { frames: 0, packets: 0 }), 0);
    return {
      size,
      windowMs,
      idlePercent,
      meetingPercent,
      decodedFps: (grown((v) => v.frames) * 1000) / elapsed,
      forwardedPacketsPerSecond: (grown((v) => v.packets) * 1000) / elapsed,
    };
  } finally {
    await Promise.all(pages.map((p) => p.page.close()));
  }
}
