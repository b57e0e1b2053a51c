/**
 * Runs inside a test page (bundled by tests/src/support/media-page.ts): joins a meeting with the
 * real signaling and media clients, publishes the fake camera and microphone, and answers the
 * test's questions through `window.meeting`.
 */
import { MediaClient, mediaSignalingOf, type MediaEvent } from '@vc/conference-core/media-client';
import {
  SignalingClient,
  type JoinSuccess,
  type WebSocketConstructor,
} from '@vc/conference-core/signaling-client';

import type { MeetingPageApi } from '../src/support/meeting-page-api.js';

interface Meeting {
  readonly id: string;
  /** `<participant>:<kind>` of every stream published in the meeting right now. */
  readonly published: Set<string>;
  /** Every `media` event received. */
  readonly events: MediaEvent[];
  readonly client: SignalingClient;
  readonly media: MediaClient;
  analyser: AnalyserNode | undefined;
}

let meeting: Meeting | undefined;

function current(): Meeting {
  if (meeting === undefined) throw new Error('not joined');
  return meeting;
}

async function join(signalingUrl: string, name: string, relayOnly = false): Promise<string> {
  const client = await SignalingClient.connect(signalingUrl, {
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    // Generous: the benchmark's ten pages starve a busy 2-core machine.
    timeoutMs: 30_000,
  });
  const me = (await client.join({ display_name: name })).payload as unknown as JoinSuccess;
  const published = new Set<string>();
  const events: MediaEvent[] = [];
  for (const p of me.participants) {
    const media = p['media'] as { camera?: boolean; screen?: boolean } | undefined;
    if (media?.camera === true) published.add(`${p.id}:camera`);
    if (media?.screen === true) published.add(`${p.id}:screen`);
  }
  client.on((frame) => {
    if (frame.namespace === 'media') events.push(frame.payload);
  });
  const iceServers = (me.modules['media'] as { ice_servers: RTCIceServer[] }).ice_servers;
  const state: Meeting = {
    id: me.id,
    published,
    events,
    client,
    analyser: undefined,
    media: new MediaClient(
      {
        signaling: mediaSignalingOf(client),
        iceServers,
        ...(relayOnly ? { iceTransportPolicy: 'relay' as const } : {}),
      },
      {
        published: (id, kind) => published.add(`${id}:${kind}`),
        unpublished: (id, kind) => published.delete(`${id}:${kind}`),
        // After a breakout move every source is elsewhere; the new room's `published` events follow.
        renegotiating: (reason) => {
          if (reason === 'breakout_changed') published.clear();
        },
        mixedAudio: (stream) => {
          // Chromium only pulls remote audio through Web Audio while an element plays it.
          const element = new Audio();
          element.srcObject = stream;
          element.muted = true;
          void element.play();
          const context = new AudioContext();
          const analyser = context.createAnalyser();
          analyser.fftSize = 2048;
          context.createMediaStreamSource(stream).connect(analyser);
          state.analyser = analyser;
        },
      },
    ),
  };
  meeting = state;
  const camera = await navigator.mediaDevices.getUserMedia({
    audio: true,
    video: { width: 320, height: 240 },
  });
  const [audio, video] = [camera.getAudioTracks()[0], camera.getVideoTracks()[0]];
  if (audio === undefined || video === undefined) throw new Error('no fake camera or microphone');
  // Both connections negotiate at once, as a client joining a meeting would.
  await Promise.all([state.media.startAudio(audio), state.media.publish('camera', video)]);
  return me.id;
}

/** Waits until the source publishes that kind, then receives it. */
async function subscribe(source: string, kind: 'camera' | 'screen'): Promise<void> {
  const deadline = Date.now() + 20_000;
  // May be called while `join` still runs (a client subscribes while its own streams negotiate).
  while (meeting === undefined) {
    if (Date.now() > deadline) throw new Error('never joined');
    await new Promise((r) => setTimeout(r, 10));
  }
  const m = current();
  while (!m.published.has(`${source}:${kind}`)) {
    if (Date.now() > deadline) throw new Error(`${source} never published a ${kind}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await m.media.subscribe(source, kind);
}

/** Publishes a moving canvas as a screen share. */
async function shareScreen(): Promise<void> {
  const canvas = document.createElement('canvas');
  canvas.width = 320;
  canvas.height = 180;
  const g = canvas.getContext('2d');
  let hue = 0;
  setInterval(() => {
    if (g === null) return;
    g.fillStyle = `hsl(${(hue += 7) % 360} 80% 50%)`;
    g.fillRect(0, 0, 320, 180);
  }, 50);
  const track = canvas.captureStream(15).getVideoTracks()[0];
  if (track === undefined) throw new Error('no canvas track');
  await current().media.publish('screen', track);
}

/** Per stream: decoded video frames and received audio bytes. */
async function stats(
  stream?: string,
): Promise<{ [stream: string]: { frames: number; videoPackets: number; audioBytes: number } }> {
  const out: { [stream: string]: { frames: number; videoPackets: number; audioBytes: number } } = {};
  for (const [key, report] of await current().media.stats(stream)) {
    let frames = 0;
    let videoPackets = 0;
    let audioBytes = 0;
    report.forEach(
      (s: {
        type: string;
        kind?: string;
        framesDecoded?: number;
        packetsReceived?: number;
        bytesReceived?: number;
      }) => {
        if (s.type !== 'inbound-rtp') return;
        if (s.kind === 'video') frames += s.framesDecoded ?? 0;
        if (s.kind === 'video') videoPackets += s.packetsReceived ?? 0;
        if (s.kind === 'audio') audioBytes += s.bytesReceived ?? 0;
      },
    );
    out[key] = { frames, videoPackets, audioBytes };
  }
  return out;
}

/** Per stream: the candidate types (host, srflx, relay) of the selected pair, local and remote. */
async function selectedCandidates(): Promise<{ [stream: string]: { local: string; remote: string } }> {
  const out: { [stream: string]: { local: string; remote: string } } = {};
  for (const [key, report] of await current().media.stats()) {
    const byId = new Map<string, Record<string, unknown>>();
    report.forEach((s: Record<string, unknown>) => byId.set(String(s['id']), s));
    for (const s of byId.values()) {
      if (s['type'] !== 'transport' || typeof s['selectedCandidatePairId'] !== 'string') continue;
      const pair = byId.get(s['selectedCandidatePairId']);
      const local = byId.get(String(pair?.['localCandidateId']));
      const remote = byId.get(String(pair?.['remoteCandidateId']));
      out[key] = { local: String(local?.['candidateType']), remote: String(remote?.['candidateType']) };
    }
  }
  return out;
}

/** The loudest RMS of the received mix over `ms` (0: silence; -1: no mix yet). */
async function mixPeak(ms: number): Promise<number> {
  const { analyser } = current();
  if (analyser === undefined) return -1;
  const data = new Float32Array(analyser.fftSize);
  let peak = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    analyser.getFloatTimeDomainData(data);
    let sum = 0;
    for (const v of data) sum += v * v;
    peak = Math.max(peak, Math.sqrt(sum / data.length));
    await new Promise((r) => setTimeout(r, 40));
  }
  return peak;
}

/** Resolves once a `media` event matching `message` (and `error`, for errors) has arrived. */
async function eventArrived(message: string, error?: string): Promise<void> {
  const m = current();
  const deadline = Date.now() + 20_000;
  while (!m.events.some((e) => e.message === message && (error === undefined || e['error'] === error))) {
    if (Date.now() > deadline) throw new Error(`no ${message} ${error ?? ''} event`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let floor: RTCPeerConnection | undefined;

/** The benchmark's floor: a bare RTCPeerConnection answering a Janus subscriber offer. */
async function floorAnswer(offerSdp: string): Promise<string> {
  floor?.close();
  const pc = new RTCPeerConnection();
  floor = pc;
  await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
  await pc.setLocalDescription(await pc.createAnswer());
  if (pc.iceGatheringState !== 'complete') {
    await new Promise<void>((resolve) => {
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') resolve();
      });
      setTimeout(resolve, 2000);
    });
  }
  return pc.localDescription?.sdp ?? '';
}

async function floorFrames(): Promise<number> {
  let frames = 0;
  (await floor?.getStats())?.forEach((s: { type: string; kind?: string; framesDecoded?: number }) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded ?? 0;
  });
  return frames;
}

const api: MeetingPageApi = {
  floorAnswer,
  floorFrames,
  join,
  subscribe,
  shareScreen,
  stopScreen: () => current().media.unpublish('screen'),
  isPublished: (source: string, kind: string) => current().published.has(`${source}:${kind}`),
  stats,
  selectedCandidates,
  mixPeak,
  eventArrived,
  setMuted: (muted: boolean) => current().media.setMuted(muted),
  // Unchecked on purpose: the server validates, and tests send refused commands too.
  send: (payload) => current().client.sendRaw(JSON.stringify({ namespace: 'media', payload })),
  sendTo: (namespace, payload) => current().client.sendRaw(JSON.stringify({ namespace, payload })),
  eventCount: (message: string) => current().events.filter((e) => e.message === message).length,
};

(window as unknown as { meeting: MeetingPageApi }).meeting = api;
