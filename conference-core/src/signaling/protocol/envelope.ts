import { z } from 'zod';

/** Version of the wire protocol described in PROTOCOL.md; sent in `join_success`. */
export const protocolVersion = '1.1';

/**
 * The outer shape of every client frame. Only the envelope is checked here; the payload is then
 * validated by the module that owns the namespace (a discriminated union on `action`).
 */
export const clientEnvelopeSchema = z.object({
  namespace: z.string().min(1).max(64),
  payload: z.looseObject({ action: z.string().min(1).max(64) }),
});

/** Every server frame: `{namespace, timestamp, payload: {message, ...}}`. */
export interface ServerFrame<Payload extends { message: string } = { message: string }> {
  readonly namespace: string;
  readonly timestamp: string;
  readonly payload: Payload;
}

/**
 * Error codes of `{message: 'error', error}` events. Protocol-level ones arrive in the `control`
 * namespace; a module's own in that module's namespace.
 */
export const signalingErrorCodes = [
  // protocol level (namespace control)
  'invalid_json',
  'invalid_frame',
  'frame_too_large',
  'unknown_namespace',
  'rate_limited',
  'not_joined',
  // any namespace
  'invalid_command',
  'insufficient_permissions',
  'not_in_room',
  'unknown_participant',
  // control
  'already_joined',
  'not_accepted',
  'invalid_display_name',
  // moderation
  'cannot_kick_owner',
  'cannot_ban_owner',
  'cannot_revoke_owner',
  'cannot_change_guest_role',
  'cannot_target_self',
  // chat
  'chat_disabled',
  'slow_down',
  // timer / polls / breakout
  'timer_running',
  'no_timer',
  'ready_check_disabled',
  'poll_running',
  'no_such_poll',
  'already_voted',
  'invalid_choice',
  'breakout_running',
  'no_breakout',
  'no_such_breakout_room',
  // media
  'media_unavailable',
  'media_failed',
  'not_published',
  'force_muted',
] as const;
export type SignalingErrorCode = (typeof signalingErrorCodes)[number];

export interface ErrorEvent {
  readonly message: 'error';
  readonly error: SignalingErrorCode;
  /** For people and logs; may change. */
  readonly detail?: string;
  /** The action that caused the error, when it was known. */
  readonly action?: string;
}

/** Close codes the server uses (4000-4999 are the application's range). */
export const closeCodes = {
  normal: 1000,
  goingAway: 1001,
  policy: 1008,
  tooLarge: 1009,
  /** Another connection resumed this participant. */
  replaced: 4000,
  kicked: 4001,
  banned: 4002,
  ended: 4003,
  /** The participant left the room (own `leave` action). */
  left: 4004,
  /** Closed by the room for a reason given in the close reason (e.g. time limit, room closed). */
  closed: 4005,
  rateLimited: 4029,
} as const;

/**
 * One frame, serialized and UTF-8 encoded once: a broadcast hands the same bytes to every
 * recipient's socket, so its cost does not grow with the room (no JSON.stringify, no string
 * encoding per recipient). Sockets send it as a text frame (PROTOCOL.md: text frames only).
 */
export function serializeFrame(
  namespace: string,
  payload: { message: string; [field: string]: unknown },
  now = new Date(),
): Buffer {
  return Buffer.from(JSON.stringify({ namespace, timestamp: now.toISOString(), payload }), 'utf8');
}
