/**
 * Typed client of the signaling protocol (PROTOCOL.md), for the web client, the SIP gateway and
 * tests. It runs in browsers and in Node: pass the WebSocket constructor (`globalThis.WebSocket`
 * in a browser, `ws`'s `WebSocket` in Node). It imports nothing at run time.
 */
import type { ClientCommands, JoinSuccess, ServerEvent } from './protocol-types.js';

export type { ClientCommands, JoinSuccess, ServerEvent } from './protocol-types.js';

/** The part of the WebSocket interface the client uses; browsers' and `ws`'s both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** A received frame. */
export interface ReceivedFrame {
  readonly namespace: string;
  readonly timestamp: string;
  readonly payload: ServerEvent;
}

export class SignalingError extends Error {
  override readonly name = 'SignalingError';
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

type Waiter = {
  match: (frame: ReceivedFrame) => boolean;
  resolve: (frame: ReceivedFrame) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
};

export class SignalingClient {
  /** Resolves with the close code and reason once the connection is closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly socket: WebSocketLike;
  private readonly inbox: ReceivedFrame[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Set<(frame: ReceivedFrame) => void>();
  private closeInfo: { code: number; reason: string } | undefined;

  private constructor(socket: WebSocketLike) {
    this.socket = socket;
    this.closed = new Promise((resolve) => {
      socket.onclose = (event) => {
        this.closeInfo = { code: event.code, reason: event.reason };
        for (const waiter of this.waiters) {
          clearTimeout(waiter.timer);
          waiter.reject(new SignalingError('closed', `connection closed (${event.code} ${event.reason})`));
        }
        this.waiters.clear();
        resolve(this.closeInfo);
      };
    });
    socket.onmessage = (event) => this.receive(event.data);
  }

  /** Opens the connection to a `signaling_url`; rejects when the server refuses it. */
  static connect(
    url: string,
    options: { WebSocket: WebSocketConstructor; timeoutMs?: number },
  ): Promise<SignalingClient> {
    const socket = new options.WebSocket(url);
    const client = new SignalingClient(socket);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.close();
        reject(new SignalingError('timeout', 'connecting took too long'));
      }, options.timeoutMs ?? 10_000);
      socket.onopen = () => {
        clearTimeout(timer);
        resolve(client);
      };
      socket.onerror = () => {
        clearTimeout(timer);
        reject(
          new SignalingError(
            'refused',
            'the server refused the connection (ticket used, expired or wrong node?)',
          ),
        );
      };
    });
  }

  /** Sends one command. */
  send<Namespace extends keyof ClientCommands>(
    namespace: Namespace,
    payload: ClientCommands[Namespace],
  ): void {
    this.socket.send(JSON.stringify({ namespace, payload }));
  }

  /** Sends a raw text frame (for tests of bad input). */
  sendRaw(text: string): void {
    this.socket.send(text);
  }

  /**
   * Joins: resolves with `join_success`, or with `in_waiting_room` when a moderator must accept
   * first (then call `enterRoom` after `moderation.accepted`).
   */
  async join(options: { display_name?: string; resumption?: string } = {}): Promise<ReceivedFrame> {
    this.send('control', { action: 'join', ...options });
    return this.next(
      (f) =>
        (f.namespace === 'control' &&
          ['join_success', 'in_waiting_room', 'join_blocked'].includes(f.payload.message)) ||
        (f.namespace === 'moderation' && f.payload.message === 'accepted'),
    );
  }

  /** After `moderation.accepted`: enters and resolves with `join_success`. */
  async enterRoom(): Promise<JoinSuccess> {
    this.send('control', { action: 'enter_room' });
    return (await this.next('control', 'join_success')).payload as unknown as JoinSuccess;
  }

  /** Every frame as it arrives; returns an unsubscribe function. */
  on(listener: (frame: ReceivedFrame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The first received frame not yet taken by `next` that matches, waiting up to `timeoutMs`.
   * Frames that arrived before the call count, so a test can send and then wait.
   */
  next(
    namespace: string,
    message: string,
    where?: (payload: ServerEvent) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedFrame>;
  next(match: (frame: ReceivedFrame) => boolean, timeoutMs?: number): Promise<ReceivedFrame>;
  next(
    a: string | ((frame: ReceivedFrame) => boolean),
    b?: string | number,
    c?: (payload: ServerEvent) => boolean,
    d?: number,
  ): Promise<ReceivedFrame> {
    const match =
      typeof a === 'function'
        ? a
        : (f: ReceivedFrame) =>
            f.namespace === a && f.payload.message === b && (c === undefined || c(f.payload));
    const timeoutMs = (typeof a === 'function' ? (b as number | undefined) : d) ?? 5_000;
    const index = this.inbox.findIndex(match);
    if (index >= 0) return Promise.resolve(this.inbox.splice(index, 1)[0] as ReceivedFrame);
    if (this.closeInfo !== undefined) {
      return Promise.reject(new SignalingError('closed', `connection closed (${this.closeInfo.code})`));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new SignalingError('timeout', `no matching frame within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Frames received and not yet taken by `next`. */
  pending(): readonly ReceivedFrame[] {
    return this.inbox;
  }

  close(code = 1000, reason = 'bye'): Promise<{ code: number; reason: string }> {
    this.socket.close(code, reason);
    return this.closed;
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: ReceivedFrame;
    try {
      frame = JSON.parse(data) as ReceivedFrame;
    } catch {
      return;
    }
    for (const listener of this.listeners) listener(frame);
    for (const waiter of this.waiters) {
      if (!waiter.match(frame)) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve(frame);
      return;
    }
    this.inbox.push(frame);
    // A client that never asks for old frames must not grow without bound.
    if (this.inbox.length > 10_000) this.inbox.shift();
  }
}
