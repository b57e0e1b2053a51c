import { timingSafeEqual } from 'node:crypto';

import { z } from 'zod';

import type { JsonValue } from '../../../json.js';
import type { DialIn } from '../../../storage/dial-in-repository.js';
import { createRoomService, RoomError, type RoomErrorKind, type RoomService } from '../../../rooms/index.js';
import type { GuestLink } from '../../../storage/guest-link-repository.js';
import type { Room } from '../../../storage/room-repository.js';
import { ApiProblem, validationProblem } from '../../problem.js';
import type { ApiDeps } from '../deps.js';

export const guestAccessSchema = z
  .enum(['disabled', 'waiting_room', 'direct_access'])
  .describe('Whether guest links admit guests: not at all, through the waiting room, or directly');

/** A room password as people type it. */
export const roomPasswordSchema = z
  .string()
  .min(1)
  .max(100)
  .describe('The password everyone but the owner types to enter');

export const roomSchema = z.object({
  id: z.uuid().describe('The room id'),
  owner_id: z.uuid().describe('The user who owns (and moderates) the room'),
  password: z
    .string()
    .nullable()
    .optional()
    .describe('The room password, shown to the owner only; null: none'),
  waiting_room: z.boolean().describe('Whether everyone but the owner waits until a moderator admits them'),
  guest_access: guestAccessSchema,
  created_at: z.iso.datetime().describe('When the room was created'),
  updated_at: z.iso.datetime().describe('When the room last changed'),
});

export function roomJson(room: Room, viewerId: string): z.infer<typeof roomSchema> {
  return {
    id: room.id,
    owner_id: room.ownerId,
    ...(room.ownerId === viewerId ? { password: room.password } : {}),
    waiting_room: room.waitingRoom,
    guest_access: room.guestAccess,
    created_at: room.createdAt.toISOString(),
    updated_at: room.updatedAt.toISOString(),
  };
}

const roomIdParam = z.uuid().describe('The room id');
export const roomParams = z.object({ roomId: roomIdParam });
export const inviteParams = z.object({
  roomId: roomIdParam,
  inviteCode: z.uuid().describe('The code of a guest link of the room'),
});

export const guestLinkSchema = z.object({
  invite_code: z.uuid().describe('The code guests send as `Authorization: InviteCode <code>`'),
  room_id: z.uuid().describe('The room the link opens'),
  created_by: z.uuid().describe('Who made the link'),
  expiration: z.iso.datetime().nullable().describe('When the link stops admitting guests; null: never'),
  active: z.boolean().describe('Whether the link admits guests (until it expires)'),
  created_at: z.iso.datetime().describe('When the link was made'),
  updated_at: z.iso.datetime().describe('When the link last changed'),
});

export function guestLinkJson(link: GuestLink): z.infer<typeof guestLinkSchema> {
  return {
    invite_code: link.code,
    room_id: link.roomId,
    created_by: link.createdBy,
    expiration: link.expiresAt?.toISOString() ?? null,
    active: link.active,
    created_at: link.createdAt.toISOString(),
    updated_at: link.updatedAt.toISOString(),
  };
}

export const dialInSchema = z.object({
  sip_id: z
    .string()
    .regex(/^[0-9]{10}$/)
    .describe('The conference id callers type; never changes once assigned'),
  password: z
    .string()
    .regex(/^[0-9]{4,12}$/)
    .describe('The PIN callers type after the conference id'),
  lobby: z.boolean().describe('Whether callers wait in the waiting room until admitted'),
  number: z
    .string()
    .nullable()
    .describe('The number to dial (configured per deployment); null when the deployment has none'),
});

export function dialInJson(dialIn: DialIn, number: string | null): z.infer<typeof dialInSchema> {
  return { sip_id: dialIn.conferenceId, password: dialIn.pin, lobby: dialIn.lobby, number };
}

export const startResponseSchema = z.object({
  ticket: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/)
    .describe('A single-use signaling ticket'),
  signaling_url: z.string().describe('The WebSocket URL to open (it ends with the ticket)'),
  expires_in: z.literal(30).describe('Seconds the ticket stays valid'),
});

export function notFound(title = 'No such room'): ApiProblem {
  return new ApiProblem({ status: 404, code: 'not_found', title });
}

const ticketTtlMs = 30_000;

/**
 * Issues the single-use signaling ticket and the answer of both start endpoints, pointing at the
 * signaling node that owns the room (room affinity, docs/decisions/0002).
 */
export async function issueTicket(
  data: { [key: string]: JsonValue; room_id: string },
  deps: ApiDeps,
): Promise<z.infer<typeof startResponseSchema>> {
  const base = await deps.locateSignaling(data.room_id);
  if (base === undefined) {
    throw new ApiProblem({
      status: 503,
      code: 'service_unavailable',
      title: 'No signaling node is available',
      detail: 'Try again in a moment.',
    });
  }
  const ticket = await deps.tickets.issue(data, ticketTtlMs);
  return { ticket, signaling_url: `${base}/${ticket}`, expires_in: 30 };
}

/**
 * Guards a typed secret (room password, dial-in PIN) against guessing: both limiter keys are
 * checked before comparing, a wrong secret counts against both, and a right one forgets the
 * source's failures. `expected` undefined means "nothing to match" (an unknown conference id),
 * which fails exactly like a wrong secret.
 */
export async function checkSecret(
  deps: ApiDeps,
  keys: { source: string; target: string },
  given: string,
  expected: string | undefined,
  refusal: string,
): Promise<void> {
  const [bySource, byTarget] = await Promise.all([
    deps.attempts.bySource.check([keys.source]),
    deps.attempts.byTarget.check([keys.target]),
  ]);
  const waitMs = Math.max(
    bySource.allowed ? 0 : bySource.retryAfterMs,
    byTarget.allowed ? 0 : byTarget.retryAfterMs,
  );
  if (waitMs > 0) {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    throw new ApiProblem(
      {
        status: 429,
        code: 'rate_limited',
        title: 'Too many wrong attempts',
        detail: `Try again in ${seconds} s.`,
      },
      { headers: { 'retry-after': String(seconds) } },
    );
  }
  if (expected === undefined || !secretsEqual(given, expected)) {
    await Promise.all([
      deps.attempts.bySource.fail([keys.source]),
      deps.attempts.byTarget.fail([keys.target]),
    ]);
    throw new ApiProblem({ status: 401, code: 'unauthorized', title: 'Access denied', detail: refusal });
  }
  await deps.attempts.bySource.reset([keys.source]);
}

/** Constant-time for equal lengths; a length mismatch is decided without comparing bytes. */
function secretsEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  if (a.length !== b.length) {
    // Compare anyway so a wrong length takes about as long as a wrong secret.
    timingSafeEqual(b, b);
    return false;
  }
  return timingSafeEqual(a, b);
}

export function sourceKey(ip: string | undefined): string {
  return `source:${ip ?? 'unknown'}`;
}

export function roomService(deps: ApiDeps): RoomService {
  return createRoomService({ db: deps.db, now: deps.now });
}

const problems: Record<RoomErrorKind, (error: RoomError) => ApiProblem> = {
  room_not_found: () => notFound(),
  guest_link_not_found: () => notFound('No such guest link'),
  no_dial_in: () => notFound('The room has no dial-in'),
  owner_not_found: () => new ApiProblem({ status: 404, code: 'not_found', title: 'No such user' }),
  room_of_meeting: (error) =>
    new ApiProblem({
      status: 409,
      code: 'conflict',
      title: 'This room belongs to a meeting',
      detail: `Delete the meeting instead: DELETE /v1/events/${error.eventId ?? ''}.`,
    }),
  expiration_past: (error) => validationProblem([{ field: 'body.expiration', message: error.message }]),
  invalid_cursor: (error) => validationProblem([{ field: 'query.after', message: error.message }]),
};

/** Runs a room service call and turns its refusals into problem responses. */
export async function rooms<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RoomError) throw problems[error.kind](error);
    throw error;
  }
}

/** An instant from the request as a date (null and absent as they are). */
export function dateOrNull(value: string | null | undefined): Date | null | undefined {
  return value === undefined || value === null ? value : new Date(value);
}
