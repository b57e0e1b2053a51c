/// <reference lib="dom" />
/**
 * The browser side of the `media` namespace (PROTOCOL.md section 3.11): one RTCPeerConnection to
 * the meeting's audio bridge (send the microphone, receive the mix), one per published video
 * (camera, screen) and one per received video. It speaks to the server through a small signaling
 * port, so the web client can use it with `SignalingClient` and tests can drive it in a page.
 *
 * Offers and answers are sent once ICE gathering finished (or after `gatherTimeoutMs`), so a
 * meeting costs a handful of frames; candidates found later are trickled.
 */
import type { MediaCommand } from '../../signaling/modules/media.js';

export interface MediaEvent {
  readonly message: string;
  readonly [field: string]: unknown;
}

/** How the client talks to the server: send a `media` command, hear `media` events. */
export interface MediaSignaling {
  send(command: MediaCommand): void;
  onEvent(listener: (event: MediaEvent) => void): () => void;
}

export type VideoKind = 'camera' | 'screen';

export interface MediaClientOptions {
  readonly signaling: MediaSignaling;
  /** From `join_success.modules.media.ice_servers`. */
  readonly iceServers: readonly RTCIceServer[];
  /** 'relay' forces TURN (tests, strict networks). */
  readonly iceTransportPolicy?: RTCIceTransportPolicy;
  readonly gatherTimeoutMs?: number;
  /**
   * How long to wait for the server's answer to a request: a backstop only. The server answers
   * every request (an SDP or an error) and gives Janus at most 30 s, and a loaded server takes
   * long for a burst (ten people joining at once: ~20 s for the last of 90 subscriptions).
   */
  readonly requestTimeoutMs?: number;
}

export interface MediaClientEvents {
  /** The mixed audio of the meeting (everyone but oneself). */
  mixedAudio?(stream: MediaStream): void;
  /** A received camera or screen. */
  remoteVideo?(source: string, kind: VideoKind, stream: MediaStream): void;
  /** Someone started publishing (subscribe to see it) or stopped. */
  published?(source: string, kind: VideoKind): void;
  unpublished?(source: string, kind: VideoKind): void;
  speaker?(id: string, speaking: boolean): void;
  status?(available: boolean, reason: string | null): void;
  /**
   * The client publishes anew by itself; this is for the UI. `media_server_restarted`: it takes up
   * its subscriptions again too. `breakout_changed`: it dropped them (they are in the other room);
   * subscribe to the `published` events that follow.
   */
  renegotiating?(reason: string): void;
  /** A moderator muted us (we cannot unmute until released) or released us. */
  forceMuted?(forced: boolean): void;
  error?(error: string, detail: string | undefined, action: string | undefined): void;
}

/** How often in a row a failed connection is set up anew (ICE restart, or a new subscription). */
const maxRetries = 5;

class MediaRequestError extends Error {
  readonly code: string;
  constructor(code: string, detail: string | undefined) {
    super(detail ?? code);
    this.name = 'MediaRequestError';
    this.code = code;
  }
}

/** The stream a request is about: `media`, and `source` for a received video. */
interface StreamKey {
  readonly media: string;
  readonly source?: string | undefined;
}

interface Waiter {
  match(event: MediaEvent): boolean;
  action: string;
  stream: StreamKey;
  resolve(event: MediaEvent): void;
  reject(err: Error): void;
}

export class MediaClient {
  private readonly options: MediaClientOptions;
  private readonly events: MediaClientEvents;
  private readonly waiters = new Set<Waiter>();
  private readonly stopListening: () => void;
  private audio: { pc: RTCPeerConnection; track: MediaStreamTrack } | undefined;
  private readonly publications = new Map<VideoKind, { pc: RTCPeerConnection; track: MediaStreamTrack }>();
  private readonly subscriptions = new Map<string, { pc: RTCPeerConnection; stream: MediaStream }>();
  /** Subscriptions lost with a media server restart, taken up again when the source publishes anew. */
  private readonly resubscribe = new Set<string>();
  /** Received videos asked for and not given up (`<source>:<kind>`): failed requests are retried. */
  private readonly wanted = new Set<string>();
  /** Connections that failed, by `audio`, `camera`, `screen` or `<source>:<kind>`: how often in a row. */
  private readonly failures = new Map<string, number>();
  /** Connections whose description went out: their later candidates are trickled. */
  private readonly described = new WeakSet<RTCPeerConnection>();

  constructor(options: MediaClientOptions, events: MediaClientEvents = {}) {
    this.options = options;
    this.events = events;
    this.stopListening = options.signaling.onEvent((event) => this.onEvent(event));
  }

  /** Joins the audio bridge with the microphone (muted ones too: then the bridge drops us). */
  async startAudio(track: MediaStreamTrack): Promise<void> {
    this.audio?.pc.close();
    const pc = this.peerConnection('audio');
    pc.addTransceiver(track, { direction: 'sendrecv' });
    pc.ontrack = (e) => this.events.mixedAudio?.(e.streams[0] ?? new MediaStream([e.track]));
    this.audio = { pc, track };
    this.restartIceOnFailure(pc, 'audio', () => this.audio?.pc === pc);
    await this.publishOffer(pc, 'audio');
  }

  stopAudio(): void {
    this.audio?.pc.close();
    this.audio = undefined;
    this.options.signaling.send({ action: 'unpublish', media: 'audio' });
  }

  /** Publishes a camera (with three simulcast layers) or a screen. */
  async publish(kind: VideoKind, track: MediaStreamTrack): Promise<void> {
    this.publications.get(kind)?.pc.close();
    const pc = this.peerConnection(kind);
    pc.addTransceiver(track, {
      direction: 'sendonly',
      ...(kind === 'camera'
        ? {
            sendEncodings: [
              { rid: 'h', maxBitrate: 900_000 },
              { rid: 'm', maxBitrate: 300_000, scaleResolutionDownBy: 2 },
              { rid: 'l', maxBitrate: 100_000, scaleResolutionDownBy: 4 },
            ],
          }
        : {}),
    });
    this.publications.set(kind, { pc, track });
    this.restartIceOnFailure(pc, kind, () => this.publications.get(kind)?.pc === pc);
    await this.publishOffer(pc, kind);
  }

  unpublish(kind: VideoKind): void {
    this.publications.get(kind)?.pc.close();
    this.publications.delete(kind);
    this.options.signaling.send({ action: 'unpublish', media: kind });
  }

  /**
   * Receives one participant's camera or screen; resolves with its stream. A request the server
   * could not carry out (`media_failed`: Janus failed or was too slow; or no answer at all) is
   * made again, backing off, up to `maxRetries` times while still wanted; refusals such as
   * `not_published` reject at once.
   */
  async subscribe(source: string, kind: VideoKind, substream?: number): Promise<MediaStream> {
    const key = `${source}:${kind}`;
    this.wanted.add(key);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.subscribeOnce(source, kind, substream);
      } catch (err) {
        const transient =
          err instanceof MediaRequestError && (err.code === 'media_failed' || err.code === 'timeout');
        if (!transient || attempt > maxRetries) throw err;
        await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** (attempt - 1), 8000)));
        if (!this.wanted.has(key)) throw err;
      }
    }
  }

  private async subscribeOnce(source: string, kind: VideoKind, substream?: number): Promise<MediaStream> {
    this.closeSubscription(source, kind);
    const key = `${source}:${kind}`;
    const stream = new MediaStream();
    const pc = this.peerConnection(kind, source);
    pc.ontrack = (e) => {
      stream.addTrack(e.track);
      this.events.remoteVideo?.(source, kind, stream);
    };
    const subscription = { pc, stream };
    this.subscriptions.set(key, subscription);
    pc.addEventListener('connectionstatechange', () => {
      if (this.subscriptions.get(key) !== subscription) return;
      if (pc.connectionState === 'connected') this.failures.delete(key);
      if (pc.connectionState === 'failed') this.retrySubscription(source, kind, substream);
    });
    const offer = this.request(
      'subscribe',
      { source, media: kind },
      (e) => e.message === 'sdp_offer' && e['source'] === source && e['media'] === kind,
    );
    this.options.signaling.send({
      action: 'subscribe',
      source,
      media: kind,
      ...(substream === undefined ? {} : { substream }),
    });
    try {
      await this.answerOffer(pc, source, kind, (await offer)['sdp'] as string);
    } catch (err) {
      // Leave nothing half-made behind: our connection, and the server's (it may still come).
      if (this.subscriptions.get(key) === subscription) {
        this.closeSubscription(source, kind);
        this.options.signaling.send({ action: 'unsubscribe', source, media: kind });
      }
      throw err;
    }
    return stream;
  }

  unsubscribe(source: string, kind: VideoKind): void {
    this.wanted.delete(`${source}:${kind}`);
    this.failures.delete(`${source}:${kind}`);
    this.closeSubscription(source, kind);
    this.options.signaling.send({ action: 'unsubscribe', source, media: kind });
  }

  /** Simulcast layer (0 low .. 2 high) or pause of a received video. */
  configure(source: string, kind: VideoKind, options: { substream?: number; paused?: boolean }): void {
    this.options.signaling.send({ action: 'configure', source, media: kind, ...options });
  }

  /** Self mute: enforced in the bridge; refused (`force_muted`) while a moderator holds us muted. */
  setMuted(muted: boolean): void {
    this.options.signaling.send({ action: 'mute', muted });
  }

  /** Restarts ICE on every connection (after a network change). */
  async restartIce(): Promise<void> {
    const work: Promise<void>[] = [];
    if (this.audio !== undefined) work.push(this.publishOffer(this.audio.pc, 'audio', true));
    for (const [kind, p] of this.publications) work.push(this.publishOffer(p.pc, kind, true));
    for (const [key, s] of this.subscriptions) {
      const [source, kind] = key.split(':') as [string, VideoKind];
      const offer = this.request(
        'ice_restart',
        { source, media: kind },
        (e) => e.message === 'sdp_offer' && e['source'] === source && e['media'] === kind,
      );
      this.options.signaling.send({ action: 'ice_restart', source, media: kind });
      work.push(offer.then((o) => this.answerOffer(s.pc, source, kind, o['sdp'] as string)));
    }
    await Promise.all(work);
  }

  /**
   * `getStats()` of every connection, or only of the one `stream` names, keyed 'audio', 'camera',
   * 'screen' or `<source>:<kind>`. The reports are asked for all at once: on a busy machine one
   * `getStats()` takes tens of milliseconds, and a meeting has a connection per received video.
   */
  async stats(stream?: string): Promise<Map<string, RTCStatsReport>> {
    const connections: [string, RTCPeerConnection][] = [];
    if (this.audio !== undefined) connections.push(['audio', this.audio.pc]);
    for (const [kind, p] of this.publications) connections.push([kind, p.pc]);
    for (const [key, s] of this.subscriptions) connections.push([key, s.pc]);
    const wanted = connections.filter(([key]) => stream === undefined || key === stream);
    const reports = await Promise.all(wanted.map(([, pc]) => pc.getStats()));
    return new Map(wanted.map(([key], i) => [key, reports[i] as RTCStatsReport]));
  }

  close(): void {
    this.stopListening();
    this.audio?.pc.close();
    for (const p of this.publications.values()) p.pc.close();
    for (const s of this.subscriptions.values()) s.pc.close();
    this.publications.clear();
    this.subscriptions.clear();
    this.wanted.clear();
    for (const w of this.waiters) w.reject(new MediaRequestError('closed', 'the media client closed'));
    this.waiters.clear();
  }

  // ---- internals ----

  private onEvent(event: MediaEvent): void {
    for (const waiter of [...this.waiters]) {
      const refused =
        event.message === 'error' && event['action'] === waiter.action && isAbout(event, waiter.stream);
      if (!refused && !waiter.match(event)) continue;
      this.waiters.delete(waiter);
      if (refused) waiter.reject(new MediaRequestError(String(event['error']), event['detail'] as string));
      else waiter.resolve(event);
      return;
    }
    const id = event['id'] as string;
    const kind = event['media'] as VideoKind;
    switch (event.message) {
      case 'sdp_offer':
        // An offer nobody waits for: its subscription was given up or replaced. Free it at Janus.
        if (!this.subscriptions.has(`${String(event['source'])}:${kind}`)) {
          this.options.signaling.send({
            action: 'unsubscribe',
            source: String(event['source']),
            media: kind,
          });
        }
        return;
      case 'published':
        if (this.resubscribe.delete(`${id}:${kind}`)) {
          this.subscribe(id, kind).catch((err: unknown) =>
            this.events.error?.(
              'media_failed',
              err instanceof Error ? err.message : String(err),
              'subscribe',
            ),
          );
        }
        return this.events.published?.(id, kind);
      case 'unpublished':
        this.resubscribe.delete(`${id}:${kind}`);
        this.wanted.delete(`${id}:${kind}`);
        this.closeSubscription(id, kind);
        return this.events.unpublished?.(id, kind);
      case 'speaker_updated':
        return this.events.speaker?.(id, event['speaking'] === true);
      case 'media_status':
        return this.events.status?.(event['available'] === true, (event['reason'] as string | null) ?? null);
      case 'force_muted':
      case 'mute_released':
        return this.events.forceMuted?.(event.message === 'force_muted');
      case 'renegotiate': {
        const reason = String(event['reason']);
        this.events.renegotiating?.(reason);
        void this.renegotiate(reason !== 'breakout_changed');
        return;
      }
      case 'error':
        return this.events.error?.(
          String(event['error']),
          event['detail'] as string | undefined,
          event['action'] as string | undefined,
        );
    }
  }

  /**
   * The server dropped our connections (media server restart, or a move to another breakout room):
   * publish anew. After a restart the sources publish anew too and each subscription is taken up at
   * its `published` event; after a move they are in another room and stay dropped.
   */
  private async renegotiate(resubscribe: boolean): Promise<void> {
    const audio = this.audio?.track;
    const published = [...this.publications].map(([kind, p]) => [kind, p.track] as const);
    if (!resubscribe) this.resubscribe.clear();
    for (const [key, s] of this.subscriptions) {
      s.pc.close();
      if (resubscribe) this.resubscribe.add(key);
    }
    this.subscriptions.clear();
    try {
      if (audio !== undefined) await this.startAudio(audio);
      for (const [kind, track] of published) await this.publish(kind, track);
    } catch (err) {
      this.events.error?.('media_failed', err instanceof Error ? err.message : String(err), 'renegotiate');
    }
  }

  /**
   * An own connection (audio, camera, screen) whose ICE failed after it was up (no answers to
   * consent checks for 30 s: seen on a machine starved by a burst of joins) restarts ICE with a new
   * offer, backing off, up to `maxRetries` times in a row; Janus keeps the handle.
   */
  private restartIceOnFailure(
    pc: RTCPeerConnection,
    media: 'audio' | VideoKind,
    current: () => boolean,
  ): void {
    pc.addEventListener('connectionstatechange', () => {
      if (!current()) return;
      if (pc.connectionState === 'connected') this.failures.delete(media);
      if (pc.connectionState !== 'failed') return;
      const failures = (this.failures.get(media) ?? 0) + 1;
      this.failures.set(media, failures);
      if (failures > maxRetries) {
        this.events.error?.('media_failed', `the ${media} connection kept failing`, 'publish');
        return;
      }
      setTimeout(
        () => {
          if (!current()) return;
          this.publishOffer(pc, media, true).catch((err: unknown) =>
            this.events.error?.('media_failed', err instanceof Error ? err.message : String(err), 'publish'),
          );
        },
        Math.min(500 * 2 ** (failures - 1), 8000),
      );
    });
  }

  /**
   * A received video whose connection failed (ICE or DTLS gave up: seen when a burst of joins
   * starved the machine) is subscribed anew, backing off, up to `maxRetries` times in a row.
   * Before, it stayed black until its source published again.
   */
  private retrySubscription(source: string, kind: VideoKind, substream: number | undefined): void {
    const key = `${source}:${kind}`;
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    if (failures > maxRetries) {
      this.events.error?.('media_failed', `receiving the ${kind} of ${source} kept failing`, 'subscribe');
      return;
    }
    const failed = this.subscriptions.get(key);
    setTimeout(
      () => {
        // Unsubscribed, replaced or closed meanwhile: nothing to take up again.
        if (this.subscriptions.get(key) !== failed) return;
        this.subscribe(source, kind, substream).catch((err: unknown) =>
          this.events.error?.('media_failed', err instanceof Error ? err.message : String(err), 'subscribe'),
        );
      },
      Math.min(500 * 2 ** (failures - 1), 8000),
    );
  }

  private closeSubscription(source: string, kind: VideoKind): void {
    const key = `${source}:${kind}`;
    this.subscriptions.get(key)?.pc.close();
    this.subscriptions.delete(key);
  }

  private peerConnection(media: 'audio' | VideoKind, source?: string): RTCPeerConnection {
    const pc = new RTCPeerConnection({
      iceServers: this.options.iceServers as RTCIceServer[],
      iceTransportPolicy: this.options.iceTransportPolicy ?? 'all',
      bundlePolicy: 'max-bundle',
    });
    pc.onicecandidate = (e) => {
      if (!this.described.has(pc)) return;
      this.options.signaling.send({
        action: 'trickle',
        media,
        ...(source === undefined ? {} : { source }),
        candidate:
          e.candidate === null
            ? null
            : {
                candidate: e.candidate.candidate,
                sdpMid: e.candidate.sdpMid,
                sdpMLineIndex: e.candidate.sdpMLineIndex,
              },
      });
    };
    return pc;
  }

  private async publishOffer(
    pc: RTCPeerConnection,
    media: 'audio' | VideoKind,
    iceRestart = false,
  ): Promise<void> {
    this.described.delete(pc);
    await pc.setLocalDescription(await pc.createOffer({ iceRestart }));
    await this.gathered(pc);
    const answer = this.request(
      'publish',
      { media },
      (e) => e.message === 'sdp_answer' && e['media'] === media,
    );
    this.options.signaling.send({ action: 'publish', media, sdp: pc.localDescription?.sdp ?? '' });
    this.described.add(pc);
    await pc.setRemoteDescription({ type: 'answer', sdp: (await answer)['sdp'] as string });
  }

  private async answerOffer(
    pc: RTCPeerConnection,
    source: string,
    kind: VideoKind,
    sdp: string,
  ): Promise<void> {
    this.described.delete(pc);
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await this.gathered(pc);
    this.options.signaling.send({
      action: 'answer',
      source,
      media: kind,
      sdp: pc.localDescription?.sdp ?? '',
    });
    this.described.add(pc);
  }

  /** Waits for ICE gathering (bounded: slow STUN/TURN servers must not hold the call up). */
  private gathered(pc: RTCPeerConnection): Promise<void> {
    if (pc.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        pc.removeEventListener('icegatheringstatechange', check);
        resolve();
      };
      const check = (): void => {
        if (pc.iceGatheringState === 'complete') done();
      };
      const timer = setTimeout(done, this.options.gatherTimeoutMs ?? 2000);
      pc.addEventListener('icegatheringstatechange', check);
    });
  }

  private request(
    action: string,
    stream: StreamKey,
    match: (event: MediaEvent) => boolean,
  ): Promise<MediaEvent> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        action,
        stream,
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new MediaRequestError('timeout', `no answer to ${action}`));
      }, this.options.requestTimeoutMs ?? 45_000);
      this.waiters.add(waiter);
    });
  }
}

/**
 * Whether an error event is about this stream. The server names the stream in its errors; an error
 * without one (an older server) is taken as the answer to the oldest request of its action.
 */
function isAbout(event: MediaEvent, stream: StreamKey): boolean {
  if (typeof event['media'] !== 'string') return true;
  return event['media'] === stream.media && (event['source'] ?? undefined) === stream.source;
}

/** Binds a `MediaClient` to the typed signaling client (`@vc/conference-core/signaling-client`). */
export function mediaSignalingOf(client: {
  send(namespace: 'media', payload: MediaCommand): void;
  on(listener: (frame: { namespace: string; payload: MediaEvent }) => void): () => void;
}): MediaSignaling {
  return {
    send: (command) => client.send('media', command),
    onEvent: (listener) =>
      client.on((frame) => {
        if (frame.namespace === 'media') listener(frame.payload);
      }),
  };
}
