import type { IceCandidate, Jsep } from './janus/janus-client.js';

export type { IceCandidate, Jsep } from './janus/janus-client.js';

/**
 * The media port the signaling `media` module talks to. One implementation drives a pool of Janus
 * servers (`janus-media-service.ts`); the other says media is unavailable
 * (`unavailable-media-service.ts`). Janus ids and secrets stay behind this contract: callers only
 * see our participant ids.
 */

/** A stream a participant sends: audio goes to the meeting's AudioBridge, the others to its VideoRoom. */
export type VideoKind = 'camera' | 'screen';

/** Why media is not there; `null` when it is. */
export type MediaUnavailableReason = 'disabled' | 'no_media_server' | 'media_server_down';

export interface IceServer {
  readonly urls: readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

/** What happens to a meeting's media without anyone asking; the signaling module forwards it. */
export interface MeetingMediaEvents {
  /** A participant's PeerConnection came up: `stream` is 'audio', 'camera', 'screen' or `<source>:<kind>`. */
  webrtcUp(participantId: string, stream: string): void;
  webrtcDown(participantId: string, stream: string, reason: string): void;
  talking(participantId: string, talking: boolean): void;
  /** The meeting's media server went away: every PeerConnection of the meeting is dead. */
  interrupted(): void;
  /** The meeting's rooms exist again (same or another server): clients publish and subscribe anew. */
  restored(): void;
}

/** A plain-RTP participant (a phone through the SIP gateway's relay). */
export interface RtpEndpoint {
  readonly ip: string;
  readonly port: number;
  readonly codec: 'pcma' | 'pcmu' | 'opus';
  readonly payloadType?: number;
}

/** The media of one meeting (a room, or one breakout room of it): one AudioBridge + one VideoRoom. */
export interface MeetingMedia {
  /** WebRTC audio: the browser's offer in, Janus's answer out. A second offer renegotiates (ICE restart). */
  joinAudio(participantId: string, offer: Jsep, muted: boolean): Promise<Jsep>;
  /** Leaves the audio bridge (the participant neither speaks nor hears). */
  leaveAudio(participantId: string): Promise<void>;
  /** Plain-RTP audio (phones): where the relay sends RTP to. */
  joinPhone(participantId: string, rtp: RtpEndpoint, muted: boolean): Promise<RtpEndpoint>;
  /** Mutes or unmutes in the bridge: the mix drops the participant whatever its client does. */
  setMuted(participantId: string, muted: boolean): Promise<void>;
  /** Publishes (or renegotiates) a camera or screen stream; answers the offer. */
  publish(participantId: string, kind: VideoKind, offer: Jsep): Promise<Jsep>;
  unpublish(participantId: string, kind: VideoKind): Promise<void>;
  /** Whether the source publishes that kind and its PeerConnection is up. */
  isPublished(participantId: string, kind: VideoKind): boolean;
  /** Janus's offer for receiving one source's stream. */
  subscribe(participantId: string, source: string, kind: VideoKind, substream?: number): Promise<Jsep>;
  answerSubscription(participantId: string, source: string, kind: VideoKind, answer: Jsep): Promise<void>;
  /** Simulcast layer, pause, or ICE restart (then a new offer comes back). */
  configureSubscription(
    participantId: string,
    source: string,
    kind: VideoKind,
    options: { substream?: number | undefined; paused?: boolean | undefined; restart?: boolean | undefined },
  ): Promise<Jsep | undefined>;
  unsubscribe(participantId: string, source: string, kind: VideoKind): Promise<void>;
  /** A browser ICE candidate for one of the participant's streams (null: gathering done). */
  trickle(participantId: string, stream: string, candidate: IceCandidate | null): Promise<void>;
  /** Everything of the participant goes: audio, publications, subscriptions. */
  leave(participantId: string): Promise<void>;
  /** The meeting ended: its rooms are destroyed. */
  close(): Promise<void>;
}

export interface MediaService {
  /** null when media works; otherwise why not (sent to clients as `media_status`). */
  unavailable(): MediaUnavailableReason | null;
  /** Calls back whenever `unavailable()` may have changed; returns the unsubscribe function. */
  onAvailabilityChange(listener: () => void): () => void;
  /** STUN/TURN servers for one participant (TURN credentials are short-lived and per participant). */
  iceServers(participantId: string): IceServer[];
  /** The media of one meeting, placed on a server when first used. `key` is unique per meeting. */
  meeting(key: string, events: MeetingMediaEvents): MeetingMedia;
  /** Number of meetings placed per server, for /metrics and tests. */
  load(): { url: string; up: boolean; meetings: number; participants: number }[];
  close(): Promise<void>;
}

/** A refusal the signaling module turns into an error event with this code. */
export class MediaError extends Error {
  readonly code: 'media_unavailable' | 'media_failed' | 'not_published';

  constructor(
    code: 'media_unavailable' | 'media_failed' | 'not_published',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MediaError';
    this.code = code;
  }
}
