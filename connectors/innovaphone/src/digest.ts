import { createHash, timingSafeEqual } from 'node:crypto';

/** The fields of an AppLogin that the digest covers (`pbxObj` is not among them). */
export interface LoginFields {
  readonly app: string;
  readonly domain: string;
  readonly sip: string;
  readonly guid: string;
  readonly dn: string;
  /**
   * The `info` object exactly as serialised for hashing (compact JSON, key order as received), or
   * undefined when the login carried none: then the `:info` segment is left out entirely.
   */
  readonly info?: string | undefined;
}

/**
 * hex(SHA-256(`app:domain:sip:guid:dn[:info]:challenge:password`)), the AppWebsocket login digest
 * (innovaphone SDK, AppWebsocket.htm). Empty fields keep their colons; a missing info drops its own.
 */
export function appLoginDigest(fields: LoginFields, challenge: string, password: string): string {
  const parts = [fields.app, fields.domain, fields.sip, fields.guid, fields.dn];
  if (fields.info !== undefined) parts.push(fields.info);
  parts.push(challenge, password);
  return createHash('sha256').update(parts.join(':'), 'utf8').digest('hex');
}

/**
 * The info object as the PBX hashed it: `JSON.stringify` is the encoding the SDK names (no spaces,
 * no needless escaping), and it keeps the key order of the parsed message, which is the order sent.
 */
export function infoForDigest(info: unknown): string | undefined {
  return info === undefined ? undefined : JSON.stringify(info);
}

/** Compares in constant time; anything that is not 64 hex digits is simply wrong. */
export function digestMatches(expected: string, received: unknown): boolean {
  if (typeof received !== 'string' || !/^[0-9a-fA-F]{64}$/.test(received)) return false;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(received.toLowerCase(), 'hex'));
}
