/**
 * The little SDP (RFC 4566, offer/answer RFC 3264) a G.711 phone call needs: read the caller's
 * audio offer, answer with one codec plus telephone-event. Anything else in the offer is ignored.
 */
export type G711 = 'PCMA' | 'PCMU';

export interface AudioOffer {
  /** Where the caller receives RTP. */
  readonly address: string;
  readonly port: number;
  readonly codec: G711;
  readonly payloadType: 0 | 8;
  /** RFC 4733 payload type, when offered. */
  readonly telephoneEvent: number | undefined;
  /** sendonly / inactive / c=0.0.0.0: the caller put us on hold. */
  readonly onHold: boolean;
}

export type OfferResult =
  | { readonly ok: true; readonly offer: AudioOffer }
  | {
      readonly ok: false;
      readonly reason: 'malformed' | 'no_audio' | 'unsupported_codec';
      readonly detail: string;
    };

const staticPayloadTypes: Readonly<Record<number, G711>> = { 0: 'PCMU', 8: 'PCMA' };

export function parseAudioOffer(sdp: string): OfferResult {
  const lines = sdp
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (lines[0] !== 'v=0')
    return { ok: false, reason: 'malformed', detail: 'the body does not start with v=0' };
  let sessionAddress: string | undefined;
  let sessionDirection: string | undefined;
  let media:
    | { port: number; formats: number[]; address?: string; direction?: string; rtpmap: Map<number, string> }
    | undefined;
  let sawAudio = false;
  for (const line of lines) {
    const type = line[0];
    const value = line.slice(2);
    if (line[1] !== '=')
      return { ok: false, reason: 'malformed', detail: `bad line ${JSON.stringify(line.slice(0, 40))}` };
    if (type === 'm') {
      if (media !== undefined) break; // the first audio stream only
      const m = /^audio (\d{1,5}) RTP\/(?:S?AVP|AVPF) ([\d ]+)$/.exec(value);
      if (/^audio /.test(value)) sawAudio = true;
      if (m === null) continue;
      const port = Number(m[1]);
      if (port === 0 || port > 65535) continue;
      media = { port, formats: m[2]!.trim().split(/\s+/).map(Number), rtpmap: new Map() };
    } else if (type === 'c') {
      const c = /^IN IP4 (\d{1,3}(?:\.\d{1,3}){3})(?:\/\d+)?$/.exec(value);
      if (c === null) continue;
      if (media === undefined) sessionAddress = c[1];
      else media.address = c[1]!;
    } else if (type === 'a') {
      const direction = /^(sendrecv|sendonly|recvonly|inactive)$/.exec(value)?.[1];
      if (direction !== undefined) {
        if (media === undefined) sessionDirection = direction;
        else media.direction = direction;
      }
      const rtpmap = /^rtpmap:(\d{1,3}) ([^/\s]+)\/(\d+)/.exec(value);
      if (rtpmap !== null && media !== undefined)
        media.rtpmap.set(Number(rtpmap[1]), `${rtpmap[2]!.toLowerCase()}/${rtpmap[3]}`);
    }
  }
  if (media === undefined) {
    return {
      ok: false,
      reason: sawAudio ? 'unsupported_codec' : 'no_audio',
      detail: 'no usable RTP/AVP audio stream',
    };
  }
  const address = media.address ?? sessionAddress;
  if (address === undefined) return { ok: false, reason: 'malformed', detail: 'no IPv4 connection address' };
  // PCMA first: it is what AudioBridge's plain-RTP participants use by default in Europe.
  const payloadType = ([8, 0] as const).find(
    (pt) =>
      media.formats.includes(pt) &&
      (media.rtpmap.get(pt) ?? `${staticPayloadTypes[pt]!.toLowerCase()}/8000`) ===
        `${staticPayloadTypes[pt]!.toLowerCase()}/8000`,
  );
  if (payloadType === undefined) {
    return {
      ok: false,
      reason: 'unsupported_codec',
      detail: 'only G.711 A-law (8) and µ-law (0) are supported',
    };
  }
  const telephoneEvent = media.formats.find((pt) => media.rtpmap.get(pt) === 'telephone-event/8000');
  const direction = media.direction ?? sessionDirection ?? 'sendrecv';
  return {
    ok: true,
    offer: {
      address,
      port: media.port,
      codec: staticPayloadTypes[payloadType]!,
      payloadType,
      telephoneEvent,
      onHold: direction === 'sendonly' || direction === 'inactive' || address === '0.0.0.0',
    },
  };
}

/** Our answer: one codec, telephone-event when offered, 20 ms; `recvonly` while the caller holds. */
export function buildAudioAnswer(options: {
  readonly address: string;
  readonly port: number;
  readonly offer: AudioOffer;
  readonly sessionId: number;
  readonly version: number;
}): string {
  const { offer } = options;
  const formats = [offer.payloadType, ...(offer.telephoneEvent === undefined ? [] : [offer.telephoneEvent])];
  return [
    'v=0',
    `o=vc-hub ${options.sessionId} ${options.version} IN IP4 ${options.address}`,
    's=vc-hub call-in',
    `c=IN IP4 ${options.address}`,
    't=0 0',
    `m=audio ${options.port} RTP/AVP ${formats.join(' ')}`,
    `a=rtpmap:${offer.payloadType} ${offer.codec}/8000`,
    ...(offer.telephoneEvent === undefined
      ? []
      : [`a=rtpmap:${offer.telephoneEvent} telephone-event/8000`, `a=fmtp:${offer.telephoneEvent} 0-15`]),
    'a=ptime:20',
    offer.onHold ? 'a=recvonly' : 'a=sendrecv',
    '',
  ].join('\r\n');
}
