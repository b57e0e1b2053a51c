import type { Logger } from '../logging/logger.js';
import type { CallInApi } from './call-in-api.js';
import { CallMedia, type RelayStats } from './call-media.js';
import type { ConferenceAudio } from './conference-audio.js';
import { PhoneCall } from './phone-call.js';
import { RtpPortPool } from './port-pool.js';
import { loadPrompts, type PromptLanguage } from './prompts.js';
import { buildAudioAnswer, type AudioOffer } from './sdp.js';
import { startSipEdge, type CallAnswer, type SipEdge } from './sip-edge.js';
import { startRegistration, type Registration, type RegistrationOptions } from './registration.js';

export interface SipGatewayOptions {
  readonly sip: {
    readonly address: string;
    readonly port: number;
    /** How callers and the registrar reach us (Via, Contact); also the RTP address in our SDP. */
    readonly publicAddress: string;
    readonly udp: boolean;
    readonly tcp: boolean;
  };
  /** RTP sockets bind here, from this port range (two ports per call: caller and mixer). */
  readonly rtp: { readonly address: string; readonly minPort: number; readonly maxPort: number };
  readonly language: PromptLanguage;
  readonly maxAttempts: number;
  readonly maxCalls: number;
  readonly digitTimeoutMs: number;
  /**
   * A call whose caller sends no RTP for this long (not on hold) is dead: a phone that lost its
   * network sends no BYE, and without session timers nothing else would ever end it. 0: never.
   */
  readonly rtpTimeoutMs: number;
  readonly invitesPerSource: { readonly burst: number; readonly perSecond: number };
  readonly api: CallInApi;
  readonly audio: ConferenceAudio;
  readonly registration?:
    Omit<RegistrationOptions, 'stack' | 'logger' | 'contactHost' | 'contactPort'> | undefined;
  readonly logger: Logger;
}

/** A call that is over, as kept for inspection (the last 50). */
export interface FinishedCall {
  readonly callId: string;
  readonly reason: string;
  readonly reachedMeeting: boolean;
  /** PIN entered to audio up, in ms (waiting-room time included); undefined if never in the meeting. */
  readonly setupMs: number | undefined;
  readonly stats: RelayStats;
}

export interface SipGateway {
  readonly finished: readonly FinishedCall[];
  /** Calls from INVITE to hang-up. */
  readonly calls: ReadonlySet<PhoneCall>;
  /** RTP ports held right now (two per call). */
  readonly rtpPortsInUse: number;
  readonly registration: Registration | undefined;
  close(): Promise<void>;
}

/**
 * The `sip` role: the SIP edge, a relay and a menu per call, the way into the meeting through the
 * core API and signaling, and the audio through the `ConferenceAudio` port.
 */
export async function startSipGateway(options: SipGatewayOptions): Promise<SipGateway> {
  const prompts = loadPrompts(options.language);
  const pool = new RtpPortPool(options.rtp.address, options.rtp.minPort, options.rtp.maxPort);
  const calls = new Set<PhoneCall>();
  const finished: FinishedCall[] = [];
  const logger = options.logger;
  let sessionVersion = 1;

  async function answer(
    call: Parameters<Parameters<typeof startSipEdge>[0]['onInvite']>[0],
  ): Promise<CallAnswer> {
    if (calls.size >= options.maxCalls) return { ok: false, status: 486, reason: 'Busy Here' };
    let callerSide: Awaited<ReturnType<RtpPortPool['bind']>>;
    let mixerSide: Awaited<ReturnType<RtpPortPool['bind']>>;
    try {
      callerSide = await pool.bind();
      try {
        mixerSide = await pool.bind();
      } catch (err) {
        callerSide.release();
        throw err;
      }
    } catch (err) {
      logger.warn({ err }, 'no RTP port for a call');
      return { ok: false, status: 503, reason: 'Service Unavailable' };
    }
    const media = new CallMedia({
      callerSocket: callerSide.socket,
      conferenceSocket: mixerSide.socket,
      offer: call.offer,
      onDigit: (digit) => phone.digit(digit),
      onTalking: (talking) => phone.talking(talking),
    });
    const phone = new PhoneCall(
      call,
      media,
      {
        api: options.api,
        audio: options.audio,
        prompts,
        logger,
        maxAttempts: options.maxAttempts,
        digitTimeoutMs: options.digitTimeoutMs,
        conferenceEndpoint: { address: options.sip.publicAddress, port: mixerSide.port },
      },
      (ended) => {
        calls.delete(ended);
        finished.push({
          callId: ended.callId,
          reason: ended.endReason ?? 'hung_up',
          reachedMeeting: ended.reachedMeeting,
          setupMs: ended.setupMs,
          stats: { ...ended.relay.stats },
        });
        if (finished.length > 50) finished.shift();
        callerSide.release();
        mixerSide.release();
      },
    );
    calls.add(phone);
    const sessionId = Date.now();
    const answerFor = (offer: AudioOffer) =>
      buildAudioAnswer({
        address: options.sip.publicAddress,
        port: callerSide.port,
        offer,
        sessionId,
        version: sessionVersion++,
      });
    logger.info(
      { call: call.callId, from: call.from.user, source: call.source.address, codec: call.offer.codec },
      'call answered',
    );
    // The menu starts once the answer is out (the caller's RTP may only start after the ACK).
    setImmediate(() => phone.start());
    return {
      ok: true,
      sdp: answerFor(call.offer),
      answerFor,
      events: {
        offerChanged: (offer) => media.update(offer),
        digit: (digit) => phone.digit(digit),
        ended: (reason) => phone.ended(reason),
      },
    };
  }

  // One sweep for all calls; a dead call is found within the timeout plus a second at most.
  const sweep =
    options.rtpTimeoutMs > 0
      ? setInterval(
          () => {
            for (const call of calls) {
              if (call.relay.silentForMs > options.rtpTimeoutMs) {
                logger.info({ call: call.callId }, 'no RTP from the caller; hanging up');
                call.hangUp('rtp_timeout');
              }
            }
          },
          Math.min(1000, options.rtpTimeoutMs / 2),
        ).unref()
      : undefined;

  const edge: SipEdge = await startSipEdge({
    ...options.sip,
    logger: logger.child({ component: 'sip-edge' }),
    invitesPerSource: options.invitesPerSource,
    onInvite: answer,
  });
  const registration =
    options.registration === undefined
      ? undefined
      : startRegistration({
          ...options.registration,
          stack: edge.stack,
          contactHost: options.sip.publicAddress,
          contactPort: options.sip.port,
          logger: logger.child({ component: 'sip-registration' }),
        });
  return {
    calls,
    finished,
    get rtpPortsInUse() {
      return pool.used;
    },
    registration,
    async close() {
      clearInterval(sweep);
      await registration?.stop();
      await edge.close();
      for (const call of calls) call.ended('shutdown');
    },
  };
}
