import type { Socket } from 'node:dgram';

import type { RtpEndpoint } from './conference-audio.js';
import { audioLevelOf, g711ToLinear, silenceByte } from './g711.js';
import { parseRtp, RtpStream } from './rtp-packet.js';
import type { AudioOffer } from './sdp.js';
import { TalkDetector } from './talk-detector.js';
import { TelephoneEventDecoder } from './telephone-event.js';

/** 20 ms of 8 kHz G.711: the only frame size AudioBridge's plain-RTP participants accept. */
export const frameBytes = 160;
const frameMs = 20;

export interface RelayStats {
  fromCaller: number;
  toConference: number;
  fromConference: number;
  /** Frames of the mix above silence: the caller hears the meeting. */
  loudFromConference: number;
  toCaller: number;
  ignored: number;
  digits: number;
}

export interface CallMediaOptions {
  /** The caller-facing socket (its port is in our SDP answer). */
  readonly callerSocket: Socket;
  /** The mixer-facing socket (its port is given to the conference audio join). */
  readonly conferenceSocket: Socket;
  readonly offer: AudioOffer;
  readonly onDigit: (digit: string) => void;
  /** The caller started or stopped talking into the meeting (the bridge cannot tell for plain RTP). */
  readonly onTalking?: (talking: boolean) => void;
}

/**
 * The RTP relay of one call. Caller side: accepts RTP only from the address the caller's SDP named
 * (anything else is dropped), takes RFC 4733 digits out, plays prompts paced at 20 ms. Mixer side:
 * re-packetizes the caller's audio into 160-byte frames with our own SSRC/sequence/timestamps and
 * forwards the mix back to the caller. Prompts win over the mix while they play.
 */
export class CallMedia {
  readonly stats: RelayStats = {
    fromCaller: 0,
    toConference: 0,
    fromConference: 0,
    loudFromConference: 0,
    toCaller: 0,
    ignored: 0,
    digits: 0,
  };
  private offer: AudioOffer;
  private readonly toCaller = new RtpStream();
  private readonly toConference = new RtpStream();
  private readonly dtmf = new TelephoneEventDecoder();
  private readonly talk = new TalkDetector();
  private pending = Buffer.alloc(0);
  private conference: { remote: RtpEndpoint; payloadType: number } | undefined;
  private muted = false;
  private prompt: { timer: NodeJS.Timeout; done: () => void } | undefined;
  private closed = false;
  /** When the caller's last RTP packet (audio or a key) arrived; the answer counts as one. */
  private lastHeardAt = performance.now();
  private readonly options: CallMediaOptions;

  constructor(options: CallMediaOptions) {
    this.options = options;
    this.offer = options.offer;
    options.callerSocket.on('message', (data, from) => this.fromCaller(data, from.address));
    options.conferenceSocket.on('message', (data, from) =>
      this.fromConference(data, from.address, from.port),
    );
    // A send error (ICMP unreachable reflected as ECONNREFUSED) must not end the process.
    options.callerSocket.on('error', () => undefined);
    options.conferenceSocket.on('error', () => undefined);
  }

  get codec(): AudioOffer['codec'] {
    return this.offer.codec;
  }

  get isMuted(): boolean {
    return this.muted;
  }

  /**
   * How long the caller has sent no RTP, in ms; 0 while the caller holds the call (a held phone
   * legitimately sends nothing, and the session timer still watches the dialog).
   */
  get silentForMs(): number {
    return this.offer.onHold ? 0 : performance.now() - this.lastHeardAt;
  }

  /** A re-INVITE changed where the caller receives, or put the call on (or off) hold. */
  update(offer: AudioOffer): void {
    this.offer = offer;
    // Back from hold: the silence is counted from now.
    this.lastHeardAt = performance.now();
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    if (muted) this.stopTalking();
  }

  /** Starts relaying with the mixer; the first frame we send makes it start sending to us. */
  connect(remote: RtpEndpoint, payloadType: number): void {
    this.conference = { remote, payloadType };
    this.pending = Buffer.alloc(0);
    // AudioBridge only sends to a plain-RTP participant after one valid packet from it.
    this.sendToConference(Buffer.alloc(frameBytes, silenceByte[this.offer.codec]));
  }

  disconnect(): void {
    this.conference = undefined;
    this.stopTalking();
  }

  /** Plays a prompt to the caller; resolves when it has been sent (or was cut short). */
  play(audio: Buffer): Promise<void> {
    this.stopPrompt();
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const started = Date.now();
      let sent = 0;
      const total = Math.ceil(audio.length / frameBytes);
      const tick = () => {
        // Catch up after a late timer rather than drift: send every frame that is due.
        const due = Math.min(total, Math.floor((Date.now() - started) / frameMs) + 1);
        for (; sent < due; sent++) {
          const frame = Buffer.alloc(frameBytes, silenceByte[this.offer.codec]);
          audio.copy(frame, 0, sent * frameBytes, Math.min(audio.length, (sent + 1) * frameBytes));
          this.sendToCaller(frame, sent === 0);
        }
        if (sent >= total) this.stopPrompt();
      };
      this.prompt = { timer: setInterval(tick, frameMs), done: resolve };
      tick();
    });
  }

  stopPrompt(): void {
    const prompt = this.prompt;
    if (prompt === undefined) return;
    this.prompt = undefined;
    clearInterval(prompt.timer);
    prompt.done();
  }

  close(): void {
    this.closed = true;
    this.stopPrompt();
    this.conference = undefined;
    this.stopTalking();
  }

  private stopTalking(): void {
    if (this.talk.reset()) this.options.onTalking?.(false);
  }

  private fromCaller(data: Buffer, address: string): void {
    if (this.closed) return;
    const packet = parseRtp(data);
    if (packet === undefined || address !== this.offer.address) {
      this.stats.ignored += 1;
      return;
    }
    this.lastHeardAt = performance.now();
    if (packet.payloadType === this.offer.telephoneEvent && this.offer.telephoneEvent !== undefined) {
      const digit = this.dtmf.decode(packet.timestamp, packet.payload);
      if (digit !== undefined) {
        this.stats.digits += 1;
        this.options.onDigit(digit);
      }
      return;
    }
    if (packet.payloadType !== this.offer.payloadType) {
      this.stats.ignored += 1;
      return;
    }
    this.stats.fromCaller += 1;
    if (this.conference === undefined) return;
    // Re-packetize into 20 ms frames whatever ptime the caller sends.
    this.pending =
      this.pending.length === 0 ? Buffer.from(packet.payload) : Buffer.concat([this.pending, packet.payload]);
    while (this.pending.length >= frameBytes) {
      const frame = this.pending.subarray(0, frameBytes);
      this.pending = this.pending.subarray(frameBytes);
      this.sendToConference(
        this.muted ? Buffer.alloc(frameBytes, silenceByte[this.offer.codec]) : Buffer.from(frame),
      );
      if (!this.muted) {
        const talking = this.talk.feed(audioLevelOf(this.offer.codec, frame));
        if (talking !== undefined) this.options.onTalking?.(talking);
      }
    }
    // Never hold more than a few frames: a burst must not become latency.
    if (this.pending.length > frameBytes * 4) this.pending = Buffer.alloc(0);
  }

  private fromConference(data: Buffer, address: string, port: number): void {
    const conference = this.conference;
    if (this.closed || conference === undefined) return;
    if (address !== conference.remote.address || port !== conference.remote.port) {
      this.stats.ignored += 1;
      return;
    }
    const packet = parseRtp(data);
    if (packet === undefined || packet.payloadType !== conference.payloadType) {
      this.stats.ignored += 1;
      return;
    }
    this.stats.fromConference += 1;
    if (isLoud(this.offer.codec, packet.payload)) this.stats.loudFromConference += 1;
    if (this.prompt !== undefined) return;
    this.sendToCaller(packet.payload, false);
  }

  private sendToConference(frame: Buffer): void {
    const conference = this.conference;
    if (conference === undefined) return;
    const packet = this.toConference.next(conference.payloadType, frame, frame.length);
    this.options.conferenceSocket.send(packet, conference.remote.port, conference.remote.address);
    this.stats.toConference += 1;
  }

  private sendToCaller(payload: Buffer, marker: boolean): void {
    if (this.offer.onHold) return;
    const packet = this.toCaller.next(this.offer.payloadType, payload, payload.length, marker);
    this.options.callerSocket.send(packet, this.offer.port, this.offer.address);
    this.stats.toCaller += 1;
  }
}

/** Above -40 dBFS on average, sampling every 8th byte (cheap enough for every packet). */
function isLoud(codec: AudioOffer['codec'], payload: Buffer): boolean {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < payload.length; i += 8, count++) sum += Math.abs(g711ToLinear(codec, payload[i]!));
  return count > 0 && sum / count > 330;
}
