import { createHmac } from 'node:crypto';

/**
 * Which hub node a meeting's Janus rooms belong to, and their secret. A node that dies leaves its
 * rooms on Janus; the other nodes find them by the owner tag in the room's description and can
 * destroy them because the secret is derived from the pool's admin key (the same on every node),
 * not drawn at random and lost with the node.
 */
const tagPrefix = 'vc-node:';

export function ownerTag(nodeId: string): string {
  return `${tagPrefix}${nodeId}`;
}

/** The owning node of a room we created, or undefined for any other room on the server. */
export function ownerOf(description: string | undefined): string | undefined {
  return description?.startsWith(tagPrefix) === true ? description.slice(tagPrefix.length) : undefined;
}

/** The room's secret: an HMAC of its id under the admin key, so every node of the pool knows it. */
export function roomSecret(adminKey: string, room: number): string {
  return createHmac('sha256', adminKey).update(`janus-room:${room}`).digest('base64url').slice(0, 24);
}
