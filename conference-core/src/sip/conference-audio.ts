import type { SignalingClient } from '../signaling/client/signaling-client.js';
import type { G711 } from './sdp.js';

/** A UDP address RTP is sent to. */
export interface RtpEndpoint {
  readonly address: string;
  readonly port: number;
}

/** The phone's place in the meeting's audio mix, once joined. */
export interface ConferenceAudioLeg {
  /** Where the mixer wants the caller's RTP; its mix for the caller comes from there too. */
  readonly remote: RtpEndpoint;
  /** The payload type the mixer expects and sends. */
  readonly payloadType: number;
  /** Mutes the phone in the mix itself (the relay also sends silence while muted). */
  setMuted?(muted: boolean): void;
  /** The caller talks (or stopped): the meeting shows the phone speaking, like the bridge does for browsers. */
  setSpeaking?(speaking: boolean): void;
  leave(): Promise<void>;
}

/** Who joins the mix: the phone participant as signaling knows it. */
export interface PhoneInMeeting {
  readonly roomId: string;
  readonly participantId: string;
  readonly displayName: string;
  readonly codec: G711;
  /** The phone's signaling connection (media negotiation runs in its `media` namespace). */
  readonly signaling: SignalingClient;
}

/**
 * The port between the SIP gateway and the meeting's audio (a Janus AudioBridge room, joined as a
 * plain-RTP participant). The gateway gives the UDP endpoint its relay receives the mix on and
 * gets the mixer's endpoint back. `opened` receives the joined leg's signals (lost: the mixer went
 * away, e.g. a Janus restart; the gateway joins again).
 */
export interface ConferenceAudio {
  join(
    phone: PhoneInMeeting,
    local: RtpEndpoint,
    events: { lost(reason: string): void },
  ): Promise<ConferenceAudioLeg>;
}

export class ConferenceAudioUnavailable extends Error {
  override readonly name = 'ConferenceAudioUnavailable';
  readonly code = 'media_unavailable';
}

/** Without a media server: every join fails, and the caller hears that the meeting cannot be reached. */
export const unavailableConferenceAudio: ConferenceAudio = {
  join: () => Promise.reject(new ConferenceAudioUnavailable('no media server is configured')),
};
