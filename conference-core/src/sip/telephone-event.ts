/**
 * RFC 4733 telephone-events to digits. A key press is a run of packets with one RTP timestamp;
 * its end is sent three times (end bit set). A digit counts once, on the first packet of a new
 * event (new timestamp): that survives a lost end packet, and a key pressed twice counts twice
 * because the second press starts a new timestamp.
 */
export const dtmfDigits = '0123456789*#ABCD';

export class TelephoneEventDecoder {
  private lastTimestamp: number | undefined;

  /** The digit this packet starts, or undefined (a continuation, an end, or not a DTMF event). */
  decode(timestamp: number, payload: Buffer): string | undefined {
    if (payload.length < 4) return undefined;
    const digit = dtmfDigits[payload[0]!];
    if (digit === undefined) return undefined;
    if (timestamp === this.lastTimestamp) return undefined;
    this.lastTimestamp = timestamp;
    return digit;
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
