/**
 * Whether the caller talks, decided from the levels of its 20 ms frames the way Janus AudioBridge
 * decides it for WebRTC participants (average -dBov over a window of packets below a threshold;
 * the same numbers as the bridge's room, so phones and browsers show as speaking alike).
 *
 * The relay has to do this itself: AudioBridge (1.1.x) accepts `audiolevel_ext` for a plain-RTP
 * participant but never parses that extension on plain RTP, so it raises no talking events for phones.
 */
export class TalkDetector {
  private sum = 0;
  private count = 0;
  private talking = false;

  private readonly window: number;
  private readonly threshold: number;

  /**
   * @param window frames per decision: 50 x 20 ms = 1 s, as the bridge's `talking_packets_threshold`
   * @param threshold average -dBov below which the caller talks, as its `talking_level_threshold`
   */
  constructor(window = 50, threshold = 40) {
    this.window = window;
    this.threshold = threshold;
  }

  /** Feeds one frame's level; returns the new state when a window ends with a change, else undefined. */
  feed(level: number): boolean | undefined {
    this.sum += level;
    this.count += 1;
    if (this.count < this.window) return undefined;
    const talking = this.sum / this.count < this.threshold;
    this.sum = 0;
    this.count = 0;
    if (talking === this.talking) return undefined;
    this.talking = talking;
    return talking;
  }

  /** Back to silent (muted, left the bridge); true when the caller was talking until now. */
  reset(): boolean {
    const was = this.talking;
    this.sum = 0;
    this.count = 0;
    this.talking = false;
    return was;
  }
}
