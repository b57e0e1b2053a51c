import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The push hint an A12-side extension (a Data Services after-save listener) may send. A12 has no
 * outbound webhook of its own, so the format is ours, on the pattern of Stripe and LiveKit:
 *
 *   X-A12-Timestamp: <unix seconds>
 *   X-A12-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 *   body: {"id": "<unique delivery id>", "docRef": "<Model>/<id>"}
 *
 * The timestamp bounds replays to the tolerance window; the delivery id refuses a replay within it.
 */
export const webhookHeaders = { timestamp: 'x-a12-timestamp', signature: 'x-a12-signature' } as const;

export const DEFAULT_TOLERANCE_SECONDS = 300;

export type WebhookVerdict =
  | { ok: true; id: string; docRef: string; timestamp: number }
  | { ok: false; reason: 'missing_signature' | 'bad_signature' | 'stale' | 'malformed' };

export function signWebhook(secret: string, timestamp: number, rawBody: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

/** Checks signature and freshness; the caller refuses an `id` it has seen (replay). */
export function verifyWebhook(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  rawBody: string,
  now: Date,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): WebhookVerdict {
  if (headers.timestamp === undefined || headers.signature === undefined)
    return { ok: false, reason: 'missing_signature' };
  if (!/^\d{1,12}$/.test(headers.timestamp)) return { ok: false, reason: 'malformed' };
  const timestamp = Number(headers.timestamp);
  const expected = Buffer.from(signWebhook(secret, timestamp, rawBody));
  const given = Buffer.from(headers.signature.trim());
  // Checked before freshness so a forger learns nothing from the answer about our clock.
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad_signature' };
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return { ok: false, reason: 'stale' };
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const { id, docRef } = (body ?? {}) as { id?: unknown; docRef?: unknown };
  if (
    typeof id !== 'string' ||
    id.length < 8 ||
    id.length > 200 ||
    typeof docRef !== 'string' ||
    docRef.length > 500
  ) {
    return { ok: false, reason: 'malformed' };
  }
  return { ok: true, id, docRef, timestamp };
}
