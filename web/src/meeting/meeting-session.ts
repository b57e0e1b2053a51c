import {
  SignalingClient,
  type ClientCommands,
  type JoinSuccess,
  type ReceivedFrame,
  type WebSocketConstructor,
} from '@vc/conference-core/signaling-client';

import type { MediaEvent, MediaSignaling } from '@vc/conference-core/media-client';

import { api, type Credentials } from '../api/client.js';
import type { StartAnswer } from '../api/types.js';
import { initialState, reduceFrame, type RoomState } from './room-state.js';

/** Why the meeting is over for this tab (close codes of PROTOCOL.md section 2). */
export type EndReason = 'left' | 'kicked' | 'banned' | 'ended' | 'replaced' | 'failed';

export type SessionStatus =
  | { readonly phase: 'connecting' }
  | { readonly phase: 'waiting' }
  | { readonly phase: 'in_room'; readonly room: RoomState }
  | { readonly phase: 'reconnecting'; readonly room: RoomState | undefined }
  | { readonly phase: 'ended'; readonly reason: EndReason };

export interface SessionOptions {
  readonly roomId: string;
  readonly credentials: Credentials;
  readonly password: string | undefined;
  readonly displayName: string;
}

const closeReasons: Record<number, EndReason> = {
  1000: 'left',
  4000: 'replaced',
  4001: 'kicked',
  4002: 'banned',
  4003: 'ended',
  4004: 'left',
};

/**
 * One participant's connection to a room: gets a ticket, joins (through the waiting room when the
 * room says so), folds every frame into `RoomState`, and after a network loss rejoins with the
 * resumption token so the others see nothing (PROTOCOL.md section 4).
 */
export class MeetingSession {
  private client: SignalingClient | undefined;
  private status: SessionStatus = { phase: 'connecting' };
  private readonly listeners = new Set<() => void>();
  private resumption: string | undefined;
  private leaving = false;
  private readonly options: SessionOptions;
  private readonly mediaListeners = new Set<(event: MediaEvent) => void>();
  private lastJoin: JoinSuccess | undefined;

  constructor(options: SessionOptions) {
    this.options = options;
  }

  /** Connects and joins; rejects (with the API's refusal) when no ticket is given. */
  async start(): Promise<void> {
    await this.connect(undefined);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): SessionStatus => this.status;

  send<Namespace extends keyof ClientCommands>(
    namespace: Namespace,
    payload: ClientCommands[Namespace],
  ): void {
    this.client?.send(namespace, payload);
  }

  /** The `media` namespace for the media client: it follows the session across reconnects. */
  readonly mediaSignaling: MediaSignaling = {
    send: (command) => this.client?.send('media', command),
    onEvent: (listener) => {
      this.mediaListeners.add(listener);
      return () => this.mediaListeners.delete(listener);
    },
  };

  /** The last `join_success` (media state, who already publishes). */
  joinInfo(): JoinSuccess | undefined {
    return this.lastJoin;
  }

  leave(): void {
    this.leaving = true;
    this.client?.send('control', { action: 'leave' });
    if (this.status.phase !== 'in_room' && this.status.phase !== 'waiting') void this.client?.close();
    this.set({ phase: 'ended', reason: 'left' });
  }

  private set(status: SessionStatus): void {
    this.status = status;
    for (const listener of this.listeners) listener();
  }

  private async connect(resumption: string | undefined): Promise<void> {
    const ticket = await api<StartAnswer>(`/v1/rooms/${this.options.roomId}/start`, {
      method: 'POST',
      as: this.options.credentials,
      body:
        this.options.password === undefined || this.options.password === ''
          ? {}
          : { password: this.options.password },
    });
    const client = await SignalingClient.connect(ticket.signaling_url, {
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    this.client = client;
    client.on((frame) => this.receive(frame));
    void client.closed.then(({ code }) => this.closed(client, code));
    client.send('control', {
      action: 'join',
      ...(resumption === undefined ? { display_name: this.options.displayName } : { resumption }),
    });
  }

  private receive(frame: ReceivedFrame): void {
    const message = frame.payload.message;
    if (frame.namespace === 'control' && message === 'join_success') {
      const join = frame.payload as unknown as JoinSuccess;
      this.resumption = join.resumption;
      this.lastJoin = join;
      this.set({ phase: 'in_room', room: initialState(join) });
      return;
    }
    if (frame.namespace === 'control' && message === 'in_waiting_room') {
      this.resumption = frame.payload['resumption'] as string | undefined;
      this.set({ phase: 'waiting' });
      return;
    }
    if (frame.namespace === 'moderation' && message === 'accepted') {
      this.client?.send('control', { action: 'enter_room' });
      return;
    }
    if (frame.namespace === 'control' && message === 'join_blocked') {
      this.set({ phase: 'ended', reason: 'banned' });
      return;
    }
    if (frame.namespace === 'media') for (const listener of this.mediaListeners) listener(frame.payload);
    if (this.status.phase === 'in_room')
      this.set({ phase: 'in_room', room: reduceFrame(this.status.room, frame) });
  }

  private closed(client: SignalingClient, code: number): void {
    if (client !== this.client || this.leaving) return;
    const reason = closeReasons[code];
    if (reason !== undefined) {
      this.set({ phase: 'ended', reason });
      return;
    }
    // Anything else (network loss, server restart 1001, room moved 4005): rejoin.
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    const room = this.status.phase === 'in_room' ? this.status.room : undefined;
    this.set({ phase: 'reconnecting', room });
    for (let attempt = 0; attempt < 12 && !this.leaving; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 500 * 2 ** attempt)));
      try {
        await this.connect(this.resumption);
        return;
      } catch {
        // Try again: the node may be restarting, or the network still gone.
      }
    }
    if (!this.leaving) this.set({ phase: 'ended', reason: 'failed' });
  }
}
