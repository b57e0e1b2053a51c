/**
 * The protocol's types as the client sees them. Commands are inferred from the same zod unions
 * the server validates with (type-only imports: nothing of the server is bundled).
 */
import type { BreakoutCommand } from '../modules/breakout.js';
import type { ChatCommand } from '../modules/chat.js';
import type { ControlCommand } from '../modules/control.js';
import type { EchoCommand } from '../modules/echo.js';
import type { MediaCommand } from '../modules/media.js';
import type { ModerationCommand } from '../modules/moderation.js';
import type { PollsCommand } from '../modules/polls.js';
import type { RaiseHandsCommand } from '../modules/raise-hands.js';
import type { ReactionCommand } from '../modules/reaction.js';
import type { TimerCommand } from '../modules/timer.js';

/** What each namespace accepts, by namespace. */
export interface ClientCommands {
  control: ControlCommand;
  moderation: ModerationCommand;
  raise_hands: RaiseHandsCommand;
  reaction: ReactionCommand;
  chat: ChatCommand;
  timer: TimerCommand;
  polls: PollsCommand;
  breakout: BreakoutCommand;
  echo: EchoCommand;
  media: MediaCommand;
}

/** A server event: its `message` names it; the other fields are documented in PROTOCOL.md. */
export interface ServerEvent {
  readonly message: string;
  readonly [field: string]: unknown;
}

export interface ParticipantView {
  readonly id: string;
  readonly control: {
    readonly display_name: string;
    readonly role: 'moderator' | 'user' | 'guest';
    readonly participation_kind: 'user' | 'guest' | 'phone';
    readonly joined_at: string;
    readonly is_room_owner: boolean;
    readonly user_id?: string;
  };
  readonly [namespace: string]: unknown;
}

export interface JoinSuccess extends ServerEvent {
  readonly message: 'join_success';
  readonly protocol_version: string;
  readonly id: string;
  readonly display_name: string;
  readonly role: 'moderator' | 'user' | 'guest';
  readonly participation_kind: 'user' | 'guest' | 'phone';
  readonly is_room_owner: boolean;
  readonly resumption: string;
  readonly room: {
    readonly id: string;
    readonly waiting_room: boolean;
    readonly guest_access: string;
    readonly password?: string | null;
  };
  readonly event: {
    readonly id: string;
    readonly title: string;
    readonly description: string;
    readonly starts_at: string | null;
    readonly ends_at: string | null;
    readonly is_adhoc: boolean;
  } | null;
  readonly dial_in: { readonly conference_id: string; readonly pin: string } | null;
  readonly participants: readonly ParticipantView[];
  readonly modules: { readonly [namespace: string]: unknown };
}
