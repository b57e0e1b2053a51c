import { describe, expect, it } from 'vitest';

import { buildAudioAnswer, parseAudioOffer } from './sdp.js';

const sippOffer = [
  'v=0',
  'o=user1 53655765 2353687637 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 6000 RTP/AVP 8 101',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-11,16',
  '',
].join('\r\n');

describe('SDP offer and answer', () => {
  it('reads address, port, A-law and the telephone-event payload type of an offer', () => {
    expect(parseAudioOffer(sippOffer)).toEqual({
      ok: true,
      offer: {
        address: '127.0.0.1',
        port: 6000,
        codec: 'PCMA',
        payloadType: 8,
        telephoneEvent: 101,
        onHold: false,
      },
    });
  });

  it('prefers A-law, takes µ-law when only that is offered, and refuses other codecs', () => {
    const ulaw = parseAudioOffer(
      sippOffer.replace('RTP/AVP 8 101', 'RTP/AVP 0 101').replace('a=rtpmap:8 PCMA/8000\r\n', ''),
    );
    expect(ulaw).toMatchObject({ ok: true, offer: { codec: 'PCMU', payloadType: 0 } });
    const opus = parseAudioOffer(
      sippOffer
        .replace('RTP/AVP 8 101', 'RTP/AVP 111')
        .replace('a=rtpmap:8 PCMA/8000', 'a=rtpmap:111 opus/48000/2'),
    );
    expect(opus).toMatchObject({ ok: false, reason: 'unsupported_codec' });
  });

  it('recognises hold by direction and by the old 0.0.0.0 address', () => {
    expect(parseAudioOffer(`${sippOffer}a=sendonly\r\n`)).toMatchObject({
      ok: true,
      offer: { onHold: true },
    });
    expect(parseAudioOffer(sippOffer.replace('c=IN IP4 127.0.0.1', 'c=IN IP4 0.0.0.0'))).toMatchObject({
      ok: true,
      offer: { onHold: true },
    });
  });

  it('refuses bodies that are not SDP or carry no audio', () => {
    expect(parseAudioOffer('hello')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(parseAudioOffer('v=0\r\nc=IN IP4 1.2.3.4\r\nm=video 5000 RTP/AVP 96\r\n')).toMatchObject({
      ok: false,
      reason: 'no_audio',
    });
    expect(parseAudioOffer('v=0\r\nm=audio 5000 RTP/AVP 8\r\n')).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });

  it('answers with one codec, telephone-event and 20 ms', () => {
    const parsed = parseAudioOffer(sippOffer);
    if (!parsed.ok) throw new Error('offer refused');
    const answer = buildAudioAnswer({
      address: '127.0.0.1',
      port: 40000,
      offer: parsed.offer,
      sessionId: 1,
      version: 1,
    });
    expect(answer).toContain('m=audio 40000 RTP/AVP 8 101\r\n');
    expect(answer).toContain('a=rtpmap:101 telephone-event/8000\r\n');
    expect(answer).toContain('a=ptime:20\r\n');
    expect(answer).toContain('a=sendrecv\r\n');
  });
});
