import { ConferenceAudioUnavailable, type ConferenceAudio } from './conference-audio.js';

/**
 * The meeting's audio through the phone's own signaling connection: `media.publish_phone` with
 * the relay's endpoint makes the node that owns the room join the meeting's AudioBridge as a
 * plain-RTP participant and answer with Janus's endpoint (`rtp_endpoint`). `media.speaking`
 * reports the relay's talk detection (AudioBridge has none for plain-RTP participants). A `renegotiate` (the
 * Janus server restarted) reports the leg lost, and the call publishes again.
 */
export const signalingConferenceAudio: ConferenceAudio = {
  async join(phone, local, events) {
    const client = phone.signaling;
    const codec = phone.codec === 'PCMA' ? 'pcma' : 'pcmu';
    client.send('media', { action: 'publish_phone', rtp: { ip: local.address, port: local.port, codec } });
    const answer = await client.next(
      (f) =>
        f.namespace === 'media' &&
        (f.payload.message === 'rtp_endpoint' ||
          (f.payload.message === 'error' && f.payload['action'] === 'publish_phone')),
      20_000,
    );
    const {
      ip,
      port,
      payload_type: payloadType,
    } = answer.payload as {
      ip?: unknown;
      port?: unknown;
      payload_type?: unknown;
      detail?: unknown;
    };
    if (answer.payload.message !== 'rtp_endpoint' || typeof ip !== 'string' || typeof port !== 'number') {
      throw new ConferenceAudioUnavailable(
        `the meeting's audio refused the phone: ${JSON.stringify(answer.payload)}`,
      );
    }
    let open = true;
    const stop = client.on((frame) => {
      if (open && frame.namespace === 'media' && frame.payload.message === 'renegotiate') {
        open = false;
        stop();
        events.lost(typeof frame.payload['reason'] === 'string' ? frame.payload['reason'] : 'renegotiate');
      }
    });
    return {
      remote: { address: ip, port },
      payloadType: typeof payloadType === 'number' ? payloadType : codec === 'pcma' ? 8 : 0,
      setMuted(muted) {
        // The bridge's own mute: others see the phone muted and it stops showing as speaking.
        if (open) client.send('media', { action: 'mute', muted });
      },
      setSpeaking(speaking) {
        if (open) client.send('media', { action: 'speaking', speaking });
      },
      leave() {
        if (open) {
          open = false;
          stop();
          try {
            client.send('media', { action: 'unpublish', media: 'audio' });
          } catch {
            // The connection is gone already; the room drops the audio with the participant.
          }
        }
        return Promise.resolve();
      },
    };
  },
};
