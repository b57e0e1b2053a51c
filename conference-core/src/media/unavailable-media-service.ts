import {
  MediaError,
  type MediaService,
  type MediaUnavailableReason,
  type MeetingMedia,
} from './media-service.js';

/** Media switched off, or no Janus to use: every media request is refused with the reason. */
export function createUnavailableMediaService(reason: MediaUnavailableReason): MediaService {
  const refuse = (): Promise<never> =>
    Promise.reject(new MediaError('media_unavailable', `media is unavailable (${reason})`));
  const meeting: MeetingMedia = {
    joinAudio: refuse,
    leaveAudio: () => Promise.resolve(),
    joinPhone: refuse,
    setMuted: () => Promise.resolve(),
    publish: refuse,
    unpublish: () => Promise.resolve(),
    isPublished: () => false,
    subscribe: refuse,
    answerSubscription: refuse,
    configureSubscription: refuse,
    unsubscribe: () => Promise.resolve(),
    trickle: () => Promise.resolve(),
    leave: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  return {
    unavailable: () => reason,
    onAvailabilityChange: () => () => undefined,
    iceServers: () => [],
    meeting: () => meeting,
    load: () => [],
    close: () => Promise.resolve(),
  };
}
