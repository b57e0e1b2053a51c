/**
 * What a meeting page (tests/browser/meeting-page.ts) offers the test through `window.meeting`.
 * Plain data only: the page's DOM types stay in the browser project.
 */
export interface MeetingPageApi {
  /**
   * Joins, publishes the fake microphone and camera; resolves with the participant id. With
   * `relayOnly` every connection goes through TURN (iceTransportPolicy 'relay').
   */
  join(signalingUrl: string, name: string, relayOnly?: boolean): Promise<string>;
  /** Waits until the source publishes that kind, then receives it. */
  subscribe(source: string, kind: 'camera' | 'screen'): Promise<void>;
  /** Publishes a moving canvas as screen share. */
  shareScreen(): Promise<void>;
  stopScreen(): void;
  isPublished(source: string, kind: 'camera' | 'screen'): boolean;
  /**
   * Per stream (`audio`, `camera`, `<source>:<kind>`; or only `stream`): video frames decoded, video
   * RTP packets received (what Janus forwarded, whether or not a starved page decoded it), audio bytes.
   */
  stats(
    stream?: string,
  ): Promise<{ [stream: string]: { frames: number; videoPackets: number; audioBytes: number } }>;
  /** Per stream: the candidate types of the selected pair (`host`, `srflx`, `prflx`, `relay`). */
  selectedCandidates(): Promise<{ [stream: string]: { local: string; remote: string } }>;
  /** The loudest RMS of the received mix over `ms` (0: silence, -1: no mix yet). */
  mixPeak(ms: number): Promise<number>;
  /** Resolves once a `media` event `message` (with `error`, for errors) has arrived. */
  eventArrived(message: string, error?: string): Promise<void>;
  setMuted(muted: boolean): void;
  /** Benchmark floor: answers a Janus subscriber offer with a bare RTCPeerConnection. */
  floorAnswer(offerSdp: string): Promise<string>;
  /** Frames the floor connection decoded so far. */
  floorFrames(): Promise<number>;
  /** Sends a raw `media` command (moderation in the tests). */
  send(payload: { action: string; [field: string]: unknown }): void;
  /** Sends a raw command of another namespace (breakout rooms in the tests). */
  sendTo(namespace: string, payload: { action: string; [field: string]: unknown }): void;
  /** How many `media` events `message` arrived so far. */
  eventCount(message: string): number;
}
