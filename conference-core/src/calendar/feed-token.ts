import { createHash, randomBytes } from 'node:crypto';

import { isUuid } from '../storage/repository-support.js';

/**
 * A feed token is `<tenant id>.<secret>`: calendar apps send no bearer token, so the URL itself
 * must name the tenant to look the secret up in. The tenant id is no secret; the 32 random bytes
 * are. Only the SHA-256 of the whole token is stored.
 */
export function newFeedToken(tenantId: string): { token: string; hash: string } {
  const token = `${tenantId}.${randomBytes(32).toString('base64url')}`;
  return { token, hash: feedTokenHash(token) };
}

export function feedTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The tenant and hash of a token as a feed URL carries it; undefined for anything else. */
export function parseFeedToken(token: string): { tenantId: string; hash: string } | undefined {
  const match = /^([0-9a-fA-F-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token);
  const tenantId = match?.[1];
  if (tenantId === undefined || !isUuid(tenantId)) return undefined;
  return { tenantId, hash: feedTokenHash(token) };
}

export function feedUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/v1/users/me/calendar.ics?token=${encodeURIComponent(token)}`;
}
