import { z } from 'zod';

import { MediaError, type MediaService, type MeetingMedia } from '../../media/media-service.js';
import type { SignalingErrorCode } from '../protocol/envelope.js';
import { defineModule } from '../runtime/module.js';
import type { Participant } from '../runtime/participant.js';
import type { Room } from '../runtime/room.js';
import { participantId } from './shared.js';

/**
 * `media`: WebRTC negotiation between the browser and Janus, relayed by the node that owns the
 * room. All audio goes to the meeting's AudioBridge (mixed; phones join it as plain-RTP
 * participants), camera and screen to its VideoRoom (forwarded). The browser only ever sees our
 * participant ids: Janus rooms, feeds, handles and secrets stay on the server. A breakout room has
 * its own pair of rooms; a participant's media lives in the meeting of the (breakout) room it was
 * in when it published.
 */
const sdp = z.string().min(10).max(12_000);
const video = z.enum(['camera', 'screen']);
const candidate = z
  .strictObject({
    candidate: z.string().max(1000),
    sdpMid: z.string().max(64).nullish(),
    sdpMLineIndex: z.int().min(0).max(64).nullish(),
  })
  .nullable();
const substream = z.int().min(0).max(2);

export const mediaCommands = z.discriminatedUnion('action', [
  /** An offer for the participant's audio (send + receive the mix), camera or screen. */
  z.strictObject({ action: z.literal('publish'), media: z.enum(['audio', 'camera', 'screen']), sdp }),
  z.strictObject({ action: z.literal('unpublish'), media: z.enum(['audio', 'camera', 'screen']) }),
  /** Phones (SIP gateway): join the audio bridge by plain RTP. */
  z.strictObject({
    action: z.literal('publish_phone'),
    rtp: z.strictObject({
      ip: z.ipv4(),
      port: z.int().min(1).max(65535),
      codec: z.enum(['pcma', 'pcmu', 'opus']),
    }),
  }),
  z.strictObject({
    action: z.literal('subscribe'),
    source: participantId,
    media: video,
    substream: substream.optional(),
  }),
  z.strictObject({ action: z.literal('unsubscribe'), source: participantId, media: video }),
  /** The browser's answer to a subscription offer. */
  z.strictObject({ action: z.literal('answer'), source: participantId, media: video, sdp }),
  z.strictObject({
    action: z.literal('trickle'),
    media: z.enum(['audio', 'camera', 'screen']),
    source: participantId.optional(),
    candidate,
  }),
  z.strictObject({
    action: z.literal('configure'),
    source: participantId,
    media: video,
    substream: substream.optional(),
    paused: z.boolean().optional(),
  }),
  /** A subscription's ICE restart: a fresh offer comes back. Own streams restart with a new `publish`. */
  z.strictObject({ action: z.literal('ice_restart'), source: participantId, media: video }),
  z.strictObject({ action: z.literal('mute'), muted: z.boolean() }),
  /** Phones: the SIP gateway's talk detection (AudioBridge detects none for plain-RTP participants). */
  z.strictObject({ action: z.literal('speaking'), speaking: z.boolean() }),
  z.strictObject({ action: z.literal('force_mute'), targets: z.array(participantId).min(1).max(1000) }),
  z.strictObject({ action: z.literal('release_mute'), targets: z.array(participantId).min(1).max(1000) }),
]);
export type MediaCommand = z.input<typeof mediaCommands>;
type ParsedMediaCommand = z.output<typeof mediaCommands>;

interface MediaPeer {
  /** The meeting (main room or breakout room) the participant's media lives in. */
  scope: string | null | undefined;
  audio: 'off' | 'connecting' | 'up';
  muted: boolean;
  forceMuted: boolean;
  camera: boolean;
  screen: boolean;
  speaking: boolean;
}

interface MediaRoomState {
  readonly meetings: Map<string | null, MeetingMedia>;
  lastAvailable: boolean;
  stopWatching: () => void;
}

const peerOf = (p: Participant): MediaPeer => p.modules.get('media') as MediaPeer;

function isPresent(room: Room, p: Participant): boolean {
  return !room.closed && room.participants.get(p.id) === p && p.state === 'in_room';
}

function errorCode(err: unknown): SignalingErrorCode {
  return err instanceof MediaError ? err.code : 'media_failed';
}

/** The `media` module, bound to the hub's media service. */
export function createMediaModule(media: MediaService) {
  const status = (): { available: boolean; reason: string | null } => {
    const reason = media.unavailable();
    return { available: reason === null, reason };
  };

  /** The scope's meeting, created on first use; its events are relayed to the scope's participants. */
  function meetingOf(room: Room, state: MediaRoomState, scope: string | null): MeetingMedia {
    const existing = state.meetings.get(scope);
    if (existing !== undefined) return existing;
    const audience = { scope };
    const byId = (id: string): Participant | undefined => {
      const p = room.participants.get(id);
      return p !== undefined && isPresent(room, p) && peerOf(p).scope === scope ? p : undefined;
    };
    const meeting = media.meeting(scope === null ? room.id : `${room.id}/${scope}`, {
      webrtcUp(id, stream) {
        const p = byId(id);
        if (p === undefined) return;
        const peer = peerOf(p);
        if (stream === 'audio') peer.audio = 'up';
        if (stream === 'camera' || stream === 'screen') {
          peer[stream] = true;
          room.broadcast('media', { message: 'published', id, media: stream }, audience);
          room.announceUpdate(p);
        }
        room.send(p, 'media', { message: 'webrtc_up', ...streamFields(stream) });
      },
      webrtcDown(id, stream, reason) {
        const p = byId(id);
        if (p === undefined) return;
        const peer = peerOf(p);
        if (stream === 'audio') peer.audio = 'off';
        if ((stream === 'camera' || stream === 'screen') && peer[stream]) {
          peer[stream] = false;
          void meeting.unpublish(id, stream);
          room.broadcast('media', { message: 'unpublished', id, media: stream }, audience);
          room.announceUpdate(p);
        }
        room.send(p, 'media', { message: 'webrtc_down', ...streamFields(stream), reason });
      },
      talking(id, talking) {
        const p = byId(id);
        if (p === undefined || peerOf(p).speaking === talking) return;
        peerOf(p).speaking = talking;
        room.broadcast('media', { message: 'speaker_updated', id, speaking: talking }, audience);
      },
      interrupted() {
        const down = room.frame('media', {
          message: 'media_status',
          available: false,
          reason: 'media_server_down',
        });
        for (const p of room.inRoom()) {
          const peer = peerOf(p);
          if (peer.scope !== scope) continue;
          Object.assign(peer, { audio: 'off', camera: false, screen: false, speaking: false });
          room.sendFrame(p, down);
        }
      },
      restored() {
        const up = room.frame('media', { message: 'media_status', ...status() });
        const renegotiate = room.frame('media', { message: 'renegotiate', reason: 'media_server_restarted' });
        for (const p of room.inRoom()) {
          if (peerOf(p).scope !== scope) continue;
          room.sendFrame(p, up);
          room.sendFrame(p, renegotiate);
        }
      },
    });
    state.meetings.set(scope, meeting);
    return meeting;
  }

  /**
   * Runs a media request; refusals and failures come back as this module's error events, naming
   * the stream (`media`, and `source` for a received video) so a client with several requests of
   * the same action in flight knows which one failed.
   */
  function run(
    room: Room,
    from: Participant,
    action: string,
    work: () => Promise<void>,
    stream: StreamFields = {},
  ): void {
    // One request is several Janus requests (attach, join, ...): the client hears within the bound
    // however slow they are. Work that finishes later still sends its SDP, which the client
    // answers with `unsubscribe` (or drops).
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new MediaError(
              'media_failed',
              `no answer from the media server within ${requestBoundMs / 1000} s`,
            ),
          ),
        requestBoundMs,
      );
    });
    Promise.race([work(), bound])
      .finally(() => clearTimeout(timer))
      .catch((err: unknown) => {
        if (!isPresent(room, from)) return;
        const error = errorCode(err);
        if (error === 'media_failed')
          room.logger.warn({ err, participant: from.id, action }, 'media request failed');
        room.send(from, 'media', {
          message: 'error',
          error,
          detail: err instanceof Error ? err.message : String(err),
          action,
          ...stream,
        });
      });
  }

  /** The participant's meeting for a new upstream: moving to another (breakout) room leaves the old one. */
  function upstreamMeeting(room: Room, state: MediaRoomState, from: Participant): MeetingMedia {
    const peer = peerOf(from);
    const scope = from.breakout ?? null;
    if (peer.scope !== undefined && peer.scope !== scope) {
      void state.meetings.get(peer.scope)?.leave(from.id);
      Object.assign(peer, { audio: 'off', camera: false, screen: false, speaking: false });
    }
    peer.scope = scope;
    return meetingOf(room, state, scope);
  }

  return defineModule<ParsedMediaCommand, MediaRoomState, MediaPeer>({
    namespace: 'media',
    commands: mediaCommands,
    moderatorActions: new Set(['force_mute', 'release_mute']),
    createRoomState(room) {
      const state: MediaRoomState = {
        meetings: new Map(),
        lastAvailable: media.unavailable() === null,
        stopWatching: () => undefined,
      };
      state.stopWatching = media.onAvailabilityChange(() => {
        const now = status();
        if (now.available === state.lastAvailable) return;
        state.lastAvailable = now.available;
        room.broadcast('media', { message: 'media_status', ...now });
      });
      return state;
    },
    createPeerState: () => ({
      scope: undefined,
      audio: 'off',
      muted: false,
      forceMuted: false,
      camera: false,
      screen: false,
      speaking: false,
    }),
    joinState: (_room, _state, viewer) => ({
      ...status(),
      ice_servers: media.iceServers(viewer.id).map((s) => ({ ...s, urls: [...s.urls] })),
      muted: peerOf(viewer).muted,
      force_muted: peerOf(viewer).forceMuted,
    }),
    peerView: (_room, peer) => ({
      audio: peer.audio === 'up',
      muted: peer.muted,
      force_muted: peer.forceMuted,
      camera: peer.camera,
      screen: peer.screen,
      speaking: peer.speaking,
    }),
    onLeft(room, state, participant) {
      const peer = peerOf(participant);
      if (peer.scope !== undefined) void state.meetings.get(peer.scope)?.leave(participant.id);
      Object.assign(peer, { scope: undefined, audio: 'off', camera: false, screen: false, speaking: false });
      void room;
    },
    onMoved(room, state, participant) {
      // Janus rooms are per (breakout) room: the streams stay behind, the client publishes anew.
      const peer = peerOf(participant);
      if (peer.scope === undefined || peer.scope === (participant.breakout ?? null)) return;
      const old = peer.scope;
      for (const kind of ['camera', 'screen'] as const) {
        if (peer[kind])
          room.broadcast(
            'media',
            { message: 'unpublished', id: participant.id, media: kind },
            { scope: old },
          );
      }
      void state.meetings.get(old)?.leave(participant.id);
      Object.assign(peer, { scope: undefined, audio: 'off', camera: false, screen: false, speaking: false });
      room.announceUpdate(participant);
      room.send(participant, 'media', { message: 'renegotiate', reason: 'breakout_changed' });
      // What the new room already shows: the mover never saw these `published` events.
      const scope = participant.breakout ?? null;
      for (const other of room.inRoom()) {
        const otherPeer = peerOf(other);
        if (other === participant || otherPeer.scope !== scope) continue;
        for (const kind of ['camera', 'screen'] as const) {
          if (otherPeer[kind])
            room.send(participant, 'media', { message: 'published', id: other.id, media: kind });
        }
      }
    },
    onClose(_room, state) {
      state.stopWatching();
      for (const meeting of state.meetings.values()) void meeting.close();
      state.meetings.clear();
    },
    handle({ room, state, from, peer, fail, reply }, command) {
      const scopeMeeting = (): MeetingMedia | undefined =>
        peer.scope === undefined ? undefined : state.meetings.get(peer.scope);
      switch (command.action) {
        case 'publish': {
          if (media.unavailable() !== null)
            return reply({
              message: 'error',
              error: 'media_unavailable',
              detail: `media is unavailable (${media.unavailable()})`,
              action: command.action,
              media: command.media,
            });
          const meeting = upstreamMeeting(room, state, from);
          const offer = { type: 'offer' as const, sdp: command.sdp };
          return run(
            room,
            from,
            command.action,
            async () => {
              if (command.media === 'audio') peer.audio = 'connecting';
              const answer =
                command.media === 'audio'
                  ? await meeting.joinAudio(from.id, offer, peer.muted)
                  : await meeting.publish(from.id, command.media, offer);
              if (isPresent(room, from)) {
                room.send(from, 'media', { message: 'sdp_answer', media: command.media, sdp: answer.sdp });
              }
            },
            { media: command.media },
          );
        }
        case 'unpublish': {
          const meeting = scopeMeeting();
          if (meeting === undefined) return;
          if (command.media === 'audio') {
            peer.audio = 'off';
            return run(room, from, command.action, () => meeting.leaveAudio(from.id), { media: 'audio' });
          }
          const kind = command.media;
          const was = peer[kind];
          peer[kind] = false;
          if (was) {
            room.broadcast(
              'media',
              { message: 'unpublished', id: from.id, media: kind },
              { scope: peer.scope ?? null },
            );
            room.announceUpdate(from);
          }
          return run(room, from, command.action, () => meeting.unpublish(from.id, kind), { media: kind });
        }
        case 'publish_phone': {
          if (from.kind !== 'phone')
            return fail('insufficient_permissions', 'only phone participants publish RTP');
          if (media.unavailable() !== null)
            return fail('media_unavailable', `media is unavailable (${media.unavailable()})`);
          const meeting = upstreamMeeting(room, state, from);
          return run(room, from, command.action, async () => {
            const endpoint = await meeting.joinPhone(from.id, command.rtp, peer.muted);
            if (!isPresent(room, from)) return;
            peer.audio = 'up';
            room.announceUpdate(from);
            room.send(from, 'media', {
              message: 'rtp_endpoint',
              ip: endpoint.ip,
              port: endpoint.port,
              codec: endpoint.codec,
              payload_type: endpoint.payloadType ?? null,
            });
          });
        }
        case 'subscribe':
        case 'ice_restart': {
          const stream = { source: command.source, media: command.media };
          const refuse = (error: SignalingErrorCode, detail: string): void =>
            reply({ message: 'error', error, detail, action: command.action, ...stream });
          const source = room.participants.get(command.source);
          if (source === undefined || !isPresent(room, source) || source === from) {
            return refuse('unknown_participant', `no participant ${command.source} to receive from`);
          }
          const sourcePeer = peerOf(source);
          const meeting = sourcePeer.scope === undefined ? undefined : state.meetings.get(sourcePeer.scope);
          if (
            meeting === undefined ||
            sourcePeer.scope !== (from.breakout ?? null) ||
            !sourcePeer[command.media]
          ) {
            return refuse('not_published', `${command.source} does not publish a ${command.media} here`);
          }
          if (peer.scope !== sourcePeer.scope) upstreamMeeting(room, state, from);
          return run(
            room,
            from,
            command.action,
            async () => {
              const offer =
                command.action === 'subscribe'
                  ? await meeting.subscribe(from.id, command.source, command.media, command.substream)
                  : await meeting.configureSubscription(from.id, command.source, command.media, {
                      restart: true,
                    });
              if (offer === undefined) throw new MediaError('media_failed', 'Janus made no new offer');
              if (isPresent(room, from)) {
                room.send(from, 'media', { message: 'sdp_offer', ...stream, sdp: offer.sdp });
              }
            },
            stream,
          );
        }
        case 'answer': {
          const stream = { source: command.source, media: command.media };
          const meeting = scopeMeeting();
          if (meeting === undefined)
            return reply({
              message: 'error',
              error: 'not_published',
              detail: 'no subscription to answer',
              action: command.action,
              ...stream,
            });
          const answer = { type: 'answer' as const, sdp: command.sdp };
          return run(
            room,
            from,
            command.action,
            () => meeting.answerSubscription(from.id, command.source, command.media, answer),
            stream,
          );
        }
        case 'unsubscribe': {
          const meeting = scopeMeeting();
          if (meeting === undefined) return;
          return run(
            room,
            from,
            command.action,
            () => meeting.unsubscribe(from.id, command.source, command.media),
            { source: command.source, media: command.media },
          );
        }
        case 'configure': {
          const stream = { source: command.source, media: command.media };
          const meeting = scopeMeeting();
          if (meeting === undefined)
            return reply({
              message: 'error',
              error: 'not_published',
              detail: 'no subscription to configure',
              action: command.action,
              ...stream,
            });
          return run(
            room,
            from,
            command.action,
            async () => {
              await meeting.configureSubscription(from.id, command.source, command.media, {
                substream: command.substream,
                paused: command.paused,
              });
            },
            stream,
          );
        }
        case 'trickle': {
          const meeting = scopeMeeting();
          if (meeting === undefined) return;
          const stream = command.source === undefined ? command.media : `${command.source}:${command.media}`;
          return run(
            room,
            from,
            command.action,
            () => meeting.trickle(from.id, stream, command.candidate),
            command.source === undefined
              ? { media: command.media }
              : { source: command.source, media: command.media },
          );
        }
        case 'mute': {
          if (!command.muted && peer.forceMuted) return fail('force_muted', 'a moderator muted you');
          return setMuted(room, state, from, command.muted);
        }
        case 'speaking': {
          if (from.kind !== 'phone')
            return fail('insufficient_permissions', 'only phones report their own talking');
          // Only a phone that is in the bridge and not muted can be heard, so only then it speaks.
          const speaking = command.speaking && peer.audio === 'up' && !peer.muted;
          if (peer.speaking === speaking || peer.scope === undefined) return;
          peer.speaking = speaking;
          room.broadcast(
            'media',
            { message: 'speaker_updated', id: from.id, speaking },
            { scope: peer.scope },
          );
          return;
        }
        case 'force_mute':
        case 'release_mute': {
          const targets = command.targets.map((id) => room.participants.get(id));
          const missing = command.targets.find(
            (_, i) => targets[i] === undefined || !isPresent(room, targets[i]),
          );
          if (missing !== undefined)
            return fail('unknown_participant', `no participant ${missing} in the room`);
          for (const target of targets as Participant[]) {
            const targetPeer = peerOf(target);
            if (command.action === 'force_mute') {
              targetPeer.forceMuted = true;
              setMuted(room, state, target, true);
              room.send(target, 'media', { message: 'force_muted', by: from.id });
            } else if (targetPeer.forceMuted) {
              targetPeer.forceMuted = false;
              room.send(target, 'media', { message: 'mute_released', by: from.id });
              room.announceUpdate(target);
            }
          }
          return;
        }
      }
    },
  });

  /** Mutes in the bridge (the mix drops the participant) and tells everyone. */
  function setMuted(room: Room, state: MediaRoomState, p: Participant, muted: boolean): void {
    const peer = peerOf(p);
    peer.muted = muted;
    if (muted) peer.speaking = false;
    room.announceUpdate(p);
    room.send(p, 'media', { message: 'mute_updated', muted, force_muted: peer.forceMuted });
    const meeting = peer.scope === undefined ? undefined : state.meetings.get(peer.scope);
    if (meeting !== undefined) run(room, p, 'mute', () => meeting.setMuted(p.id, muted));
  }
}

/**
 * The longest a media request waits before the client is told it failed (`media_failed`); the
 * browser's media client waits 45 s before giving up on its own.
 */
const requestBoundMs = 30_000;

/** The stream a request was about, repeated in its error event. */
interface StreamFields {
  readonly media?: string;
  readonly source?: string;
}

function streamFields(stream: string): { media: string; source?: string } {
  const [first, kind] = stream.split(':');
  return kind === undefined ? { media: stream } : { media: kind, source: first ?? '' };
}
