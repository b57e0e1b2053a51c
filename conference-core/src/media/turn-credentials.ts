import { createHmac } from 'node:crypto';

import type { IceServer } from './media-service.js';

export interface IceConfig {
  readonly stunUrls: readonly string[];
  readonly turnUrls: readonly string[];
  /** coturn `static-auth-secret` (`use-auth-secret`); without it TURN is not offered. */
  readonly turnSecret?: string | undefined;
  readonly turnTtlSeconds: number;
}

/**
 * TURN REST credentials (the scheme coturn's `use-auth-secret` checks): the username is
 * `<unix expiry>:<participant>`, the password base64(HMAC-SHA1(secret, username)). Nothing is
 * stored; coturn refuses the credentials once the expiry is past.
 */
export function turnCredentials(
  secret: string,
  participantId: string,
  ttlSeconds: number,
  now: Date = new Date(),
): { username: string; credential: string } {
  const expiry = Math.floor(now.getTime() / 1000) + ttlSeconds;
  const username = `${expiry}:${participantId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

/** The `iceServers` a participant gets at join. */
export function iceServersFor(config: IceConfig, participantId: string, now?: Date): IceServer[] {
  const servers: IceServer[] = [];
  if (config.stunUrls.length > 0) servers.push({ urls: config.stunUrls });
  if (config.turnUrls.length > 0 && config.turnSecret !== undefined) {
    servers.push({
      urls: config.turnUrls,
      ...turnCredentials(config.turnSecret, participantId, config.turnTtlSeconds, now),
    });
  }
  return servers;
}
