import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import { defineModule } from '../runtime/module.js';
import type { Participant } from '../runtime/participant.js';
import type { Room } from '../runtime/room.js';
import { TokenBucket } from '../transport/token-bucket.js';
import { participantId } from './shared.js';

/**
 * `chat`: messages to the room (or, during breakout, to one's breakout room) and private ones;
 * history on join; moderators disable the chat and clear the history. Its own rate limit, below the
 * connection's: a fast typist gets `slow_down`, not a closed connection.
 */
export const chatCommands = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('send_message'),
    scope: z.enum(['global', 'private']),
    target: participantId.optional(),
    content: z.string().trim().min(1).max(4000),
  }),
  z.strictObject({ action: z.literal('enable_chat') }),
  z.strictObject({ action: z.literal('disable_chat') }),
  z.strictObject({ action: z.literal('clear_history') }),
]);
export type ChatCommand = z.infer<typeof chatCommands>;

type ChatMessage = {
  readonly id: string;
  readonly source: string;
  readonly scope: 'global' | 'private';
  readonly target?: string;
  /** The breakout room a global message was sent in; undefined in the main room. */
  readonly breakout?: string;
  readonly content: string;
  readonly timestamp: string;
};

interface ChatState {
  enabled: boolean;
  messages: ChatMessage[];
}

/** Kept per live room; the oldest go first. */
const historyLimit = 1000;

function historyFor(state: ChatState, viewer: Participant): ChatMessage[] {
  return state.messages.filter((m) =>
    m.scope === 'global' ? m.breakout === viewer.breakout : m.source === viewer.id || m.target === viewer.id,
  );
}

function wire(message: ChatMessage): { message: 'message_sent'; [key: string]: unknown } {
  return { message: 'message_sent', ...message };
}

export const chatModule = defineModule<ChatCommand, ChatState, { bucket: TokenBucket | undefined }>({
  namespace: 'chat',
  commands: chatCommands,
  moderatorActions: new Set(['enable_chat', 'disable_chat', 'clear_history']),
  createRoomState: () => ({ enabled: true, messages: [] }),
  createPeerState: () => ({ bucket: undefined }),
  joinState: (_room, state, viewer) => ({ enabled: state.enabled, history: historyFor(state, viewer) }),
  handle({ room, state, from, peer, fail }, command) {
    switch (command.action) {
      case 'send_message': {
        if (!state.enabled && from.role !== 'moderator') return fail('chat_disabled', 'the chat is disabled');
        const now = room.now();
        peer.bucket ??= new TokenBucket(room.limits.chatBurst, room.limits.chatPerSecond, now.getTime());
        if (!peer.bucket.take(now.getTime()))
          return fail('slow_down', 'too many chat messages; wait a moment');
        const target = command.target === undefined ? undefined : room.participants.get(command.target);
        if (command.scope === 'private' && target?.state !== 'in_room') {
          return fail('unknown_participant', 'private messages need a target in the room');
        }
        const message: ChatMessage = {
          id: randomUUID(),
          source: from.id,
          scope: command.scope,
          ...(command.scope === 'private' && target !== undefined ? { target: target.id } : {}),
          ...(command.scope === 'global' && from.breakout !== undefined ? { breakout: from.breakout } : {}),
          content: command.content,
          timestamp: now.toISOString(),
        };
        state.messages.push(message);
        if (state.messages.length > historyLimit) state.messages.shift();
        deliver(room, from, target, message);
        return;
      }
      case 'enable_chat':
      case 'disable_chat':
        state.enabled = command.action === 'enable_chat';
        room.broadcast('chat', { message: state.enabled ? 'chat_enabled' : 'chat_disabled', by: from.id });
        return;
      case 'clear_history':
        state.messages = [];
        room.broadcast('chat', { message: 'history_cleared', by: from.id });
        return;
    }
  },
});

function deliver(room: Room, from: Participant, target: Participant | undefined, message: ChatMessage): void {
  if (message.scope === 'global') {
    room.broadcast('chat', wire(message), { scope: from.breakout ?? null });
    return;
  }
  room.send(from, 'chat', wire(message));
  if (target !== undefined && target !== from) room.send(target, 'chat', wire(message));
}
