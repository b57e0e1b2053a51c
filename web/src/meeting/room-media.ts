import { MediaClient, type MediaEvent, type VideoKind } from '@vc/conference-core/media-client';

import type { MeetingSession } from './meeting-session.js';

/** What the stage and the controls show of the media (PROTOCOL.md section 3.11). */
export interface MediaView {
  /** False: the server has no media now (`reason` says why); the meeting works without. */
  readonly available: boolean;
  readonly reason: string | null;
  /** My own camera and screen, for the preview. */
  readonly camera: MediaStream | undefined;
  readonly screen: MediaStream | undefined;
  /** Received videos by `<participant>:<kind>`. */
  readonly remote: ReadonlyMap<string, MediaStream>;
  /** The meeting's audio mix (everyone but me). */
  readonly mix: MediaStream | undefined;
  readonly speaking: ReadonlySet<string>;
  /** A moderator muted me: I cannot unmute until released. */
  readonly forceMuted: boolean;
  /** Some of my connections are down, or the media server was replaced and we negotiate again. */
  readonly degraded: boolean;
  /** The camera or microphone could not be opened. */
  readonly deviceError: boolean;
  /** The last media request that failed (for diagnosis; the UI shows `degraded`). */
  readonly lastError: string | undefined;
}

interface MediaState {
  available: boolean;
  reason: string | null;
  ice_servers: RTCIceServer[];
  force_muted?: boolean;
}

/** The view before (or without) any media: also what the room shows while none is set up. */
export const emptyMediaView: MediaView = {
  available: false,
  reason: null,
  camera: undefined,
  screen: undefined,
  remote: new Map(),
  mix: undefined,
  speaking: new Set(),
  forceMuted: false,
  degraded: false,
  deviceError: false,
  lastError: undefined,
};

/**
 * The room's audio and video: joins the audio bridge with the microphone (a silent track when
 * there is none, so the mix still plays), publishes the camera and the screen as asked, and
 * receives every other camera and screen in my room. React reads it through `subscribe`/`snapshot`.
 */
export class RoomMedia {
  private view: MediaView = emptyMediaView;
  private readonly listeners = new Set<() => void>();
  private readonly client: MediaClient | undefined;
  private readonly selfId: string;
  private readonly up = new Set<string>();
  private readonly down = new Set<string>();
  /** Videos I receive (`<source>:<kind>`); after `renegotiate` the media client takes them up itself. */
  private readonly receiving = new Set<string>();
  private mic: MediaStreamTrack | undefined;
  private micOn: boolean;
  private cameraWanted = false;
  private cameraDevice: string | undefined;
  private closed = false;
  /** Resolves once my audio negotiated (or failed): videos are received after it. */
  private audioSettled!: () => void;
  private readonly audioReady = new Promise<void>((resolve) => (this.audioSettled = resolve));
  private readonly stopEvents: (() => void) | undefined;

  constructor(session: MeetingSession, selfId: string, micOn: boolean) {
    this.selfId = selfId;
    this.micOn = micOn;
    const join = session.joinInfo();
    const state = join?.modules['media'] as MediaState | undefined;
    this.view = {
      ...emptyMediaView,
      available: state?.available === true,
      reason: state === undefined ? 'disabled' : state.reason,
    };
    if (join === undefined || state?.available !== true) return;
    this.view = { ...this.view, forceMuted: state.force_muted === true };
    this.client = new MediaClient(
      { signaling: session.mediaSignaling, iceServers: state.ice_servers },
      {
        mixedAudio: (mix) => this.update({ mix }),
        remoteVideo: (source, kind, stream) => this.setRemote(source, kind, stream),
        published: (source, kind) => this.receive(source, kind),
        unpublished: (source, kind) => {
          this.receiving.delete(`${source}:${kind}`);
          this.setRemote(source, kind, undefined);
        },
        speaker: (id, speaking) => {
          const next = new Set(this.view.speaking);
          if (speaking) next.add(id);
          else next.delete(id);
          this.update({ speaking: next });
        },
        status: (available, reason) => this.update({ available, reason }),
        renegotiating: (reason) => {
          // After a breakout move the client dropped its subscriptions: take up the new room's `published`.
          if (reason === 'breakout_changed') this.receiving.clear();
          this.update({ degraded: true, remote: new Map() });
        },
        forceMuted: (forced) => {
          this.update({ forceMuted: forced });
          if (forced && this.mic !== undefined) this.mic.enabled = false;
        },
        error: (error, detail, action) =>
          this.update({ lastError: `${action ?? ''} ${error} ${detail ?? ''}` }),
      },
    );
    this.stopEvents = session.mediaSignaling.onEvent((event) => this.connectionEvent(event));
    for (const p of join.participants) {
      const media = p['media'] as { camera?: boolean; screen?: boolean } | undefined;
      if (media?.camera === true) this.receive(p.id, 'camera');
      if (media?.screen === true) this.receive(p.id, 'screen');
    }
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): MediaView => this.view;

  /** Joins the bridge with the chosen microphone (muted unless `setMic(true)`). */
  async startAudio(deviceId: string | undefined): Promise<void> {
    try {
      if (this.client === undefined) return;
      this.mic = await this.openMic(deviceId);
      if (this.closed) return this.mic.stop();
      this.mic.enabled = this.micOn && !this.view.forceMuted;
      if (!this.view.forceMuted) this.client.setMuted(!this.micOn);
      await this.client.startAudio(this.mic);
    } finally {
      this.audioSettled();
    }
  }

  /** Mutes or unmutes: the track and the bridge (the server refuses an unmute while force-muted). */
  setMic(on: boolean): void {
    if (on === this.micOn) return;
    this.micOn = on;
    if (this.mic !== undefined) this.mic.enabled = on;
    this.client?.setMuted(!on);
  }

  /** Publishes the camera (`deviceId` from the lobby) or stops it. */
  async setCamera(on: boolean, deviceId: string | undefined): Promise<void> {
    this.cameraWanted = on;
    this.cameraDevice = deviceId;
    if (this.client === undefined) return;
    if (!on) {
      if (this.view.camera !== undefined) this.client.unpublish('camera');
      this.stopStream(this.view.camera);
      this.update({ camera: undefined });
      return;
    }
    if (this.view.camera !== undefined) return;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: {
          ...(deviceId === undefined ? {} : { deviceId: { exact: deviceId } }),
          width: 640,
          height: 360,
        },
      });
    } catch {
      this.update({ deviceError: true });
      return;
    }
    const track = stream.getVideoTracks()[0];
    if (this.closed || !this.cameraWanted || track === undefined) return this.stopStream(stream);
    this.update({ camera: stream });
    await this.client.publish('camera', track);
  }

  /** Shares a screen (the browser asks which); resolves false when the person cancelled. */
  async startScreen(): Promise<boolean> {
    if (this.client === undefined || this.view.screen !== undefined) return false;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch {
      return false;
    }
    const track = stream.getVideoTracks()[0];
    if (track === undefined || this.closed) {
      this.stopStream(stream);
      return false;
    }
    // The browser's own "stop sharing" button ends the track.
    track.addEventListener('ended', () => this.stopScreen());
    this.update({ screen: stream });
    await this.client.publish('screen', track);
    return true;
  }

  stopScreen(): void {
    if (this.view.screen === undefined) return;
    this.client?.unpublish('screen');
    this.stopStream(this.view.screen);
    this.update({ screen: undefined });
  }

  /** Per received stream: decoded frames (the test and a connection indicator read this). */
  async framesDecoded(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const [key, report] of (await this.client?.stats()) ?? new Map<string, RTCStatsReport>()) {
      report.forEach((s: { type: string; kind?: string; framesDecoded?: number; bytesReceived?: number }) => {
        if (s.type !== 'inbound-rtp') return;
        const name = s.kind === 'audio' ? `${key}:audio-bytes` : key;
        out[name] = (out[name] ?? 0) + (s.kind === 'audio' ? (s.bytesReceived ?? 0) : (s.framesDecoded ?? 0));
      });
    }
    return out;
  }

  /** Leaves the media of the meeting: the server drops our streams, so a new `RoomMedia` starts clean. */
  close(): void {
    this.closed = true;
    this.stopEvents?.();
    if (this.client !== undefined) {
      for (const key of this.receiving) {
        const [source, kind] = key.split(':') as [string, VideoKind];
        this.client.unsubscribe(source, kind);
      }
      if (this.view.camera !== undefined) this.client.unpublish('camera');
      if (this.view.screen !== undefined) this.client.unpublish('screen');
      this.client.stopAudio();
      this.client.close();
    }
    this.mic?.stop();
    this.stopStream(this.view.camera);
    this.stopStream(this.view.screen);
    this.listeners.clear();
  }

  private async openMic(deviceId: string | undefined): Promise<MediaStreamTrack> {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: deviceId === undefined ? true : { deviceId: { exact: deviceId } },
      });
      const track = stream.getAudioTracks()[0];
      if (track !== undefined) return track;
    } catch {
      this.update({ deviceError: true });
    }
    // No microphone: join with silence, so the meeting's mix still reaches us.
    const context = new AudioContext();
    const silent = context.createMediaStreamDestination().stream.getAudioTracks()[0];
    if (silent === undefined) throw new Error('no audio track at all');
    return silent;
  }

  private receive(source: string, kind: VideoKind): void {
    const key = `${source}:${kind}`;
    if (source === this.selfId || this.client === undefined || this.receiving.has(key)) return;
    this.receiving.add(key);
    const client = this.client;
    // Received videos wait for my own audio connection, so the first negotiations do not interleave.
    this.audioReady
      .then(() => (this.closed ? undefined : client.subscribe(source, kind)))
      .then(
        (stream) => {
          if (stream !== undefined) this.setRemote(source, kind, stream);
        },
        (err: unknown) => {
          this.receiving.delete(key);
          this.update({ degraded: true, lastError: `receiving ${key}: ${String(err)}` });
        },
      );
  }

  private setRemote(source: string, kind: VideoKind, stream: MediaStream | undefined): void {
    const remote = new Map(this.view.remote);
    if (stream === undefined) remote.delete(`${source}:${kind}`);
    else remote.set(`${source}:${kind}`, stream);
    this.update({ remote });
  }

  /** `webrtc_up`/`webrtc_down`: the reconnecting notice lasts while any connection is down. */
  private connectionEvent(event: MediaEvent): void {
    const key = `${typeof event['source'] === 'string' ? `${event['source']}:` : ''}${String(event['media'])}`;
    // Only connections this instance saw come up count (not ones a previous instance closed).
    if (event.message === 'webrtc_up') {
      this.up.add(key);
      this.down.delete(key);
    } else if (event.message === 'webrtc_down' && this.up.has(key)) this.down.add(key);
    else return;
    this.update({ degraded: this.down.size > 0 });
  }

  private stopStream(stream: MediaStream | undefined): void {
    for (const track of stream?.getTracks() ?? []) track.stop();
  }

  private update(change: Partial<MediaView>): void {
    if (this.closed) return;
    this.view = { ...this.view, ...change };
    for (const listener of this.listeners) listener();
  }
}
