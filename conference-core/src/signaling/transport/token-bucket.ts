/**
 * A token bucket: `capacity` tokens, refilled at `perSecond`; each message takes one. Time is
 * passed in so tests need no clock tricks.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly capacity: number;
  private readonly perSecond: number;

  constructor(capacity: number, perSecond: number, now: number) {
    this.capacity = capacity;
    this.perSecond = perSecond;
    this.tokens = capacity;
    this.last = now;
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export interface SignalingLimits {
  /** Frames per second per connection, and the burst allowed above it. */
  readonly framesPerSecond: number;
  readonly frameBurst: number;
  /** Chat messages per second per participant, and the burst. */
  readonly chatPerSecond: number;
  readonly chatBurst: number;
  /** Frames larger than this get `frame_too_large`; `maxPayload` (the hard limit) closes with 1009. */
  readonly maxFrameBytes: number;
  readonly maxPayload: number;
  /**
   * Refused frames (invalid, too large, over the rate) a connection may send before it is closed
   * with a reason; refilled at `strikesPerSecond`.
   */
  readonly strikeBurst: number;
  readonly strikesPerSecond: number;
}

export const defaultLimits: SignalingLimits = {
  framesPerSecond: 10,
  frameBurst: 30,
  chatPerSecond: 2,
  chatBurst: 10,
  maxFrameBytes: 16 * 1024,
  maxPayload: 64 * 1024,
  strikeBurst: 20,
  strikesPerSecond: 1,
};
