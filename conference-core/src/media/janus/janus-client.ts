import { EventEmitter } from 'node:events';

import Janode, { type JanodeConnection, type JanodeHandle, type JanodeSession } from 'janode';
import AudioBridgePlugin, { type JanodeAudioBridgeHandle } from 'janode/plugins/audiobridge';
import VideoRoomPlugin, { type JanodeVideoRoomHandle } from 'janode/plugins/videoroom';

/**
 * A typed wrapper around janode (which ships no types): a connection, one session, and handles of
 * the two plugins we use. Nothing outside `media/janus/` imports janode. janode does not reconnect
 * an established connection: `JanusConnection` emits `lost` once and is then dead; the pool's
 * supervisor opens a new one and rebuilds (see `janus-instance.ts`).
 */

// janode logs to stdout at info level by default; our own logger says what matters.
Janode.Logger.setLevel('none');

export interface JanusServer {
  readonly url: string;
  readonly apiSecret?: string | undefined;
}

/** An SDP with its type, as RTCSessionDescriptionInit in the browser. */
export interface Jsep {
  readonly type: 'offer' | 'answer';
  readonly sdp: string;
}

/** A browser ICE candidate, or null for "gathering finished". */
export interface IceCandidate {
  readonly candidate: string;
  readonly sdpMid?: string | null | undefined;
  readonly sdpMLineIndex?: number | null | undefined;
}

/** A Janus error answer: `code` is Janus's (e.g. 427 room exists, 428 no such feed). */
export class JanusError extends Error {
  readonly code: number | undefined;
  constructor(message: string, options: { code?: number | undefined; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'JanusError';
    this.code = options.code;
  }
}

function translate(err: unknown): JanusError {
  if (err instanceof JanusError) return err;
  const message = err instanceof Error ? err.message : String(err);
  // Core errors carry `_code`; janode puts plugin errors' code at the start of the message.
  const code = (err as { _code?: unknown } | null)?._code;
  const fromMessage = /^(\d{3}) /.exec(message)?.[1];
  return new JanusError(message, {
    code: typeof code === 'number' ? code : fromMessage === undefined ? undefined : Number(fromMessage),
    cause: err,
  });
}

/**
 * How long a request may wait for Janus. janode waits forever, and a media request the hub never
 * answers leaves the browser waiting too: past this the request fails (`media_failed`) and the
 * half-made handle is detached. Long, because a loaded Janus answers slowly (a 10-participant
 * meeting on a busy 2-core machine took ~20 s for its 90 subscriptions); a Janus that is gone is
 * found by the health check, not here.
 */
export const janusAnswerTimeoutMs = 30_000;

async function call<T>(run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new JanusError(`Janus did not answer within ${janusAnswerTimeoutMs / 1000} s`)),
      janusAnswerTimeoutMs,
    );
  });
  try {
    return await Promise.race([run(), timeout]);
  } catch (err) {
    throw translate(err);
  } finally {
    clearTimeout(timer);
  }
}

type ConnectionEvents = { lost: [reason: Error] };

/** One open WebSocket to one Janus. Emits `lost` once when it drops; it never reconnects itself. */
export class JanusConnection extends EventEmitter<ConnectionEvents> {
  private closedByUs = false;
  private lostEmitted = false;

  private readonly raw: JanodeConnection;

  private constructor(raw: JanodeConnection) {
    super();
    this.raw = raw;
    const lost = (reason: Error): void => {
      if (this.closedByUs || this.lostEmitted) return;
      this.lostEmitted = true;
      this.emit('lost', reason);
    };
    raw.on(Janode.EVENT.CONNECTION_ERROR ?? 'connection_error', (err: unknown) =>
      lost(err instanceof Error ? err : new Error(String(err))),
    );
    raw.on(Janode.EVENT.CONNECTION_CLOSED ?? 'connection_closed', () => lost(new Error('connection closed')));
  }

  /** Opens the WebSocket once (no retries: the caller owns the backoff). */
  static async open(server: JanusServer): Promise<JanusConnection> {
    const raw = await call(() =>
      Janode.connect({
        address: {
          url: server.url,
          ...(server.apiSecret === undefined ? {} : { apisecret: server.apiSecret }),
        },
        max_retries: 1,
        retry_time_secs: 1,
      }),
    );
    return new JanusConnection(raw);
  }

  async info(): Promise<Record<string, unknown>> {
    return call(() => this.raw.getInfo());
  }

  /** A Janus session with keep-alives every 15 s (Janus drops idle sessions after 60 s). */
  async createSession(): Promise<JanusSession> {
    const raw = await call(() => this.raw.create(15));
    return new JanusSession(raw);
  }

  async close(): Promise<void> {
    this.closedByUs = true;
    await this.raw.close().catch(() => undefined);
  }
}

type SessionEvents = { lost: [reason: string] };

/**
 * One Janus session. janode destroys a session by itself when a keep-alive goes unanswered for
 * 7.5 s (a loaded Janus or hub): from then on it drops every event of its handles, so offers and
 * hangups never arrive while Janus still holds the handles. That emits `lost`, once.
 */
export class JanusSession extends EventEmitter<SessionEvents> {
  private readonly raw: JanodeSession;
  private destroyedByUs = false;

  constructor(raw: JanodeSession) {
    super();
    this.raw = raw;
    raw.once(Janode.EVENT.SESSION_DESTROYED ?? 'session_destroyed', () => {
      if (!this.destroyedByUs) this.emit('lost', 'janode destroyed the session (keep-alive unanswered)');
    });
  }

  async attachAudioBridge(): Promise<AudioBridgeHandle> {
    return new AudioBridgeHandle(await call(() => this.raw.attach(AudioBridgePlugin)));
  }

  async attachVideoRoom(): Promise<VideoRoomHandle> {
    return new VideoRoomHandle(await call(() => this.raw.attach(VideoRoomPlugin)));
  }

  async destroy(): Promise<void> {
    this.destroyedByUs = true;
    await this.raw.destroy().catch(() => undefined);
  }
}

type HandleEvents = {
  /** The PeerConnection of this handle is up (ICE + DTLS done). */
  webrtcup: [];
  /** The PeerConnection went down (hangup, ICE failure, DTLS alert) or the handle was detached. */
  down: [reason: string];
  /** AudioBridge only: this participant started or stopped talking. */
  talking: [talking: boolean];
};

/** What both plugin handles share: PeerConnection events, trickle, detach. */
abstract class PluginHandle<Raw extends JanodeHandle> extends EventEmitter<HandleEvents> {
  private detached = false;
  protected readonly raw: Raw;

  constructor(raw: Raw) {
    super();
    this.raw = raw;
    raw.on(Janode.EVENT.HANDLE_WEBRTCUP ?? 'handle_webrtcup', () => this.emit('webrtcup'));
    raw.on(Janode.EVENT.HANDLE_HANGUP ?? 'handle_hangup', (data: { reason?: string }) =>
      this.emit('down', data.reason ?? 'hangup'),
    );
    raw.on(Janode.EVENT.HANDLE_ICE_FAILED ?? 'handle_ice_failed', () => this.emit('down', 'ice failed'));
    raw.on(Janode.EVENT.HANDLE_DETACHED ?? 'handle_detached', () => {
      this.detached = true;
      this.emit('down', 'detached');
    });
  }

  /** Relays one browser candidate; null says the browser finished gathering. */
  async trickle(candidate: IceCandidate | null): Promise<void> {
    await call(() => (candidate === null ? this.raw.trickleComplete() : this.raw.trickle(candidate)));
  }

  /** Detaches from Janus (leaves rooms, closes the PeerConnection); harmless when already gone. */
  async detach(): Promise<void> {
    if (this.detached) return;
    this.detached = true;
    await this.raw.detach().catch(() => undefined);
  }

  protected async request(body: Record<string, unknown>, jsep?: Jsep): Promise<Record<string, unknown>> {
    return call(() => this.raw.message(body, jsep));
  }

  /**
   * The plugin's rooms, private ones included when `adminKey` is the plugin's admin key (both
   * plugins answer `list` the same way; janode's own `list` cannot pass the key for AudioBridge).
   */
  async listRooms(adminKey: string): Promise<{ room: number; description: string; participants: number }[]> {
    const response = await this.request({ request: 'list', admin_key: adminKey });
    const data = (response['plugindata'] as { data?: Record<string, unknown> } | undefined)?.data ?? {};
    if (!Array.isArray(data['list']))
      throw new JanusError(`unexpected answer to list: ${JSON.stringify(data)}`);
    return (data['list'] as Record<string, unknown>[]).map((r) => ({
      room: Number(r['room']),
      description: typeof r['description'] === 'string' ? r['description'] : '',
      participants: Number(r['num_participants'] ?? 0),
    }));
  }
}

export interface AudioRoomOptions {
  readonly room: number;
  readonly secret: string;
  /** Who owns the room (`room-ownership.ts`); listed by `listRooms`. */
  readonly description?: string;
  readonly adminKey?: string | undefined;
  /** Phones join as plain-RTP participants (SIP call-in). */
  readonly allowRtp?: boolean;
}

/** AudioBridge: one mixing room per meeting; one handle per participant (and one for admin work). */
export class AudioBridgeHandle extends PluginHandle<JanodeAudioBridgeHandle> {
  constructor(raw: JanodeAudioBridgeHandle) {
    super(raw);
    const events = AudioBridgePlugin.EVENT;
    raw.on(events.AUDIOBRIDGE_TALKING ?? 'audiobridge_talking', (data: { talking: boolean }) =>
      this.emit('talking', data.talking),
    );
    raw.on(events.AUDIOBRIDGE_KICKED ?? 'audiobridge_kicked', () => this.emit('down', 'kicked'));
  }

  async createRoom(options: AudioRoomOptions): Promise<void> {
    await call(() =>
      this.raw.create({
        room: options.room,
        secret: options.secret,
        ...(options.description === undefined ? {} : { description: options.description }),
        ...(options.adminKey === undefined ? {} : { admin_key: options.adminKey }),
        sampling_rate: 48000,
        talking_events: true,
        talking_level_threshold: 40,
        talking_packets_threshold: 50,
        allow_rtp: options.allowRtp ?? true,
        is_private: true,
      }),
    );
  }

  async destroyRoom(room: number, secret: string): Promise<void> {
    await call(() => this.raw.destroy({ room, secret }));
  }

  /** Joins as a WebRTC participant (Opus); the offer follows with `configure`. Returns the feed id. */
  async join(options: { room: number; display: string; muted: boolean }): Promise<number> {
    const joined = await call(() =>
      this.raw.join({ room: options.room, display: options.display, muted: options.muted, codec: 'opus' }),
    );
    return joined.feed as number;
  }

  /**
   * Joins as a plain-RTP participant (a phone through the SIP gateway's relay): Janus answers with
   * the address to send RTP to.
   */
  async joinRtp(options: {
    room: number;
    display: string;
    codec: 'pcma' | 'pcmu' | 'opus';
    rtp: { ip: string; port: number; payloadType?: number };
  }): Promise<{ feed: number; janusRtp: { ip: string; port: number; payloadType?: number } }> {
    const joined = await call(() =>
      this.raw.join({
        room: options.room,
        display: options.display,
        codec: options.codec,
        rtp_participant: {
          ip: options.rtp.ip,
          port: options.rtp.port,
          ...(options.rtp.payloadType === undefined ? {} : { payload_type: options.rtp.payloadType }),
        },
      }),
    );
    const rtp = joined.rtp_participant as { ip: string; port: number; payload_type?: number };
    return {
      feed: joined.feed as number,
      janusRtp: {
        ip: rtp.ip,
        port: rtp.port,
        ...(rtp.payload_type === undefined ? {} : { payloadType: rtp.payload_type }),
      },
    };
  }

  /** Sends the browser's offer (or changes `muted`); answers Janus's SDP when an offer was sent. */
  async configure(options: { muted?: boolean; jsep?: Jsep }): Promise<Jsep | undefined> {
    const result = await call(() =>
      this.raw.configure({
        ...(options.muted === undefined ? {} : { muted: options.muted }),
        ...(options.jsep === undefined ? {} : { jsep: options.jsep }),
      }),
    );
    return result.jsep as Jsep | undefined;
  }

  /** Moderator mute: Janus drops the participant's audio from the mix until `unmute`. */
  async setMuted(room: number, secret: string, feed: number, muted: boolean): Promise<void> {
    await call(() =>
      muted ? this.raw.mute({ room, feed, secret }) : this.raw.unmute({ room, feed, secret }),
    );
  }

  async participants(room: number): Promise<{ feed: number; display: string; muted: boolean }[]> {
    const { participants } = await call(() => this.raw.listParticipants({ room }));
    return participants.map((p) => ({
      feed: p.feed as number,
      display: (p.display as string | undefined) ?? '',
      muted: p.muted === true,
    }));
  }
}

export interface VideoRoomOptions {
  readonly room: number;
  readonly secret: string;
  /** Who owns the room (`room-ownership.ts`); listed by `listRooms`. */
  readonly description?: string;
  readonly adminKey?: string | undefined;
  readonly maxPublishers?: number;
}

/** VideoRoom: an SFU room per meeting; one publisher handle per stream, one subscriber handle per feed. */
export class VideoRoomHandle extends PluginHandle<JanodeVideoRoomHandle> {
  async createRoom(options: VideoRoomOptions): Promise<void> {
    await call(() =>
      this.raw.create({
        room: options.room,
        secret: options.secret,
        ...(options.description === undefined ? {} : { description: options.description }),
        ...(options.adminKey === undefined ? {} : { admin_key: options.adminKey }),
        max_publishers: options.maxPublishers ?? 100,
        videocodec: 'vp8',
        // Audio goes through the AudioBridge; a video room never carries it.
        audiocodec: 'opus',
        bitrate: 1_024_000,
        fir_freq: 10,
        is_private: true,
        notify_joining: false,
      }),
    );
  }

  async destroyRoom(room: number, secret: string): Promise<void> {
    await call(() => this.raw.destroy({ room, secret }));
  }

  /** Joins as a publisher and sends the browser's offer in one step; returns feed id and answer. */
  async publish(options: {
    room: number;
    display: string;
    jsep: Jsep;
  }): Promise<{ feed: number; answer: Jsep }> {
    const result = await call(() =>
      this.raw.joinConfigurePublisher({
        room: options.room,
        display: options.display,
        audio: false,
        video: true,
        jsep: options.jsep,
      }),
    );
    const answer = result.jsep as Jsep | undefined;
    if (answer === undefined) throw new JanusError('Janus answered the publish without an SDP');
    return { feed: result.feed as number, answer };
  }

  /** A new offer from an existing publisher (renegotiation, ICE restart). */
  async republish(jsep: Jsep): Promise<Jsep> {
    const result = await call(() => this.raw.configure({ jsep, video: true, audio: false }));
    const answer = result.jsep as Jsep | undefined;
    if (answer === undefined) throw new JanusError('Janus answered the configure without an SDP');
    return answer;
  }

  /** Joins as a subscriber of one feed; Janus makes the offer the browser answers with `start`. */
  async subscribe(options: { room: number; feed: number; substream?: number | undefined }): Promise<Jsep> {
    const result = await call(() =>
      this.raw.joinSubscriber({
        room: options.room,
        feed: options.feed,
        ...(options.substream === undefined ? {} : { sc_substream_layer: options.substream }),
      }),
    );
    const offer = result.jsep as Jsep | undefined;
    if (offer === undefined) throw new JanusError('Janus made no offer for the subscription');
    return offer;
  }

  /** The browser's answer to the subscription offer: media starts flowing. */
  async start(answer: Jsep): Promise<void> {
    await call(() => this.raw.start({ jsep: answer }));
  }

  /**
   * Subscriber settings: simulcast layer (0 low .. 2 high), pause/resume, or an ICE restart, which
   * returns Janus's new offer.
   */
  async configureSubscription(options: {
    substream?: number | undefined;
    paused?: boolean | undefined;
    restart?: boolean | undefined;
  }): Promise<Jsep | undefined> {
    if (options.paused !== undefined) {
      await this.request({ request: options.paused ? 'pause' : 'start' });
    }
    if (options.substream === undefined && options.restart !== true) return undefined;
    const result = await this.request({
      request: 'configure',
      ...(options.substream === undefined ? {} : { substream: options.substream }),
      ...(options.restart === true ? { restart: true } : {}),
    });
    return (result.jsep as Jsep | undefined) ?? undefined;
  }

  /** Room ids on this Janus (the admin key lists private rooms too). */
  async rooms(adminKey?: string): Promise<number[]> {
    const result = await this.request({
      request: 'list',
      ...(adminKey === undefined ? {} : { admin_key: adminKey }),
    });
    const list = (result['plugindata'] as { data?: { list?: { room: number }[] } } | undefined)?.data?.list;
    return (list ?? []).map((r) => r.room);
  }

  async participants(room: number): Promise<{ feed: number; display: string; publisher: boolean }[]> {
    const { participants } = await call(() => this.raw.listParticipants({ room }));
    return participants.map((p) => ({
      feed: p.feed as number,
      display: (p.display as string | undefined) ?? '',
      publisher: p.publisher === true,
    }));
  }
}
