import { randomBytes, randomUUID } from 'node:crypto';

import type { JsonValue } from '../../json.js';
import type { Logger } from '../../logging/logger.js';
import { closeCodes, protocolVersion, serializeFrame } from '../protocol/envelope.js';
import type { SignalingLimits } from '../transport/token-bucket.js';
import type { AnySignalingModule } from './module.js';
import type { Admission, Connection, LeaveReason, Participant } from './participant.js';
import type { RoomInfo } from './room-info.js';

export interface RoomOptions {
  readonly info: RoomInfo;
  readonly modules: readonly AnySignalingModule[];
  readonly logger: Logger;
  /** How long a participant whose connection dropped keeps its place. */
  readonly reconnectGraceMs: number;
  readonly limits: SignalingLimits;
  readonly now?: () => Date;
  /** Called once when the last participant is gone; the room is then closed. */
  readonly onEmpty: (room: Room) => void;
}

type Payload = { message: string; [key: string]: unknown };

/** Who receives a broadcast: everyone in the room, optionally one breakout room only, minus one. */
export interface Audience {
  /** Only participants in this breakout room (null: the main room); undefined: every room. */
  readonly scope?: string | null;
  readonly except?: Participant;
  readonly moderatorsOnly?: boolean;
}

/**
 * The live state of one room on the node that owns it: participants (in the room, waiting, or
 * within their reconnect grace period), each module's slice, and the rules of entering and
 * leaving. Everything runs on the event loop, so no locks: a command is handled to the end before
 * the next one starts.
 */
export class Room {
  readonly info: RoomInfo;
  readonly logger: Logger;
  readonly participants = new Map<string, Participant>();
  /** Registered users banned for the rest of this session (guests have no stable identity). */
  readonly bannedUsers = new Set<string>();
  waitingRoomEnabled: boolean;
  closed = false;
  private readonly modules: readonly AnySignalingModule[];
  private readonly states = new Map<string, unknown>();
  private readonly options: RoomOptions;
  readonly now: () => Date;
  readonly limits: SignalingLimits;

  constructor(options: RoomOptions) {
    this.options = options;
    this.info = options.info;
    this.logger = options.logger;
    this.modules = options.modules;
    this.now = options.now ?? (() => new Date());
    this.limits = options.limits;
    this.waitingRoomEnabled = options.info.waitingRoom;
    for (const module of this.modules) this.states.set(module.namespace, module.createRoomState(this));
  }

  get id(): string {
    return this.info.id;
  }

  moduleState<State>(namespace: string): State {
    return this.states.get(namespace) as State;
  }

  /** Participants who have entered (not waiting), in joining order. */
  inRoom(): Participant[] {
    return [...this.participants.values()].filter((p) => p.state === 'in_room');
  }

  isOwner(participant: Participant): boolean {
    return participant.userId !== undefined && participant.userId === this.info.ownerId;
  }

  // ---- sending ----

  send(to: Participant, namespace: string, payload: Payload): void {
    to.connection?.send(serializeFrame(namespace, payload, this.now()));
  }

  /**
   * Serializes once and sends the same bytes to every connected participant in the room who
   * matches: the cost per recipient is the socket write, whatever the payload.
   */
  broadcast(namespace: string, payload: Payload, audience: Audience = {}): void {
    const frame = serializeFrame(namespace, payload, this.now());
    for (const p of this.participants.values()) {
      if (p.state !== 'in_room' || p === audience.except) continue;
      if (audience.scope !== undefined && (p.breakout ?? null) !== audience.scope) continue;
      if (audience.moderatorsOnly === true && p.role !== 'moderator') continue;
      p.connection?.send(frame);
    }
  }

  /**
   * A frame serialized once, for the same event to many participants one by one (`sendFrame`)
   * where `broadcast`'s audience does not fit (waiting participants too, or a send interleaved with
   * removals).
   */
  frame(namespace: string, payload: Payload): Buffer {
    return serializeFrame(namespace, payload, this.now());
  }

  sendFrame(to: Participant, frame: Buffer): void {
    to.connection?.send(frame);
  }

  /** A participant as others see it: `{id, control: {...}, <module>: {...}}`. */
  view(participant: Participant): { [key: string]: JsonValue } {
    const view: { [key: string]: JsonValue } = {
      id: participant.id,
      control: {
        display_name: participant.displayName,
        role: participant.role,
        participation_kind: participant.kind,
        joined_at: participant.joinedAt.toISOString(),
        is_room_owner: this.isOwner(participant),
        ...(participant.userId === undefined ? {} : { user_id: participant.userId }),
      },
    };
    for (const module of this.modules) {
      const part = module.peerView?.(this, participant.modules.get(module.namespace), participant);
      if (part !== undefined) view[module.namespace] = part;
    }
    return view;
  }

  // ---- entering and leaving ----

  /** Creates the participant for a fresh connection and puts it in the room or the waiting room. */
  admit(admission: Admission, displayName: string, connection: Connection): Participant {
    const participant: Participant = {
      id: randomUUID(),
      kind: admission.kind,
      userId: admission.userId,
      inviteCode: admission.inviteCode,
      role: admission.role,
      displayName,
      state: 'waiting',
      joinedAt: this.now(),
      connection,
      resumption: randomBytes(24).toString('base64url'),
      graceTimer: undefined,
      breakout: undefined,
      modules: new Map(),
    };
    for (const module of this.modules) {
      participant.modules.set(module.namespace, module.createPeerState(participant));
    }
    this.participants.set(participant.id, participant);
    const waits =
      participant.role !== 'moderator' &&
      !this.isOwner(participant) &&
      (admission.waitingRoom || this.waitingRoomEnabled);
    if (waits) this.toWaitingRoom(participant);
    else this.enter(participant);
    return participant;
  }

  /** Into the room proper: `join_success` for the participant, `joined` for everyone else. */
  enter(participant: Participant): void {
    participant.state = 'in_room';
    participant.joinedAt = this.now();
    this.sendJoinSuccess(participant);
    this.broadcast(
      'control',
      { message: 'joined', participant: this.view(participant) },
      { except: participant },
    );
    for (const module of this.modules)
      module.onEntered?.(this, this.states.get(module.namespace), participant);
  }

  sendJoinSuccess(participant: Participant): void {
    const modules: { [key: string]: JsonValue } = {};
    for (const module of this.modules) {
      const state = module.joinState?.(this, this.states.get(module.namespace), participant);
      if (state !== undefined) modules[module.namespace] = state;
    }
    const { info } = this;
    this.send(participant, 'control', {
      message: 'join_success',
      protocol_version: protocolVersion,
      id: participant.id,
      display_name: participant.displayName,
      role: participant.role,
      participation_kind: participant.kind,
      is_room_owner: this.isOwner(participant),
      resumption: participant.resumption,
      room: {
        id: info.id,
        waiting_room: this.waitingRoomEnabled,
        guest_access: info.guestAccess,
        ...(participant.role === 'moderator' ? { password: info.password } : {}),
      },
      event:
        info.event === undefined
          ? null
          : {
              id: info.event.id,
              title: info.event.title,
              description: info.event.description,
              starts_at: info.event.startsAt,
              ends_at: info.event.endsAt,
              is_adhoc: info.event.isAdhoc,
            },
      dial_in:
        info.dialIn === undefined ? null : { conference_id: info.dialIn.conferenceId, pin: info.dialIn.pin },
      participants: this.inRoom()
        .filter((p) => p !== participant)
        .map((p) => this.view(p)),
      modules,
    });
  }

  /** The waiting room: the participant is told, moderators see who waits. */
  toWaitingRoom(participant: Participant): void {
    participant.state = 'waiting';
    this.send(participant, 'control', { message: 'in_waiting_room', resumption: participant.resumption });
    this.broadcast(
      'moderation',
      { message: 'joined_waiting_room', participant: this.waitingView(participant) },
      { moderatorsOnly: true },
    );
  }

  waitingView(participant: Participant): { [key: string]: JsonValue } {
    return {
      id: participant.id,
      control: { display_name: participant.displayName, participation_kind: participant.kind },
    };
  }

  /** A moderator let the participant in; it enters with `enter_room`. */
  accept(participant: Participant): void {
    if (participant.state !== 'waiting') return;
    participant.state = 'accepted';
    this.send(participant, 'moderation', { message: 'accepted' });
    this.broadcast(
      'moderation',
      { message: 'left_waiting_room', id: participant.id },
      { moderatorsOnly: true },
    );
  }

  /** Out of the room (in the room or waiting). `closeCode` also closes the connection. */
  remove(participant: Participant, reason: LeaveReason, close?: { code: number; reason: string }): void {
    if (this.participants.get(participant.id) !== participant) return;
    clearTimeout(participant.graceTimer);
    const wasInRoom = participant.state === 'in_room';
    this.participants.delete(participant.id);
    const connection = participant.connection;
    participant.connection = undefined;
    if (close !== undefined) connection?.close(close.code, close.reason);
    if (wasInRoom) {
      this.broadcast('control', { message: 'left', id: participant.id, reason });
      for (const module of this.modules) {
        module.onLeft?.(this, this.states.get(module.namespace), participant, reason);
      }
    } else {
      this.broadcast(
        'moderation',
        { message: 'left_waiting_room', id: participant.id },
        { moderatorsOnly: true },
      );
    }
    if (this.participants.size === 0) this.close();
  }

  /** Back to the waiting room: others see `left` (sent_to_waiting_room), moderators see it waiting. */
  sendToWaitingRoom(participant: Participant): void {
    if (participant.state !== 'in_room') return;
    participant.state = 'waiting';
    this.broadcast('control', { message: 'left', id: participant.id, reason: 'sent_to_waiting_room' });
    for (const module of this.modules) {
      module.onLeft?.(this, this.states.get(module.namespace), participant, 'sent_to_waiting_room');
    }
    participant.breakout = undefined;
    this.toWaitingRoom(participant);
  }

  /**
   * Moves a participant to a breakout room (undefined: the main room); modules follow (media
   * leaves the old room's Janus rooms and asks the client to renegotiate).
   */
  moveToBreakout(participant: Participant, breakout: string | undefined): void {
    const from = participant.breakout;
    if (from === breakout) return;
    participant.breakout = breakout;
    if (participant.state !== 'in_room') return;
    for (const module of this.modules) {
      module.onMoved?.(this, this.states.get(module.namespace), participant, from);
    }
  }

  /** Tells everyone in the room that a participant changed (role, display name, a module's part). */
  announceUpdate(participant: Participant): void {
    if (participant.state === 'in_room') {
      this.broadcast('control', { message: 'update', participant: this.view(participant) });
    }
  }

  // ---- connections ----

  /** The connection dropped without a `leave`: keep the place for the grace period. */
  disconnected(participant: Participant, connection: Connection): void {
    if (participant.connection !== connection || this.participants.get(participant.id) !== participant)
      return;
    participant.connection = undefined;
    participant.graceTimer = setTimeout(
      () => this.remove(participant, 'timeout'),
      this.options.reconnectGraceMs,
    );
    participant.graceTimer.unref();
  }

  /** The participant holding this token, if it is still here and the same identity. */
  findResumable(resumption: string): Participant | undefined {
    for (const p of this.participants.values()) if (p.resumption === resumption) return p;
    return undefined;
  }

  /** A new connection takes the participant over; the others notice nothing. */
  resume(participant: Participant, connection: Connection): void {
    clearTimeout(participant.graceTimer);
    participant.graceTimer = undefined;
    const previous = participant.connection;
    participant.connection = connection;
    previous?.close(closeCodes.replaced, 'resumed on another connection');
    if (participant.state === 'in_room') this.sendJoinSuccess(participant);
    else if (participant.state === 'accepted') this.send(participant, 'moderation', { message: 'accepted' });
    else
      this.send(participant, 'control', { message: 'in_waiting_room', resumption: participant.resumption });
  }

  /** Ends the live room: modules stop their timers, every connection is closed. */
  close(closeCode?: { code: number; reason: string }): void {
    if (this.closed) return;
    this.closed = true;
    for (const module of this.modules) module.onClose?.(this, this.states.get(module.namespace));
    for (const p of this.participants.values()) {
      clearTimeout(p.graceTimer);
      const connection = p.connection;
      p.connection = undefined;
      if (closeCode !== undefined) connection?.close(closeCode.code, closeCode.reason);
    }
    this.participants.clear();
    this.options.onEmpty(this);
  }
}
