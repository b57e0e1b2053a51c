import { z } from 'zod';

import type { JsonValue } from '../../json.js';
import { defineModule } from '../runtime/module.js';
import type { Room } from '../runtime/room.js';
import { participantId, shuffled } from './shared.js';

/**
 * `breakout`: moderators split the room into breakout rooms (by assignment, or at random into a
 * number of rooms), optionally for a duration. Participants can switch rooms; a close notice comes
 * before the rooms close, and then everyone is back in the main room. Breakout rooms live inside
 * the one live room (same node): a participant's `breakout` scopes its global chat; everyone still
 * sees everyone in the participant list, with the breakout room they are in.
 */
const duration = z.int().min(10).max(86_400).optional();

export const breakoutCommands = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('start'),
    rooms: z
      .array(
        z.strictObject({
          name: z.string().trim().min(1).max(100),
          assignments: z.array(participantId).max(1000).default([]),
        }),
      )
      .min(1)
      .max(50),
    /** Seconds. */
    duration,
  }),
  z.strictObject({ action: z.literal('start_random'), count: z.int().min(1).max(50), duration }),
  z.strictObject({ action: z.literal('switch_room'), room: z.string().max(10).nullable() }),
  /** `delay` seconds of close notice before the rooms close (0: at once). */
  z.strictObject({ action: z.literal('stop'), delay: z.int().min(0).max(600).default(0) }),
]);
export type BreakoutCommand = z.input<typeof breakoutCommands>;
type ParsedBreakoutCommand = z.output<typeof breakoutCommands>;

interface Breakout {
  readonly rooms: readonly { readonly id: string; readonly name: string }[];
  readonly expiresAt: string | null;
  closesAt: string | null;
  timers: NodeJS.Timeout[];
}

interface BreakoutState {
  running: Breakout | undefined;
}

/** Notice before a timed breakout ends: a minute, or half the duration when that is shorter. */
function noticeSeconds(durationSeconds: number): number {
  return Math.min(60, Math.floor(durationSeconds / 2));
}

function overview(room: Room, breakout: Breakout): { [key: string]: JsonValue } {
  const assignments: { [id: string]: string | null } = {};
  for (const p of room.inRoom()) assignments[p.id] = p.breakout ?? null;
  return {
    rooms: breakout.rooms.map((r) => ({ id: r.id, name: r.name })),
    expires_at: breakout.expiresAt,
    closes_at: breakout.closesAt,
    assignments,
  };
}

function closeNotice(room: Room, breakout: Breakout, seconds: number): void {
  breakout.closesAt = new Date(room.now().getTime() + seconds * 1000).toISOString();
  room.broadcast('breakout', { message: 'close_notice', closes_at: breakout.closesAt });
}

function close(room: Room, state: BreakoutState): void {
  const breakout = state.running;
  if (breakout === undefined) return;
  for (const timer of breakout.timers) clearTimeout(timer);
  state.running = undefined;
  for (const p of room.participants.values()) room.moveToBreakout(p, undefined);
  room.broadcast('breakout', { message: 'closed' });
}

function later(breakout: Breakout, seconds: number, run: () => void): void {
  const timer = setTimeout(run, seconds * 1000);
  timer.unref();
  breakout.timers.push(timer);
}

export const breakoutModule = defineModule<ParsedBreakoutCommand, BreakoutState, undefined>({
  namespace: 'breakout',
  commands: breakoutCommands,
  moderatorActions: new Set(['start', 'start_random', 'stop']),
  createRoomState: () => ({ running: undefined }),
  createPeerState: () => undefined,
  joinState: (room, state, viewer) =>
    state.running === undefined
      ? null
      : { ...overview(room, state.running), my_room: viewer.breakout ?? null },
  peerView: (room, _peer, participant) =>
    room.moduleState<BreakoutState>('breakout').running === undefined
      ? undefined
      : { room: participant.breakout ?? null },
  onClose: (_room, state) => state.running?.timers.forEach((t) => clearTimeout(t)),
  handle({ room, state, from, fail }, command) {
    switch (command.action) {
      case 'start':
      case 'start_random': {
        if (state.running !== undefined) return fail('breakout_running', 'stop the running breakout first');
        const names =
          command.action === 'start'
            ? command.rooms.map((r) => r.name)
            : Array.from({ length: command.count }, (_, i) => `Room ${i + 1}`);
        const rooms = names.map((name, i) => ({ id: `b${i + 1}`, name }));
        const present = new Set(room.inRoom().map((p) => p.id));
        if (command.action === 'start') {
          const unknown = command.rooms.flatMap((r) => r.assignments).find((id) => !present.has(id));
          if (unknown !== undefined)
            return fail('unknown_participant', `no participant ${unknown} in the room`);
          command.rooms.forEach((r, i) => {
            for (const id of r.assignments) {
              const p = room.participants.get(id);
              if (p !== undefined) room.moveToBreakout(p, rooms[i]?.id);
            }
          });
        } else {
          // Moderators stay in the main room to look after everyone; the others are dealt round-robin.
          const others = shuffled(room.inRoom().filter((p) => p.role !== 'moderator'));
          others.forEach((p, i) => room.moveToBreakout(p, rooms[i % rooms.length]?.id));
        }
        const now = room.now().getTime();
        const breakout: Breakout = {
          rooms,
          expiresAt:
            command.duration === undefined ? null : new Date(now + command.duration * 1000).toISOString(),
          closesAt: null,
          timers: [],
        };
        state.running = breakout;
        if (command.duration !== undefined) {
          const notice = noticeSeconds(command.duration);
          later(breakout, command.duration - notice, () => closeNotice(room, breakout, notice));
          later(breakout, command.duration, () => close(room, state));
        }
        // The overview (every assignment) is built once, and the frame serialized once per
        // breakout room rather than per participant: `started` differs only in `my_room`.
        const shared = overview(room, breakout);
        const frames = new Map<string | null, Buffer>();
        for (const p of room.inRoom()) {
          const myRoom = p.breakout ?? null;
          let frame = frames.get(myRoom);
          if (frame === undefined) {
            frame = room.frame('breakout', { message: 'started', ...shared, my_room: myRoom, by: from.id });
            frames.set(myRoom, frame);
          }
          room.sendFrame(p, frame);
        }
        return;
      }
      case 'switch_room': {
        const breakout = state.running;
        if (breakout === undefined) return fail('no_breakout', 'no breakout is running');
        if (command.room !== null && !breakout.rooms.some((r) => r.id === command.room)) {
          return fail('no_such_breakout_room', `no breakout room ${command.room}`);
        }
        room.moveToBreakout(from, command.room ?? undefined);
        room.send(from, 'breakout', { message: 'switched_room', room: command.room });
        room.broadcast(
          'breakout',
          { message: 'participant_switched_room', id: from.id, room: command.room },
          { except: from },
        );
        return;
      }
      case 'stop': {
        const breakout = state.running;
        if (breakout === undefined) return fail('no_breakout', 'no breakout is running');
        if (command.delay === 0) {
          close(room, state);
          return;
        }
        for (const timer of breakout.timers) clearTimeout(timer);
        breakout.timers = [];
        closeNotice(room, breakout, command.delay);
        later(breakout, command.delay, () => close(room, state));
        return;
      }
    }
  },
});
