/**
 * RFC 4733 telephone-events to digits. A key press is a run of packets with one RTP timestamp;
 * its end is sent three times (end bit set). A digit counts once, on the first packet of a new
 * event: a new timestamp, another event code, or a start after the previous event ended (some
 * senders, sipp's recorded DTMF among them, reuse one timestamp for every press of a key). That
 * survives a lost end packet, and a key pressed twice counts twice.
 */
export const dtmfDigits = '0123456789*#ABCD';

export class TelephoneEventDecoder {
  private last: { timestamp: number; event: number; ended: boolean } | undefined;

  /** The digit this packet starts, or undefined (a continuation, an end, or not a DTMF event). */
  decode(timestamp: number, payload: Buffer): string | undefined {
    if (payload.length < 4) return undefined;
    const event = payload[0]!;
    const digit = dtmfDigits[event];
    if (digit === undefined) return undefined;
    const end = (payload[1]! & 0x80) !== 0;
    const last = this.last;
    const isNew =
      last === undefined || last.timestamp !== timestamp || last.event !== event || (last.ended && !end);
    this.last = { timestamp, event, ended: end || (!isNew && last.ended) };
    return isNew ? digit : undefined;
  }
}

/** A SIP INFO body (`application/dtmf-relay` `Signal=5` or `application/dtmf` `5`) to a digit. */
export function digitFromInfo(contentType: string | undefined, body: string): string | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  let raw: string | undefined;
  if (type === 'application/dtmf-relay') raw = /^\s*signal\s*=\s*(\S)/im.exec(body)?.[1];
  else if (type === 'application/dtmf') raw = body.trim();
  if (raw === undefined || raw.length !== 1) return undefined;
  const digit = raw.toUpperCase();
  return dtmfDigits.includes(digit) ? digit : undefined;
}
