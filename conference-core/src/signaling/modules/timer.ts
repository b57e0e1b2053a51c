import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import type { JsonValue } from '../../json.js';
import { defineModule } from '../runtime/module.js';
import type { Room } from '../runtime/room.js';

/**
 * `timer`: a countdown or a stopwatch for everyone. Style `coffee_break` sends the whole room on a
 * break (clients show a break screen) and everyone returns together when it stops. With a ready
 * check, each participant reports ready or not and everyone sees it.
 */
export const timerCommands = z.discriminatedUnion('action', [
  z
    .strictObject({
      action: z.literal('start'),
      kind: z.enum(['countdown', 'stopwatch']),
      style: z.enum(['normal', 'coffee_break']).default('normal'),
      /** Seconds; required for a countdown. */
      duration: z.int().min(1).max(86_400).optional(),
      title: z.string().trim().max(200).optional(),
      enable_ready_check: z.boolean().default(false),
    })
    .refine((c) => c.kind !== 'countdown' || c.duration !== undefined, {
      message: 'a countdown needs a duration',
      path: ['duration'],
    }),
  z.strictObject({ action: z.literal('stop') }),
  z.strictObject({ action: z.literal('update_ready_status'), ready: z.boolean() }),
]);
export type TimerCommand = z.input<typeof timerCommands>;
type ParsedTimerCommand = z.output<typeof timerCommands>;

interface RunningTimer {
  readonly id: string;
  readonly kind: 'countdown' | 'stopwatch';
  readonly style: 'normal' | 'coffee_break';
  readonly title: string | null;
  readonly startedAt: string;
  readonly endsAt: string | null;
  readonly readyCheck: boolean;
  readonly ready: Map<string, boolean>;
  expiry: NodeJS.Timeout | undefined;
}

interface TimerState {
  timer: RunningTimer | undefined;
}

function view(timer: RunningTimer): { [key: string]: JsonValue } {
  return {
    timer_id: timer.id,
    kind: timer.kind,
    style: timer.style,
    title: timer.title,
    started_at: timer.startedAt,
    ends_at: timer.endsAt,
    ready_check_enabled: timer.readyCheck,
  };
}

function stop(room: Room, state: TimerState, reason: 'by_moderator' | 'expired', by?: string): void {
  const timer = state.timer;
  if (timer === undefined) return;
  clearTimeout(timer.expiry);
  state.timer = undefined;
  room.broadcast('timer', {
    message: 'stopped',
    timer_id: timer.id,
    reason,
    ...(by === undefined ? {} : { by }),
  });
}

export const timerModule = defineModule<ParsedTimerCommand, TimerState, undefined>({
  namespace: 'timer',
  commands: timerCommands,
  moderatorActions: new Set(['start', 'stop']),
  createRoomState: () => ({ timer: undefined }),
  createPeerState: () => undefined,
  joinState: (_room, state) => (state.timer === undefined ? null : view(state.timer)),
  peerView(room, _peer, participant) {
    const timer = room.moduleState<TimerState>('timer').timer;
    if (timer?.readyCheck !== true) return undefined;
    return { ready_status: timer.ready.get(participant.id) ?? false };
  },
  onClose: (_room, state) => clearTimeout(state.timer?.expiry),
  handle({ room, state, from, fail }, command) {
    switch (command.action) {
      case 'start': {
        if (state.timer !== undefined) return fail('timer_running', 'stop the running timer first');
        const now = room.now();
        const timer: RunningTimer = {
          id: randomUUID(),
          kind: command.kind,
          style: command.style,
          title: command.title ?? null,
          startedAt: now.toISOString(),
          endsAt:
            command.kind === 'countdown' && command.duration !== undefined
              ? new Date(now.getTime() + command.duration * 1000).toISOString()
              : null,
          readyCheck: command.enable_ready_check,
          ready: new Map(),
          expiry: undefined,
        };
        if (command.kind === 'countdown' && command.duration !== undefined) {
          timer.expiry = setTimeout(() => stop(room, state, 'expired'), command.duration * 1000);
          timer.expiry.unref();
        }
        state.timer = timer;
        room.broadcast('timer', { message: 'started', ...view(timer), by: from.id });
        return;
      }
      case 'stop':
        if (state.timer === undefined) return fail('no_timer', 'no timer is running');
        stop(room, state, 'by_moderator', from.id);
        return;
      case 'update_ready_status': {
        const timer = state.timer;
        if (timer === undefined) return fail('no_timer', 'no timer is running');
        if (!timer.readyCheck) return fail('ready_check_disabled', 'this timer has no ready check');
        timer.ready.set(from.id, command.ready);
        room.broadcast('timer', {
          message: 'updated_ready_status',
          timer_id: timer.id,
          participant_id: from.id,
          ready: command.ready,
        });
        return;
      }
    }
  },
});
