import type { z } from 'zod';

import type { Logger } from '../../logging/logger.js';
import {
  clientEnvelopeSchema,
  closeCodes,
  serializeFrame,
  type SignalingErrorCode,
} from '../protocol/envelope.js';
import type { AnySignalingModule, CommandContext } from '../runtime/module.js';
import type { Admission, Connection, Participant } from '../runtime/participant.js';
import type { RoomDirectory } from '../runtime/room-info.js';
import type { Room } from '../runtime/room.js';
import type { RoomManager } from '../runtime/room-manager.js';
import type { controlCommands } from '../modules/control.js';
import { TokenBucket, type SignalingLimits } from './token-bucket.js';

export interface SessionDeps {
  readonly rooms: RoomManager;
  readonly directory: RoomDirectory;
  readonly modules: ReadonlyMap<string, AnySignalingModule>;
  readonly limits: SignalingLimits;
  readonly logger: Logger;
  readonly now?: () => number;
}

/**
 * One WebSocket connection from the first frame to the close: checks every frame (JSON, envelope,
 * size, rate), joins the room on `control.join`, and hands each command to its module with the
 * permission check in front. Everything a client sends wrong costs a "strike"; too many in a short
 * time close the connection with a reason. Nothing a client sends reaches another participant
 * unchecked.
 */
export class Session {
  private participant: Participant | undefined;
  private room: Room | undefined;
  private joining = false;
  private closed = false;
  private broken = false;
  private readonly frames: TokenBucket;
  private readonly strikes: TokenBucket;
  private readonly deps: SessionDeps;
  private readonly admission: Admission;
  private readonly connection: Connection;
  private readonly now: () => number;

  constructor(admission: Admission, connection: Connection, deps: SessionDeps) {
    this.admission = admission;
    this.connection = connection;
    this.deps = deps;
    this.now = deps.now ?? Date.now;
    const { limits } = deps;
    this.frames = new TokenBucket(limits.frameBurst, limits.framesPerSecond, this.now());
    this.strikes = new TokenBucket(limits.strikeBurst, limits.strikesPerSecond, this.now());
  }

  /** One text frame from the client. */
  receive(data: string, byteLength: number): void {
    if (this.closed) return;
    if (!this.frames.take(this.now())) {
      this.refuse(
        'control',
        'rate_limited',
        'too many messages; slow down',
        undefined,
        'rate_limit_exceeded',
      );
      return;
    }
    if (byteLength > this.deps.limits.maxFrameBytes) {
      this.refuse(
        'control',
        'frame_too_large',
        `frames may have at most ${this.deps.limits.maxFrameBytes} bytes`,
      );
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      this.refuse('control', 'invalid_json', 'the frame is not JSON');
      return;
    }
    const envelope = clientEnvelopeSchema.safeParse(json);
    if (!envelope.success) {
      this.refuse('control', 'invalid_frame', 'expected {namespace, payload: {action, ...}}');
      return;
    }
    const { namespace, payload } = envelope.data;
    const module = this.deps.modules.get(namespace);
    if (module === undefined) {
      this.refuse('control', 'unknown_namespace', `no namespace ${namespace}`);
      return;
    }
    const parsed = (module.commands as z.ZodType<{ action: string }>).safeParse(payload);
    if (!parsed.success) {
      const detail = parsed.error.issues
        .map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`)
        .join('; ');
      this.refuse(namespace, 'invalid_command', detail, payload.action);
      return;
    }
    this.dispatch(module, parsed.data);
  }

  /** The socket broke the protocol (e.g. a frame over the hard limit): it goes without a grace period. */
  protocolBroken(): void {
    this.broken = true;
  }

  /** The socket closed (by the client, the network, or us). */
  closedBy(code: number): void {
    this.closed = true;
    const { participant, room } = this;
    if (participant === undefined || room === undefined) return;
    // A normal close is a goodbye; anything else may be a reload or a network change: keep the place.
    if (code === closeCodes.normal) room.remove(participant, 'quit');
    // The protocol was broken (a frame over the hard limit): no grace period for that connection.
    else if (this.broken || code === closeCodes.tooLarge || code === closeCodes.policy) {
      room.remove(participant, 'kicked');
    } else room.disconnected(participant, this.connection);
  }

  private dispatch(module: AnySignalingModule, command: { action: string }): void {
    const { participant, room } = this;
    if (module.namespace === 'control' && command.action === 'join') {
      if (participant !== undefined || this.joining)
        this.error('control', 'already_joined', 'joined already', 'join');
      else void this.join(command as Extract<z.infer<typeof controlCommands>, { action: 'join' }>);
      return;
    }
    if (module.namespace === 'echo' && participant === undefined) {
      this.connection.send(
        serializeFrame('echo', { message: 'echo', data: (command as { data?: unknown }).data ?? null }),
      );
      return;
    }
    if (participant === undefined || room === undefined || room.closed) {
      this.error(module.namespace, 'not_joined', 'send control.join first', command.action);
      return;
    }
    if (participant.state !== 'in_room' && module.waitingActions?.has(command.action) !== true) {
      this.error(module.namespace, 'not_in_room', 'not allowed from the waiting room', command.action);
      return;
    }
    if (module.moderatorActions.has(command.action) && participant.role !== 'moderator') {
      this.error(module.namespace, 'insufficient_permissions', 'moderators only', command.action);
      return;
    }
    const ctx: CommandContext<unknown, unknown> = {
      room,
      state: room.moduleState(module.namespace),
      from: participant,
      peer: participant.modules.get(module.namespace),
      reply: (payload) => room.send(participant, module.namespace, payload),
      fail: (error, detail) => this.error(module.namespace, error, detail, command.action),
    };
    try {
      module.handle(ctx, command);
    } catch (err) {
      // A bug in one module must not take the room (or the node) down.
      this.deps.logger.error(
        { err, namespace: module.namespace, action: command.action },
        'signaling command failed',
      );
      this.connection.send(
        serializeFrame(module.namespace, {
          message: 'error',
          error: 'invalid_command',
          detail: 'internal error',
          action: command.action,
        }),
      );
    }
  }

  private async join(command: {
    display_name?: string | undefined;
    resumption?: string | undefined;
  }): Promise<void> {
    this.joining = true;
    const { admission } = this;
    try {
      const room = await this.deps.rooms.open(admission.tenantId, admission.roomId);
      if (this.closed) return;
      if (room === undefined) {
        this.close(closeCodes.closed, 'room not found');
        return;
      }
      if (admission.userId !== undefined && room.bannedUsers.has(admission.userId)) {
        this.connection.send(serializeFrame('control', { message: 'join_blocked', reason: 'banned' }));
        this.close(closeCodes.banned, 'banned');
        return;
      }
      const resumable = command.resumption === undefined ? undefined : room.findResumable(command.resumption);
      if (
        resumable !== undefined &&
        resumable.kind === admission.kind &&
        resumable.userId === admission.userId &&
        resumable.inviteCode === admission.inviteCode
      ) {
        this.room = room;
        this.participant = resumable;
        room.resume(resumable, this.connection);
        return;
      }
      const displayName = command.display_name ?? (await this.defaultName());
      if (this.closed || room.closed) {
        if (!this.closed) this.close(closeCodes.closed, 'room closed, start again');
        // A room opened for this join alone must not stay open empty.
        if (!room.closed && room.participants.size === 0) room.close();
        return;
      }
      this.room = room;
      this.participant = room.admit(admission, displayName, this.connection);
    } catch (err) {
      this.deps.logger.error({ err }, 'joining a room failed');
      this.close(closeCodes.closed, 'join failed');
    } finally {
      this.joining = false;
    }
  }

  private async defaultName(): Promise<string> {
    const { admission } = this;
    if (admission.userId !== undefined) {
      const name = await this.deps.directory.displayNameOf(admission.tenantId, admission.userId);
      if (name !== undefined) return name;
    }
    return admission.kind === 'phone' ? 'Phone' : 'Guest';
  }

  /** An error event for a frame that was refused; counts as a strike. */
  private refuse(
    namespace: string,
    error: SignalingErrorCode,
    detail: string,
    action?: string,
    closeReason = 'too many invalid messages',
  ): void {
    this.error(namespace, error, detail, action);
    if (!this.strikes.take(this.now())) {
      this.deps.logger.warn({ reason: closeReason }, 'closing an abusive signaling connection');
      this.close(error === 'rate_limited' ? closeCodes.rateLimited : closeCodes.policy, closeReason);
    }
  }

  private error(namespace: string, error: SignalingErrorCode, detail?: string, action?: string): void {
    this.connection.send(
      serializeFrame(namespace, {
        message: 'error',
        error,
        ...(detail === undefined ? {} : { detail }),
        ...(action === undefined ? {} : { action }),
      }),
    );
  }

  /** Closes from our side; a participant goes at once (no grace period for a connection we ended). */
  private close(code: number, reason: string): void {
    this.closed = true;
    const { participant, room } = this;
    if (
      participant !== undefined &&
      room !== undefined &&
      room.participants.get(participant.id) === participant
    ) {
      room.remove(participant, 'kicked', { code, reason });
    } else {
      this.connection.close(code, reason);
    }
  }
}
