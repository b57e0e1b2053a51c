import type { Logger } from '../logging/logger.js';
import type { SignalingClient } from '../signaling/client/signaling-client.js';
import type { CallInApi } from './call-in-api.js';
import type { CallMedia } from './call-media.js';
import type { ConferenceAudio, ConferenceAudioLeg } from './conference-audio.js';
import { DialInMenu, directDial, type IvrAction, type PromptName } from './ivr.js';
import { joinMeeting, type MeetingSession } from './meeting-session.js';
import type { PromptSet } from './prompts.js';
import type { EndReason, InboundCall } from './sip-dialog.js';

export interface PhoneCallDeps {
  readonly api: CallInApi;
  readonly audio: ConferenceAudio;
  readonly prompts: PromptSet;
  readonly logger: Logger;
  /** Wrong id/PIN pairs (and floods, and silences) before the polite goodbye. */
  readonly maxAttempts: number;
  /** How long the menu waits for the next key before counting an attempt. */
  readonly digitTimeoutMs: number;
  /** A free local endpoint for the mixer leg; the relay's second socket. */
  readonly conferenceEndpoint: { readonly address: string; readonly port: number };
}

/** Where one call stands; for metrics and tests. */
export type CallStage = 'menu' | 'checking' | 'waiting' | 'in_meeting' | 'ended';

/**
 * One phone call from the answered INVITE to the end: the menu (prompts, digits, the API check),
 * the meeting's signaling as participant kind `phone`, the audio leg to the mixer, in-call keys
 * (`*6` mute), moderation (mute request, kick) and cleanup. Every end path frees everything once.
 */
export class PhoneCall {
  stage: CallStage = 'menu';
  /** Whether the caller made it into the meeting at some point. */
  reachedMeeting = false;
  endReason: EndReason | undefined;
  /** From the last key of the PIN to the audio leg being up (what the caller waits through). */
  setupMs: number | undefined;
  private checkStartedAt = 0;
  private readonly menu: DialInMenu;
  private meeting: MeetingSession | undefined;
  private leg: ConferenceAudioLeg | undefined;
  private idle: NodeJS.Timeout | undefined;
  private inCallKeys = '';
  /** Why we hung up ourselves, when it says more than `hung_up` (e.g. the caller's RTP stopped). */
  private hangUpReason: EndReason | undefined;
  /** Keys typed while the API checks an entry (auto-dialers send everything at once). */
  private typeahead: string[] = [];
  private readonly deps: PhoneCallDeps;
  private readonly call: InboundCall;
  private readonly media: CallMedia;
  private readonly log: Logger;
  private readonly onEnded: (call: PhoneCall) => void;

  constructor(call: InboundCall, media: CallMedia, deps: PhoneCallDeps, onEnded: (call: PhoneCall) => void) {
    this.call = call;
    this.media = media;
    this.deps = deps;
    this.menu = new DialInMenu(deps.maxAttempts);
    this.log = deps.logger.child({ call: call.callId });
    this.onEnded = onEnded;
  }

  get relay(): CallMedia {
    return this.media;
  }

  get callId(): string {
    return this.call.callId;
  }

  /** After the ACK-less answer: greet (or go straight to the check for a direct dial). */
  start(): void {
    this.act(this.menu.start(directDial(this.call.requestUser)));
  }

  /** The relay heard the caller start or stop talking: the meeting shows the phone speaking. */
  talking(talking: boolean): void {
    this.leg?.setSpeaking?.(talking);
  }

  digit(digit: string): void {
    if (this.stage === 'ended') return;
    if (this.stage === 'checking') {
      if (this.typeahead.length < 64) this.typeahead.push(digit);
      return;
    }
    if (this.stage === 'menu') {
      this.armIdle();
      // A key press cuts the prompt short, as people expect from any phone menu.
      this.media.stopPrompt();
      const action = this.menu.digit(digit);
      if (action !== undefined) this.act(action);
      return;
    }
    if (this.stage === 'in_meeting') this.inCallKey(digit);
  }

  /** Ends the call from our side (BYE) and records why. */
  hangUp(reason: EndReason): void {
    if (this.stage === 'ended') return;
    this.hangUpReason = reason;
    this.call.hangup();
  }

  /** The dialog ended (either side); frees the meeting place, the mixer leg and the ports. */
  ended(reason: EndReason): void {
    if (this.stage === 'ended') return;
    this.stage = 'ended';
    this.endReason = this.hangUpReason ?? reason;
    clearTimeout(this.idle);
    this.media.close();
    this.log.info({ reason, stats: this.media.stats }, 'call ended');
    const leg = this.leg;
    const meeting = this.meeting;
    this.leg = undefined;
    this.meeting = undefined;
    void Promise.allSettled([leg?.leave(), meeting?.leave()]).then(() => this.onEnded(this));
  }

  private act(action: IvrAction): void {
    switch (action.kind) {
      case 'prompt':
        this.armIdle();
        void this.media.play(this.deps.prompts.get(action.prompt, this.media.codec));
        return;
      case 'check':
        clearTimeout(this.idle);
        void this.check(action.id, action.pin);
        return;
      case 'goodbye':
        void this.goodbye('goodbye');
        return;
    }
  }

  private armIdle(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      const action = this.menu.timedOut();
      if (action !== undefined) this.act(action);
    }, this.deps.digitTimeoutMs);
    this.idle.unref();
  }

  private async check(id: string, pin: string): Promise<void> {
    this.stage = 'checking';
    this.checkStartedAt = performance.now();
    const number = /^\+?[0-9]{1,20}$/.test(this.call.from.user ?? '') ? this.call.from.user : undefined;
    try {
      const result = await this.deps.api.start({
        id,
        pin,
        // The claimed caller and where the call came from: a spoofed From alone gets its own budget
        // only together with the real source, so it cannot shift failures onto someone else.
        caller: { key: `${this.call.from.user ?? 'anonymous'}@${this.call.source.address}`, number },
      });
      if (this.isEnded()) return;
      if (result.kind !== 'ticket') {
        this.log.info({ result: result.kind }, 'dial-in refused');
        this.stage = 'menu';
        this.act(result.kind === 'rate_limited' ? { kind: 'goodbye' } : this.menu.refused());
        const typed = this.typeahead.splice(0);
        for (const key of typed) this.digit(key);
        return;
      }
      this.typeahead = [];
      this.menu.accepted();
      await this.enter(result.signalingUrl, result.displayName);
    } catch (err) {
      this.log.warn({ err }, 'joining the meeting failed');
      await this.goodbye('unavailable');
    }
  }

  private async enter(signalingUrl: string, displayName: string): Promise<void> {
    this.stage = 'waiting';
    this.meeting = await joinMeeting(signalingUrl, displayName, {
      waiting: () => {
        this.stage = 'waiting';
        this.leg?.leave().catch(() => undefined);
        this.leg = undefined;
        this.media.disconnect();
        void this.media.play(this.deps.prompts.get('waiting', this.media.codec));
      },
      entered: (me, client) => {
        void this.joinAudio(me.room.id, me.id, displayName, client).catch(async (err: unknown) => {
          this.log.warn({ err }, 'joining the meeting audio failed');
          await this.goodbye('unavailable');
        });
      },
      muteRequested: () => this.setMuted(true),
      ended: (reason) => {
        this.log.info({ reason }, 'removed from the meeting');
        this.meeting = undefined;
        if (reason === 'kicked') this.call.hangup();
        else void this.goodbye('goodbye');
      },
    });
    if (this.isEnded()) await this.meeting.leave();
  }

  private async joinAudio(
    roomId: string,
    participantId: string,
    displayName: string,
    signaling: SignalingClient,
  ): Promise<void> {
    if (this.stage === 'ended') return;
    const leg = await this.deps.audio.join(
      { roomId, participantId, displayName, codec: this.media.codec, signaling },
      this.deps.conferenceEndpoint,
      {
        lost: (reason) => {
          // The mixer went away (Janus restart): join again while the call lasts.
          this.log.warn({ reason }, 'meeting audio lost; joining again');
          this.media.disconnect();
          this.leg = undefined;
          setTimeout(() => {
            if (this.stage === 'in_meeting')
              void this.joinAudio(roomId, participantId, displayName, signaling).catch(() =>
                this.goodbye('unavailable'),
              );
          }, 1000).unref();
        },
      },
    );
    if (this.isEnded()) {
      await leg.leave();
      return;
    }
    this.leg = leg;
    this.stage = 'in_meeting';
    this.reachedMeeting = true;
    this.setupMs ??= performance.now() - this.checkStartedAt;
    this.media.connect(leg.remote, leg.payloadType);
    void this.media.play(this.deps.prompts.get('joined', this.media.codec));
    this.log.info({ room: roomId, participant: participantId }, 'phone joined the meeting');
  }

  /** Read through a method: awaits in between may have ended the call (narrowing does not know). */
  private isEnded(): boolean {
    return this.stage === 'ended';
  }

  /** `*6` toggles the caller's microphone; other keys in the meeting are ignored. */
  private inCallKey(digit: string): void {
    this.inCallKeys = (this.inCallKeys + digit).slice(-2);
    if (this.inCallKeys === '*6') {
      this.inCallKeys = '';
      this.setMuted(!this.media.isMuted);
    }
  }

  private setMuted(muted: boolean): void {
    if (this.media.isMuted === muted) return;
    this.media.setMuted(muted);
    this.leg?.setMuted?.(muted);
    void this.media.play(this.deps.prompts.get(muted ? 'muted' : 'unmuted', this.media.codec));
  }

  private async goodbye(prompt: PromptName): Promise<void> {
    if (this.stage === 'ended') return;
    clearTimeout(this.idle);
    await this.media.play(this.deps.prompts.get(prompt, this.media.codec));
    this.call.hangup();
  }
}
