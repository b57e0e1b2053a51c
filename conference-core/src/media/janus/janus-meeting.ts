import { randomBytes, randomInt } from 'node:crypto';

import type { Logger } from '../../logging/logger.js';
import {
  MediaError,
  type IceCandidate,
  type Jsep,
  type MeetingMedia,
  type MeetingMediaEvents,
  type RtpEndpoint,
  type VideoKind,
} from '../media-service.js';
import { JanusError, type AudioBridgeHandle, type VideoRoomHandle } from './janus-client.js';
import type { JanusInstance, JanusLink } from './janus-instance.js';
import { ownerTag, roomSecret } from './room-ownership.js';

/** Where a meeting's two rooms live: one Janus, one link generation, Janus room ids and secrets. */
interface Placement {
  readonly instance: JanusInstance;
  readonly link: JanusLink;
  readonly audioRoom: number;
  readonly videoRoom: number;
  readonly audioSecret: string;
  readonly videoSecret: string;
}

interface Publication {
  readonly handle: VideoRoomHandle;
  feed: number | undefined;
  up: boolean;
  readonly upSignal: Promise<void>;
}

interface AudioLeg {
  readonly handle: AudioBridgeHandle;
  feed: number | undefined;
  /** WebRTC (a browser) or plain RTP (a phone). */
  readonly webrtc: boolean;
}

interface PeerMedia {
  audio: AudioLeg | undefined;
  muted: boolean;
  readonly publications: Map<VideoKind, Publication>;
  /** Keyed `<source>:<kind>`. */
  readonly subscriptions: Map<string, VideoRoomHandle>;
}

/** Waits for the publisher's PeerConnection before subscribing (Janus answers 428 otherwise). */
const publisherUpTimeoutMs = 15_000;

/** Picks the server a meeting goes to; undefined when none is up. */
export type PickInstance = () => JanusInstance | undefined;

export interface JanusMeetingOptions {
  /** The least-loaded server that is up, if any. */
  readonly pick: PickInstance;
  /** Calls back whenever a server comes up; returns the unsubscribe function. */
  readonly waitForInstance: (listener: () => void) => () => void;
  readonly adminKey: string | undefined;
  /** This hub node, written into the rooms' descriptions so others can sweep them if it dies. */
  readonly nodeId: string;
  readonly events: MeetingMediaEvents;
  readonly logger: Logger;
  readonly onClosed: () => void;
}

/**
 * The media of one meeting on a Janus pool: one AudioBridge room (all audio, mixed) and one
 * VideoRoom (camera and screen, forwarded) on one server, with a handle per participant stream.
 * When that server goes away every handle is dead: the meeting reports `interrupted`, places its
 * rooms again (on the same server once it is back, or on another), and reports `restored` so the
 * clients publish and subscribe anew.
 */
export class JanusMeeting implements MeetingMedia {
  private placement: Promise<Placement> | undefined;
  private readonly peers = new Map<string, PeerMedia>();
  private closed = false;
  /** The server the rooms are on, once created; the pool reads it for least-loaded placement. */
  placedOn: JanusInstance | undefined;
  private detachDown: (() => void) | undefined;

  private readonly pick: PickInstance;
  private readonly waitForInstance: (listener: () => void) => () => void;
  private readonly adminKey: string | undefined;
  private readonly nodeId: string;
  private readonly events: MeetingMediaEvents;
  private readonly logger: Logger;
  private readonly onClosed: () => void;

  constructor(options: JanusMeetingOptions) {
    this.pick = options.pick;
    this.waitForInstance = options.waitForInstance;
    this.adminKey = options.adminKey;
    this.nodeId = options.nodeId;
    this.events = options.events;
    this.logger = options.logger;
    this.onClosed = options.onClosed;
  }

  // ---- audio ----

  async joinAudio(participantId: string, offer: Jsep, muted: boolean): Promise<Jsep> {
    const place = await this.place();
    const peer = this.peer(participantId);
    const previous = peer.audio;
    if (previous?.handle !== undefined && previous.feed !== undefined && previous.webrtc) {
      try {
        const answer = await previous.handle.configure({ jsep: offer });
        if (answer === undefined) throw new JanusError('AudioBridge answered without an SDP');
        return answer;
      } catch (err) {
        throw failed('renegotiating the audio failed', err);
      }
    }
    await this.dropAudio(peer);
    const handle = await place.link.session.attachAudioBridge();
    const audio: AudioLeg = { handle, feed: undefined, webrtc: true };
    peer.audio = audio;
    peer.muted = muted;
    this.wire(handle, participantId, 'audio', () => peer.audio === audio);
    handle.on('talking', (talking) => {
      if (peer.audio === audio) this.events.talking(participantId, talking);
    });
    try {
      audio.feed = await handle.join({ room: place.audioRoom, display: participantId, muted });
      const answer = await handle.configure({ muted, jsep: offer });
      if (answer === undefined) throw new JanusError('AudioBridge answered without an SDP');
      this.stillCurrent(peer, () => peer.audio === audio);
      // A moderator's mute may have come while joining: the bridge must hold the latest wish.
      if (peer.muted !== muted) await this.applyMute(place, audio.feed, peer.muted);
      return answer;
    } catch (err) {
      if (peer.audio === audio) peer.audio = undefined;
      await handle.detach();
      throw failed('joining the audio bridge failed', err);
    }
  }

  async joinPhone(participantId: string, rtp: RtpEndpoint, muted: boolean): Promise<RtpEndpoint> {
    const place = await this.place();
    const peer = this.peer(participantId);
    await this.dropAudio(peer);
    const handle = await place.link.session.attachAudioBridge();
    const audio: AudioLeg = { handle, feed: undefined, webrtc: false };
    peer.audio = audio;
    peer.muted = muted;
    this.wire(handle, participantId, 'audio', () => peer.audio === audio);
    try {
      const joined = await handle.joinRtp({
        room: place.audioRoom,
        display: participantId,
        codec: rtp.codec,
        rtp: {
          ip: rtp.ip,
          port: rtp.port,
          ...(rtp.payloadType === undefined ? {} : { payloadType: rtp.payloadType }),
        },
      });
      audio.feed = joined.feed;
      if (peer.muted) await this.applyMute(place, joined.feed, true);
      return { ...joined.janusRtp, codec: rtp.codec };
    } catch (err) {
      if (peer.audio === audio) peer.audio = undefined;
      await handle.detach();
      throw failed('joining the audio bridge failed', err);
    }
  }

  async leaveAudio(participantId: string): Promise<void> {
    const peer = this.peers.get(participantId);
    if (peer !== undefined) await this.dropAudio(peer);
  }

  async setMuted(participantId: string, muted: boolean): Promise<void> {
    const peer = this.peer(participantId);
    peer.muted = muted;
    const feed = peer.audio?.feed;
    const placement = this.placement;
    if (feed === undefined || placement === undefined) return;
    await this.applyMute(await placement, feed, muted);
  }

  private async applyMute(place: Placement, feed: number, muted: boolean): Promise<void> {
    try {
      await place.link.audioAdmin.setMuted(place.audioRoom, place.audioSecret, feed, muted);
    } catch (err) {
      throw failed('the bridge refused the mute', err);
    }
  }

  // ---- video ----

  async publish(participantId: string, kind: VideoKind, offer: Jsep): Promise<Jsep> {
    const place = await this.place();
    const peer = this.peer(participantId);
    const existing = peer.publications.get(kind);
    if (existing !== undefined) {
      try {
        return await existing.handle.republish(offer);
      } catch (err) {
        throw failed('renegotiating the stream failed', err);
      }
    }
    const handle = await place.link.session.attachVideoRoom();
    let markUp: () => void = () => undefined;
    const publication: Publication = {
      handle,
      feed: undefined,
      up: false,
      upSignal: new Promise<void>((resolve) => (markUp = resolve)),
    };
    peer.publications.set(kind, publication);
    const current = (): boolean => peer.publications.get(kind) === publication;
    handle.on('webrtcup', () => {
      publication.up = true;
      markUp();
    });
    this.wire(handle, participantId, kind, current);
    try {
      const { feed, answer } = await handle.publish({
        room: place.videoRoom,
        display: `${participantId}:${kind}`,
        jsep: offer,
      });
      publication.feed = feed;
      this.stillCurrent(peer, current);
      return answer;
    } catch (err) {
      if (current()) peer.publications.delete(kind);
      await handle.detach();
      throw failed(`publishing the ${kind} failed`, err);
    }
  }

  async unpublish(participantId: string, kind: VideoKind): Promise<void> {
    const peer = this.peers.get(participantId);
    const publication = peer?.publications.get(kind);
    if (peer === undefined || publication === undefined) return;
    peer.publications.delete(kind);
    await Promise.all([publication.handle.detach(), this.dropSubscriptionsTo(participantId, kind)]);
  }

  isPublished(participantId: string, kind: VideoKind): boolean {
    return this.peers.get(participantId)?.publications.get(kind)?.up === true;
  }

  async subscribe(participantId: string, source: string, kind: VideoKind, substream?: number): Promise<Jsep> {
    const place = await this.place();
    const publication = this.peers.get(source)?.publications.get(kind);
    if (publication === undefined)
      throw new MediaError('not_published', `${source} does not publish a ${kind}`);
    await withTimeout(publication.upSignal, publisherUpTimeoutMs, `the ${kind} of ${source} never came up`);
    const peer = this.peer(participantId);
    const key = `${source}:${kind}`;
    // Forget a replaced subscription before detaching it: its `down` is not news to the client.
    const replaced = peer.subscriptions.get(key);
    peer.subscriptions.delete(key);
    await replaced?.detach();
    const handle = await place.link.session.attachVideoRoom();
    peer.subscriptions.set(key, handle);
    const current = (): boolean => peer.subscriptions.get(key) === handle;
    this.wire(handle, participantId, key, current);
    try {
      if (publication.feed === undefined)
        throw new MediaError('not_published', `${source} is not publishing yet`);
      const offer = await handle.subscribe({ room: place.videoRoom, feed: publication.feed, substream });
      this.stillCurrent(peer, current);
      return offer;
    } catch (err) {
      if (current()) peer.subscriptions.delete(key);
      await handle.detach();
      throw failed(`subscribing to the ${kind} of ${source} failed`, err);
    }
  }

  async answerSubscription(
    participantId: string,
    source: string,
    kind: VideoKind,
    answer: Jsep,
  ): Promise<void> {
    const handle = this.subscription(participantId, source, kind);
    try {
      await handle.start(answer);
    } catch (err) {
      throw failed('starting the subscription failed', err);
    }
  }

  async configureSubscription(
    participantId: string,
    source: string,
    kind: VideoKind,
    options: { substream?: number | undefined; paused?: boolean | undefined; restart?: boolean | undefined },
  ): Promise<Jsep | undefined> {
    const handle = this.subscription(participantId, source, kind);
    try {
      return await handle.configureSubscription(options);
    } catch (err) {
      throw failed('configuring the subscription failed', err);
    }
  }

  async unsubscribe(participantId: string, source: string, kind: VideoKind): Promise<void> {
    const peer = this.peers.get(participantId);
    const key = `${source}:${kind}`;
    const handle = peer?.subscriptions.get(key);
    if (handle === undefined) return;
    peer?.subscriptions.delete(key);
    await handle.detach();
  }

  async trickle(participantId: string, stream: string, candidate: IceCandidate | null): Promise<void> {
    const peer = this.peers.get(participantId);
    const handle =
      stream === 'audio'
        ? peer?.audio?.handle
        : stream === 'camera' || stream === 'screen'
          ? peer?.publications.get(stream)?.handle
          : peer?.subscriptions.get(stream);
    if (handle === undefined) return;
    try {
      await handle.trickle(candidate);
    } catch (err) {
      throw failed('relaying the candidate failed', err);
    }
  }

  // ---- participants and the meeting ----

  async leave(participantId: string): Promise<void> {
    const peer = this.peers.get(participantId);
    if (peer === undefined) return;
    this.peers.delete(participantId);
    const kinds = [...peer.publications.keys()];
    await Promise.all([
      this.dropAudio(peer),
      ...[...peer.publications.values()].map((p) => p.handle.detach()),
      ...[...peer.subscriptions.values()].map((h) => h.detach()),
      ...kinds.map((kind) => this.dropSubscriptionsTo(participantId, kind)),
    ]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClosed();
    for (const id of [...this.peers.keys()]) await this.leave(id);
    this.detachDown?.();
    const placement = this.placement;
    this.placement = undefined;
    if (placement === undefined) return;
    const place = await placement.catch(() => undefined);
    if (place === undefined) return;
    this.placedOn = undefined;
    if (place.instance.link?.generation !== place.link.generation) return;
    await Promise.all([
      place.link.audioAdmin.destroyRoom(place.audioRoom, place.audioSecret).catch(() => undefined),
      place.link.videoAdmin.destroyRoom(place.videoRoom, place.videoSecret).catch(() => undefined),
    ]);
  }

  participantCount(): number {
    return this.peers.size;
  }

  // ---- placement ----

  /** The meeting's rooms, created on the least-loaded server at first use. */
  private place(): Promise<Placement> {
    if (this.closed) return Promise.reject(new MediaError('media_unavailable', 'the meeting has ended'));
    if (this.placement === undefined) {
      const pending = this.createRooms();
      this.placement = pending;
      pending.catch(() => {
        if (this.placement === pending) this.placement = undefined;
      });
    }
    return this.placement;
  }

  private async createRooms(): Promise<Placement> {
    const instance = this.pick();
    const link = instance?.link;
    if (instance === undefined || link === undefined) {
      throw new MediaError('media_unavailable', 'no media server is reachable');
    }
    const adminKey = this.adminKey;
    // Room ids are random: a room left behind by a crashed hub must not collide (427 room exists).
    const audioRoom = randomInt(1, 2 ** 47);
    const videoRoom = randomInt(1, 2 ** 47);
    // With an admin key every node of the pool can derive the secrets (and sweep a dead node's rooms).
    const secretOf = (room: number): string =>
      adminKey === undefined ? randomBytes(18).toString('base64url') : roomSecret(adminKey, room);
    const [audioSecret, videoSecret] = [secretOf(audioRoom), secretOf(videoRoom)];
    const description = ownerTag(this.nodeId);
    try {
      await link.audioAdmin.createRoom({
        room: audioRoom,
        secret: audioSecret,
        description,
        adminKey,
        allowRtp: true,
      });
      await link.videoAdmin.createRoom({ room: videoRoom, secret: videoSecret, description, adminKey });
    } catch (err) {
      throw failed('creating the meeting rooms failed', err);
    }
    this.placedOn = instance;
    const onDown = (generation: number): void => {
      if (generation === link.generation) this.lost();
    };
    instance.on('down', onDown);
    this.detachDown = () => instance.off('down', onDown);
    this.logger.info({ janus: instance.url, audioRoom, videoRoom }, 'meeting media placed');
    return { instance, link, audioRoom, videoRoom, audioSecret, videoSecret };
  }

  /** The server went away: every handle is dead. Rooms come back on the next server that is up. */
  private lost(): void {
    this.detachDown?.();
    this.detachDown = undefined;
    this.placement = undefined;
    this.placedOn = undefined;
    for (const peer of this.peers.values()) {
      peer.audio = undefined;
      peer.publications.clear();
      peer.subscriptions.clear();
    }
    this.events.interrupted();
    this.restoreWhenPossible();
  }

  private restoreWhenPossible(): void {
    if (this.closed) return;
    const tryPlace = (): boolean => {
      if (this.closed) return true;
      if (this.pick()?.link === undefined) return false;
      this.place().then(
        () => this.events.restored(),
        (err: unknown) => {
          this.logger.warn({ err }, 'rebuilding the meeting rooms failed; waiting for a server');
          this.restoreWhenPossible();
        },
      );
      return true;
    };
    if (tryPlace()) return;
    const stop = this.waitForInstance(() => {
      if (tryPlace()) stop();
    });
  }

  // ---- helpers ----

  private peer(participantId: string): PeerMedia {
    let peer = this.peers.get(participantId);
    if (peer === undefined) {
      peer = { audio: undefined, muted: false, publications: new Map(), subscriptions: new Map() };
      this.peers.set(participantId, peer);
    }
    return peer;
  }

  private subscription(participantId: string, source: string, kind: VideoKind): VideoRoomHandle {
    const handle = this.peers.get(participantId)?.subscriptions.get(`${source}:${kind}`);
    if (handle === undefined)
      throw new MediaError('not_published', `no subscription to the ${kind} of ${source}`);
    return handle;
  }

  private async dropAudio(peer: PeerMedia): Promise<void> {
    const audio = peer.audio;
    peer.audio = undefined;
    await audio?.handle.detach();
  }

  private async dropSubscriptionsTo(source: string, kind: VideoKind): Promise<void> {
    const key = `${source}:${kind}`;
    const handles: VideoRoomHandle[] = [];
    for (const peer of this.peers.values()) {
      const handle = peer.subscriptions.get(key);
      if (handle === undefined) continue;
      peer.subscriptions.delete(key);
      handles.push(handle);
    }
    await Promise.all(handles.map((h) => h.detach()));
  }

  /** After an await: the participant may have left, or replaced the stream, meanwhile. */
  private stillCurrent(peer: PeerMedia, current: () => boolean): void {
    if (this.closed || !current() || ![...this.peers.values()].includes(peer)) {
      throw new MediaError('media_failed', 'the stream was replaced or the participant left meanwhile');
    }
  }

  private wire(
    handle: AudioBridgeHandle | VideoRoomHandle,
    participantId: string,
    stream: string,
    current: () => boolean,
  ): void {
    handle.on('webrtcup', () => {
      if (current()) this.events.webrtcUp(participantId, stream);
    });
    handle.on('down', (reason) => {
      if (current()) this.events.webrtcDown(participantId, stream, reason);
    });
  }
}

function failed(message: string, err: unknown): MediaError {
  if (err instanceof MediaError) return err;
  return new MediaError('media_failed', `${message}: ${err instanceof Error ? err.message : String(err)}`, {
    cause: err,
  });
}

async function withTimeout(promise: Promise<void>, ms: number, message: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new MediaError('not_published', message)), ms);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
