import { randomBytes } from 'node:crypto';

import sip, { type SipMessage, type SipRemote } from 'sip';

import type { AudioOffer } from './sdp.js';
import type { GatewaySipStack } from './sip-transport.js';

/** What the gateway does with an answered call; the edge calls these for in-dialog events. */
export interface CallEvents {
  /** A re-INVITE or UPDATE brought a new offer (hold, resume, new address). */
  offerChanged(offer: AudioOffer): void;
  /** A DTMF digit sent by SIP INFO. */
  digit(digit: string): void;
  /** The call is over (BYE either way, CANCEL, no ACK, session expired); called once. */
  ended(reason: EndReason): void;
}

export type EndReason =
  'caller_hung_up' | 'hung_up' | 'cancelled' | 'no_ack' | 'session_expired' | 'rtp_timeout' | 'shutdown';

/** An incoming call as the gateway sees it. */
export interface InboundCall {
  readonly callId: string;
  /** The SIP From: user part and display name, as the caller (or its provider) claims. */
  readonly from: {
    readonly user: string | undefined;
    readonly displayName: string | undefined;
    readonly uri: string;
  };
  /** The Request-URI user: the number dialed, or a direct-dial conference id. */
  readonly requestUser: string | undefined;
  /** Where the INVITE came from (the provider or PBX for provider calls). */
  readonly source: { readonly address: string; readonly port: number; readonly protocol: string };
  readonly offer: AudioOffer;
  /** Ends the call from our side (BYE); safe to call more than once. */
  hangup(): void;
}

const t1 = 500;
const t2 = 4000;

/**
 * One UAS dialog: the INVITE we answered, our tag, the caller's target and our CSeq for the BYE
 * we may send, the 2xx retransmissions until ACK (RFC 3261 13.3.1.4: the UAS core retransmits,
 * not the transaction) and the session timer (RFC 4028, the caller refreshes).
 */
export class SipDialog {
  readonly localTag = randomBytes(6).toString('hex');
  events: CallEvents | undefined;
  state: 'early' | 'confirmed' | 'ended' = 'early';
  private localCseq = 1;
  private okResponse: SipMessage | undefined;
  private retransmit: NodeJS.Timeout | undefined;
  private sessionTimer: NodeJS.Timeout | undefined;
  private readonly stack: GatewaySipStack;
  readonly invite: SipMessage;
  readonly remote: SipRemote;
  private readonly onEnd: () => void;

  constructor(stack: GatewaySipStack, invite: SipMessage, remote: SipRemote, onEnd: () => void) {
    this.stack = stack;
    this.invite = invite;
    this.remote = remote;
    this.onEnd = onEnd;
  }

  /** Sends the 200 OK (retransmitted over UDP until the ACK comes). */
  accept(response: SipMessage, sessionExpiresSec: number | undefined): void {
    this.okResponse = response;
    this.stack.send(response);
    if (this.remote.protocol.toUpperCase() === 'UDP') {
      let interval = t1;
      let waited = 0;
      const again = () => {
        waited += interval;
        if (waited >= 64 * t1) {
          this.end('no_ack', true);
          return;
        }
        if (this.okResponse !== undefined) this.stack.send(this.okResponse);
        interval = Math.min(interval * 2, t2);
        this.retransmit = setTimeout(again, interval);
      };
      this.retransmit = setTimeout(again, interval);
    } else {
      this.state = 'confirmed';
    }
    this.refreshSession(sessionExpiresSec);
  }

  acknowledged(): void {
    clearTimeout(this.retransmit);
    this.retransmit = undefined;
    if (this.state === 'early') this.state = 'confirmed';
  }

  /** A refresh (re-INVITE, UPDATE) restarts the session timer. */
  refreshSession(sessionExpiresSec: number | undefined): void {
    clearTimeout(this.sessionTimer);
    if (sessionExpiresSec === undefined) return;
    // RFC 4028 10: without a refresh by then, the other side sends BYE a little before expiry.
    const ms = sessionExpiresSec * 1000 - Math.min(32_000, (sessionExpiresSec * 1000) / 3);
    this.sessionTimer = setTimeout(() => this.end('session_expired', true), Math.max(ms, 1000));
    this.sessionTimer.unref();
  }

  /** Ends the dialog; `sendBye` when we hang up (not when the caller did). */
  end(reason: EndReason, sendBye: boolean): void {
    if (this.state === 'ended') return;
    const wasEstablished = this.okResponse !== undefined;
    this.state = 'ended';
    clearTimeout(this.retransmit);
    clearTimeout(this.sessionTimer);
    if (sendBye && wasEstablished) this.sendBye();
    this.onEnd();
    this.events?.ended(reason);
  }

  private sendBye(): void {
    const invite = this.invite;
    const contact = Array.isArray(invite.headers.contact) ? invite.headers.contact[0] : undefined;
    const recordRoute = invite.headers['record-route'] ?? [];
    const to = invite.headers.to!;
    const bye: SipMessage = {
      method: 'BYE',
      uri: contact?.uri ?? invite.headers.from!.uri,
      headers: {
        via: [],
        to: invite.headers.from!,
        from: { ...to, params: { ...to.params, tag: this.localTag } },
        'call-id': invite.headers['call-id']!,
        cseq: { seq: this.localCseq++, method: 'BYE' },
        'max-forwards': '70',
        ...(recordRoute.length > 0 ? { route: [...recordRoute] } : {}),
      },
    };
    // UDP: to the caller's Contact (RFC 3261). TCP: back on the caller's connection.
    const viaConnection = this.remote.protocol.toUpperCase() === 'UDP' ? undefined : this.remote;
    this.stack.send(bye, () => undefined, viaConnection);
  }
}

/** The user part of a SIP URI, or undefined. */
export function uriUser(uri: string | undefined): string | undefined {
  try {
    return sip.parseUri(uri)?.user ?? undefined;
  } catch {
    return undefined;
  }
}
