import type { Logger } from '../../logging/logger.js';
import type { SignalingLimits } from '../transport/token-bucket.js';
import type { AnySignalingModule } from './module.js';
import type { RoomDirectory } from './room-info.js';
import { Room } from './room.js';

export interface RoomManagerOptions {
  readonly directory: RoomDirectory;
  readonly modules: readonly AnySignalingModule[];
  readonly logger: Logger;
  readonly reconnectGraceMs: number;
  readonly limits: SignalingLimits;
  /** The last participant left: the node stops owning the room. */
  readonly onRoomClosed?: (roomId: string) => void;
}

/** The live rooms of this node, one per room id, opened on the first join and closed when empty. */
export class RoomManager {
  private readonly rooms = new Map<string, Room>();
  private readonly opening = new Map<string, Promise<Room | undefined>>();
  private readonly options: RoomManagerOptions;

  constructor(options: RoomManagerOptions) {
    this.options = options;
  }

  get size(): number {
    return this.rooms.size;
  }

  get(roomId: string): Room | undefined {
    return this.rooms.get(roomId);
  }

  /** The live room, opening it (one storage read, shared by concurrent joins) when needed. */
  async open(tenantId: string, roomId: string): Promise<Room | undefined> {
    const live = this.rooms.get(roomId);
    if (live !== undefined && !live.closed) return live;
    let pending = this.opening.get(roomId);
    if (pending === undefined) {
      pending = this.load(tenantId, roomId).finally(() => this.opening.delete(roomId));
      this.opening.set(roomId, pending);
    }
    return pending;
  }

  /** Closes every room (node shutdown); connections are closed with `closeCode`. */
  closeAll(closeCode: { code: number; reason: string }): void {
    for (const room of [...this.rooms.values()]) room.close(closeCode);
  }

  private async load(tenantId: string, roomId: string): Promise<Room | undefined> {
    const info = await this.options.directory.loadRoom(tenantId, roomId);
    if (info === undefined) return undefined;
    const existing = this.rooms.get(roomId);
    if (existing !== undefined && !existing.closed) return existing;
    const room = new Room({
      info,
      modules: this.options.modules,
      logger: this.options.logger.child({ room: roomId }),
      reconnectGraceMs: this.options.reconnectGraceMs,
      limits: this.options.limits,
      onEmpty: (closed) => {
        if (this.rooms.get(roomId) === closed) this.rooms.delete(roomId);
        this.options.onRoomClosed?.(roomId);
      },
    });
    this.rooms.set(roomId, room);
    return room;
  }
}
