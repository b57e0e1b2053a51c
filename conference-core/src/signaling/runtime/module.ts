import type { z } from 'zod';

import type { JsonValue } from '../../json.js';
import type { SignalingErrorCode } from '../protocol/envelope.js';
import type { LeaveReason, Participant } from './participant.js';
import type { Room } from './room.js';

/** What a module's handler gets for one command. */
export interface CommandContext<RoomState, PeerState> {
  readonly room: Room;
  /** The module's slice of the room. */
  readonly state: RoomState;
  readonly from: Participant;
  /** The module's slice of the sender. */
  readonly peer: PeerState;
  /** Sends a module-namespaced event to the sender only. */
  readonly reply: (payload: { message: string; [key: string]: unknown }) => void;
  /** Answers the sender with an error event in this module's namespace; nothing changes. */
  readonly fail: (error: SignalingErrorCode, detail?: string) => void;
}

/**
 * One signaling module: a namespace, its commands (a zod discriminated union on `action`), its
 * slice of the room and of each participant. Modules are listed explicitly in `registry.ts`.
 */
export interface SignalingModule<Command extends { action: string }, RoomState, PeerState> {
  readonly namespace: string;
  readonly commands: z.ZodType<Command>;
  /** Actions only moderators may send; others get `insufficient_permissions` and nothing changes. */
  readonly moderatorActions: ReadonlySet<Command['action']>;
  /** Actions a participant may send while in the waiting room (default: none). */
  readonly waitingActions?: ReadonlySet<Command['action']>;
  createRoomState(room: Room): RoomState;
  createPeerState(participant: Participant): PeerState;
  handle(ctx: CommandContext<RoomState, PeerState>, command: Command): void;
  /** The module's part of `join_success.modules` as seen by `viewer`; undefined leaves it out. */
  joinState?(room: Room, state: RoomState, viewer: Participant): JsonValue | undefined;
  /** The module's part of each participant object (`{id, control: {...}, raise_hands: {...}}`). */
  peerView?(room: Room, peer: PeerState, participant: Participant): JsonValue | undefined;
  /** After a participant entered the room (and was announced). */
  onEntered?(room: Room, state: RoomState, participant: Participant): void;
  /** After a participant left the room or went back to the waiting room. */
  onLeft?(room: Room, state: RoomState, participant: Participant, reason: LeaveReason): void;
  /** The room closes: stop timers. */
  onClose?(room: Room, state: RoomState): void;
  /** After a participant moved to another breakout room, or back to the main room (`from`: where it was). */
  onMoved?(room: Room, state: RoomState, participant: Participant, from: string | undefined): void;
}

// The registry holds modules of different command and state types side by side; each module is
// type-checked where it is defined, and the room only passes each module its own values.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySignalingModule = SignalingModule<any, any, any>;

/** Identity function that infers a module's types from its definition. */
export function defineModule<Command extends { action: string }, RoomState, PeerState>(
  module: SignalingModule<Command, RoomState, PeerState>,
): SignalingModule<Command, RoomState, PeerState> {
  return module;
}
