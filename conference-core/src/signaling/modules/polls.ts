import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import type { JsonValue } from '../../json.js';
import { defineModule } from '../runtime/module.js';
import type { Room } from '../runtime/room.js';

/**
 * `polls`: one poll at a time, single or multiple choice, results live (everyone sees counts as
 * votes come in) or hidden until done; it ends after its duration or when a moderator finishes it.
 * Votes are counted per participant (each tab votes once).
 */
export const pollsCommands = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('start'),
    topic: z.string().trim().min(1).max(500),
    choices: z.array(z.string().trim().min(1).max(200)).min(2).max(20),
    multiple_choice: z.boolean().default(false),
    live: z.boolean().default(false),
    /** Seconds. */
    duration: z.int().min(5).max(86_400),
  }),
  z.strictObject({
    action: z.literal('vote'),
    poll_id: z.uuid(),
    choice_ids: z.array(z.int().min(0).max(19)).min(1).max(20),
  }),
  z.strictObject({ action: z.literal('finish'), poll_id: z.uuid() }),
]);
export type PollsCommand = z.input<typeof pollsCommands>;
type ParsedPollsCommand = z.output<typeof pollsCommands>;

interface Poll {
  readonly id: string;
  readonly topic: string;
  readonly choices: readonly string[];
  readonly multipleChoice: boolean;
  readonly live: boolean;
  readonly duration: number;
  readonly endsAt: string;
  readonly counts: number[];
  readonly voters: Set<string>;
  expiry: NodeJS.Timeout | undefined;
}

interface PollsState {
  running: Poll | undefined;
}

function results(poll: Poll): JsonValue {
  return poll.counts.map((count, id) => ({ id, count }));
}

function view(poll: Poll, withResults: boolean): { [key: string]: JsonValue } {
  return {
    id: poll.id,
    topic: poll.topic,
    choices: poll.choices.map((content, id) => ({ id, content })),
    multiple_choice: poll.multipleChoice,
    live: poll.live,
    duration: poll.duration,
    ends_at: poll.endsAt,
    ...(withResults ? { results: results(poll) } : {}),
  };
}

function finish(room: Room, state: PollsState): void {
  const poll = state.running;
  if (poll === undefined) return;
  clearTimeout(poll.expiry);
  state.running = undefined;
  room.broadcast('polls', { message: 'done', id: poll.id, topic: poll.topic, results: results(poll) });
}

export const pollsModule = defineModule<ParsedPollsCommand, PollsState, undefined>({
  namespace: 'polls',
  commands: pollsCommands,
  moderatorActions: new Set(['start', 'finish']),
  createRoomState: () => ({ running: undefined }),
  createPeerState: () => undefined,
  joinState: (_room, state, viewer) =>
    state.running === undefined
      ? null
      : { ...view(state.running, state.running.live), voted: state.running.voters.has(viewer.id) },
  onClose: (_room, state) => clearTimeout(state.running?.expiry),
  handle({ room, state, from, fail, reply }, command) {
    switch (command.action) {
      case 'start': {
        if (state.running !== undefined) return fail('poll_running', 'finish the running poll first');
        const poll: Poll = {
          id: randomUUID(),
          topic: command.topic,
          choices: command.choices,
          multipleChoice: command.multiple_choice,
          live: command.live,
          duration: command.duration,
          endsAt: new Date(room.now().getTime() + command.duration * 1000).toISOString(),
          counts: command.choices.map(() => 0),
          voters: new Set(),
          expiry: undefined,
        };
        poll.expiry = setTimeout(() => finish(room, state), command.duration * 1000);
        poll.expiry.unref();
        state.running = poll;
        room.broadcast('polls', { message: 'started', ...view(poll, false) });
        return;
      }
      case 'vote': {
        const poll = state.running;
        if (poll?.id !== command.poll_id) return fail('no_such_poll', 'this poll is not running');
        if (poll.voters.has(from.id)) return fail('already_voted', 'you voted already');
        const chosen = new Set(command.choice_ids);
        if (
          chosen.size !== command.choice_ids.length ||
          [...chosen].some((id) => id >= poll.choices.length)
        ) {
          return fail('invalid_choice', 'unknown or repeated choice');
        }
        if (!poll.multipleChoice && chosen.size > 1)
          return fail('invalid_choice', 'this poll takes one choice');
        poll.voters.add(from.id);
        for (const id of chosen) poll.counts[id] = (poll.counts[id] ?? 0) + 1;
        reply({ message: 'voted', poll_id: poll.id });
        if (poll.live)
          room.broadcast('polls', { message: 'live_update', id: poll.id, results: results(poll) });
        return;
      }
      case 'finish':
        if (state.running?.id !== command.poll_id) return fail('no_such_poll', 'this poll is not running');
        finish(room, state);
        return;
    }
  },
});
