import { WebSocket } from 'ws';

import {
  SignalingClient,
  type JoinSuccess,
  type WebSocketConstructor,
} from '../signaling/client/signaling-client.js';

export interface MeetingEvents {
  /** Waiting for a moderator (waiting room or dial-in lobby). */
  waiting(): void;
  /** In the meeting: seen by everyone, may join the audio. */
  entered(me: JoinSuccess, client: SignalingClient): void;
  /** A moderator asked everyone (or this phone) to mute. */
  muteRequested(): void;
  /** Removed (kicked, meeting ended) or the connection was lost. */
  ended(reason: 'kicked' | 'meeting_ended' | 'connection_lost'): void;
}

export interface MeetingSession {
  readonly client: SignalingClient;
  /** Leaves for good (`control.leave`); the others see `left`. */
  leave(): Promise<void>;
}

/**
 * The phone caller's place in the meeting's signaling: connects with the ticket, joins with the
 * display name the API chose, waits in the waiting room like anyone else, and reports what the
 * call must react to.
 */
export async function joinMeeting(
  signalingUrl: string,
  displayName: string,
  events: MeetingEvents,
): Promise<MeetingSession> {
  const client = await SignalingClient.connect(signalingUrl, {
    WebSocket: WebSocket as unknown as WebSocketConstructor,
  });
  let leaving = false;
  client.on((frame) => {
    const message = frame.payload.message;
    if (frame.namespace === 'moderation' && message === 'accepted' && sawJoin) {
      client
        .enterRoom()
        .then((me) => events.entered(me, client))
        .catch(() => undefined);
    } else if (
      (frame.namespace === 'moderation' && message === 'mute_requested') ||
      (frame.namespace === 'media' && message === 'force_muted')
    ) {
      events.muteRequested();
    } else if (frame.namespace === 'control' && message === 'in_waiting_room') {
      // Also after `send_to_waiting_room`: the caller hears that they wait.
      if (sawJoin) events.waiting();
    }
  });
  let sawJoin = false;
  void client.closed.then(({ code }) => {
    if (leaving) return;
    events.ended(
      code === 4001 || code === 4002 ? 'kicked' : code === 4003 ? 'meeting_ended' : 'connection_lost',
    );
  });
  const answer = await client.join({ display_name: displayName.slice(0, 100) });
  sawJoin = true;
  const message = answer.payload.message;
  if (message === 'join_success') events.entered(answer.payload as unknown as JoinSuccess, client);
  else if (message === 'in_waiting_room') events.waiting();
  else if (message === 'accepted') {
    // Accepted before we even asked (accept_all raced the join): enter right away.
    events.entered(await client.enterRoom(), client);
  }
  return {
    client,
    async leave() {
      if (leaving) return;
      leaving = true;
      client.send('control', { action: 'leave' });
      await Promise.race([client.closed, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    },
  };
}
