import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

import sip, { type SipMessage, type SipRemote, type SipStack } from 'sip';

import type { Logger } from '../logging/logger.js';
import { TokenBucket } from '../signaling/transport/token-bucket.js';
import { parseAudioOffer, type AudioOffer } from './sdp.js';
import { SipDialog, uriUser, type CallEvents, type InboundCall } from './sip-dialog.js';
import { createSipStack } from './sip-transport.js';
import { digitFromInfo } from './telephone-event.js';

/** What the gateway answers to a new call: our RTP port and SDP, or a refusal. */
export type CallAnswer =
  | {
      readonly ok: true;
      readonly sdp: string;
      readonly events: CallEvents;
      readonly answerFor: (offer: AudioOffer) => string;
    }
  | { readonly ok: false; readonly status: 480 | 486 | 503; readonly reason: string };

export interface SipEdgeOptions {
  /** The address the SIP sockets bind to. */
  readonly address: string;
  readonly port: number;
  /** The address callers reach us at (Via, Contact). */
  readonly publicAddress: string;
  readonly udp: boolean;
  readonly tcp: boolean;
  readonly logger: Logger;
  /** New calls per source address: the burst, and the refill per second. */
  readonly invitesPerSource: { readonly burst: number; readonly perSecond: number };
  readonly onInvite: (call: InboundCall) => Promise<CallAnswer>;
}

export interface SipEdge {
  /** Dialogs alive (answered or being answered). */
  readonly calls: number;
  /** The SIP stack, shared with the registration client. */
  readonly stack: SipStack;
  close(): Promise<void>;
}

const minSessionExpiresSec = 90;
const allow = 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE';

/**
 * The SIP user agent server on UDP and TCP (npm `sip` for parsing, transport and transactions;
 * dialogs are ours). New INVITEs are rate limited per source address, checked for a G.711 offer
 * (488 otherwise) and handed to the gateway; in-dialog requests go to their dialog.
 */
export async function startSipEdge(options: SipEdgeOptions): Promise<SipEdge> {
  await assertPortsFree(options);
  const dialogs = new Map<string, SipDialog>();
  const buckets = new Map<string, { bucket: TokenBucket; lastSeen: number }>();
  const log = options.logger;
  const contact = (protocol: string) => [
    {
      uri: `sip:vc-hub@${options.publicAddress}:${options.port}${protocol === 'TCP' ? ';transport=tcp' : ''}`,
      params: {},
    },
  ];
  const reply = (
    rq: SipMessage,
    status: number,
    reason: string,
    headers: SipMessage['headers'] = {},
    content?: string,
  ) =>
    stack.send(
      sip.makeResponse(rq, status, reason, { headers, ...(content === undefined ? {} : { content }) }),
    );

  const stack = createSipStack(
    {
      address: options.address,
      port: options.port,
      publicAddress: options.publicAddress,
      udp: options.udp,
      tcp: options.tcp,
      maxBytesHeaders: 16 * 1024,
      maxContentLength: 16 * 1024,
      logger: { error: (err) => log.warn({ err }, 'SIP stack error') },
    },
    (rq, remote) => {
      try {
        handle(rq, remote);
      } catch (err) {
        log.error({ err, method: rq.method }, 'SIP request handling failed');
        if (rq.method !== 'ACK') reply(rq, 500, 'Server Internal Error');
      }
    },
  );

  function handle(rq: SipMessage, remote: SipRemote): void {
    const callId = rq.headers['call-id'];
    if (
      rq.method === undefined ||
      callId === undefined ||
      rq.headers.from === undefined ||
      rq.headers.to === undefined
    )
      return;
    const dialog = dialogs.get(callId);
    const toTag = rq.headers.to.params['tag'];
    if (rq.method === 'INVITE' && toTag === undefined) {
      if (dialog !== undefined) return; // a retransmission of an INVITE we are answering
      newCall(rq, remote);
      return;
    }
    if (rq.method === 'CANCEL') {
      if (dialog === undefined) return reply(rq, 481, 'Call/Transaction Does Not Exist');
      reply(rq, 200, 'OK');
      if (dialog.state === 'early' && !dialogAnswered.has(dialog)) {
        reply(dialog.invite, 487, 'Request Terminated');
        dialog.end('cancelled', false);
      }
      return;
    }
    if (rq.method === 'OPTIONS' && toTag === undefined) {
      return reply(rq, 200, 'OK', { allow, accept: 'application/sdp', supported: 'timer' });
    }
    if (dialog === undefined || (toTag !== undefined && toTag !== dialog.localTag)) {
      if (rq.method !== 'ACK')
        reply(
          rq,
          rq.method === 'REGISTER' ? 405 : 481,
          rq.method === 'REGISTER' ? 'Method Not Allowed' : 'Call/Transaction Does Not Exist',
        );
      return;
    }
    switch (rq.method) {
      case 'ACK':
        dialog.acknowledged();
        return;
      case 'BYE':
        reply(rq, 200, 'OK');
        dialog.end('caller_hung_up', false);
        return;
      case 'INVITE':
      case 'UPDATE':
        return refresh(dialog, rq);
      case 'INFO': {
        const digit = digitFromInfo(rq.headers['content-type'], rq.content ?? '');
        if (digit === undefined && (rq.content ?? '').length > 0)
          return reply(rq, 415, 'Unsupported Media Type');
        reply(rq, 200, 'OK');
        if (digit !== undefined) dialog.events?.digit(digit);
        return;
      }
      case 'OPTIONS':
        return reply(rq, 200, 'OK', { allow });
      default:
        return reply(rq, 501, 'Not Implemented', { allow });
    }
  }

  const dialogAnswered = new WeakSet<SipDialog>();
  const answers = new WeakMap<
    SipDialog,
    { answerFor: (offer: AudioOffer) => string; sessionExpires: number | undefined }
  >();

  function newCall(rq: SipMessage, remote: SipRemote): void {
    const now = Date.now();
    let entry = buckets.get(remote.address);
    if (entry === undefined) {
      entry = {
        bucket: new TokenBucket(options.invitesPerSource.burst, options.invitesPerSource.perSecond, now),
        lastSeen: now,
      };
      buckets.set(remote.address, entry);
    }
    entry.lastSeen = now;
    if (!entry.bucket.take(now)) {
      log.warn({ source: remote.address }, 'SIP INVITE rate limit hit');
      return reply(rq, 503, 'Service Unavailable', { 'retry-after': '10' });
    }
    const expires = sessionExpires(rq);
    if (expires !== undefined && expires < minSessionExpiresSec) {
      return reply(rq, 422, 'Session Interval Too Small', { 'min-se': String(minSessionExpiresSec) });
    }
    const contentType = (rq.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (contentType !== 'application/sdp' || rq.content === undefined) {
      // We never send the offer ourselves (a delayed-offer INVITE): the relay needs the caller's codec first.
      return reply(rq, 488, 'Not Acceptable Here', { warning: '399 vc-hub "an SDP offer is required"' });
    }
    const parsed = parseAudioOffer(rq.content);
    if (!parsed.ok) {
      return reply(
        rq,
        parsed.reason === 'malformed' ? 400 : 488,
        parsed.reason === 'malformed' ? 'Bad Request' : 'Not Acceptable Here',
        {
          warning: `399 vc-hub "${parsed.detail.replace(/"/g, "'")}"`,
        },
      );
    }
    const callId = rq.headers['call-id']!;
    const dialog = new SipDialog(stack, rq, remote, () => dialogs.delete(callId));
    dialogs.set(callId, dialog);
    reply(rq, 100, 'Trying');
    const from = rq.headers.from!;
    const call: InboundCall = {
      callId,
      from: {
        user: uriUser(from.uri),
        displayName: from.name?.replace(/^"|"$/g, '') || undefined,
        uri: from.uri,
      },
      requestUser: uriUser(rq.uri),
      source: { address: remote.address, port: remote.port, protocol: remote.protocol },
      offer: parsed.offer,
      hangup: () => {
        if (!dialogAnswered.has(dialog) && dialog.state === 'early') {
          reply(rq, 480, 'Temporarily Unavailable');
          dialog.end('hung_up', false);
        } else dialog.end('hung_up', true);
      },
    };
    options.onInvite(call).then(
      (answer) => {
        if (dialog.state === 'ended') {
          if (answer.ok) answer.events.ended('cancelled');
          return;
        }
        if (!answer.ok) {
          reply(rq, answer.status, answer.reason);
          dialog.end('hung_up', false);
          return;
        }
        dialog.events = answer.events;
        dialogAnswered.add(dialog);
        answers.set(dialog, { answerFor: answer.answerFor, sessionExpires: expires });
        dialog.accept(okResponse(rq, dialog, answer.sdp, expires), expires);
      },
      (err: unknown) => {
        log.error({ err, call: callId }, 'answering a call failed');
        if (dialog.state !== 'ended') {
          reply(rq, 500, 'Server Internal Error');
          dialog.end('hung_up', false);
        }
      },
    );
  }

  function okResponse(
    rq: SipMessage,
    dialog: SipDialog,
    sdp: string,
    expires: number | undefined,
  ): SipMessage {
    const to = rq.headers.to!;
    const timer = expires !== undefined;
    const supportsTimer = /\btimer\b/i.test(headerText(rq.headers['supported']));
    return sip.makeResponse(rq, 200, 'OK', {
      headers: {
        to: { ...to, params: { ...to.params, tag: dialog.localTag } },
        contact: contact(dialog.remote.protocol.toUpperCase()),
        'content-type': 'application/sdp',
        allow,
        supported: 'timer',
        ...(timer ? { 'session-expires': `${expires};refresher=uac` } : {}),
        ...(timer && supportsTimer ? { require: 'timer' } : {}),
        ...(rq.headers['record-route'] === undefined ? {} : { 'record-route': rq.headers['record-route'] }),
      },
      content: sdp,
    });
  }

  /** A re-INVITE or UPDATE: a new offer (hold, resume) and/or a session refresh. */
  function refresh(dialog: SipDialog, rq: SipMessage): void {
    const known = answers.get(dialog);
    if (known === undefined) return reply(rq, 491, 'Request Pending');
    const expires = sessionExpires(rq) ?? known.sessionExpires;
    let sdp: string | undefined;
    if (rq.content !== undefined && rq.content.length > 0) {
      const parsed = parseAudioOffer(rq.content);
      if (!parsed.ok)
        return reply(rq, 488, 'Not Acceptable Here', {
          warning: `399 vc-hub "${parsed.detail.replace(/"/g, "'")}"`,
        });
      dialog.events?.offerChanged(parsed.offer);
      sdp = known.answerFor(parsed.offer);
    }
    dialog.refreshSession(expires);
    const to = rq.headers.to!;
    stack.send(
      sip.makeResponse(rq, 200, 'OK', {
        headers: {
          to,
          contact: contact(dialog.remote.protocol.toUpperCase()),
          supported: 'timer',
          ...(expires === undefined ? {} : { 'session-expires': `${expires};refresher=uac` }),
          ...(sdp === undefined ? {} : { 'content-type': 'application/sdp' }),
        },
        ...(sdp === undefined ? {} : { content: sdp }),
      }),
    );
  }

  const sweeper = setInterval(() => {
    // A source quiet for a few minutes has a full bucket again: forget it.
    const stale = Date.now() - 300_000;
    for (const [source, entry] of buckets) if (entry.lastSeen < stale) buckets.delete(source);
  }, 60_000);
  sweeper.unref();

  log.info(
    { address: options.address, port: options.port, udp: options.udp, tcp: options.tcp },
    'SIP edge listening',
  );
  return {
    get calls() {
      return dialogs.size;
    },
    stack,
    close() {
      clearInterval(sweeper);
      for (const dialog of [...dialogs.values()]) dialog.end('shutdown', true);
      // Give the BYEs a moment to leave before the sockets close.
      return new Promise((resolve) =>
        setTimeout(
          () => {
            stack.destroy();
            resolve();
          },
          dialogs.size === 0 ? 0 : 200,
        ),
      );
    },
  };
}

function headerText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Session-Expires (or its compact form x) in seconds, when the request asks for a session timer. */
function sessionExpires(rq: SipMessage): number | undefined {
  const raw = rq.headers['session-expires'] ?? rq.headers['x'];
  if (typeof raw !== 'string') return undefined;
  const seconds = Number(/^\s*(\d{1,9})/.exec(raw)?.[1]);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

/** The npm `sip` stack's sockets emit unhandled errors when a port is taken: find out first. */
async function assertPortsFree(
  options: Pick<SipEdgeOptions, 'address' | 'port' | 'udp' | 'tcp'>,
): Promise<void> {
  const problems: string[] = [];
  if (options.udp) {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => {
      socket.once('error', (err) => {
        problems.push(`UDP: ${err.message}`);
        resolve();
      });
      socket.bind(options.port, options.address, () => resolve());
    });
    socket.close();
  }
  if (options.tcp) {
    const server = createServer();
    await new Promise<void>((resolve) => {
      server.once('error', (err) => {
        problems.push(`TCP: ${err.message}`);
        resolve();
      });
      server.listen(options.port, options.address, () => server.close(() => resolve()));
    });
  }
  if (problems.length > 0) {
    throw new Error(`SIP port ${options.address}:${options.port} is not free (${problems.join('; ')})`);
  }
}
