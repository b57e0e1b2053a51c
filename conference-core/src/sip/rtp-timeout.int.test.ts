import { createSocket, type Socket } from 'node:dgram';
import { createServer } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { silentLogger } from '../logging/logger.js';
import { unavailableConferenceAudio } from './conference-audio.js';
import { startSipGateway, type SipGateway } from './sip-gateway.js';

/**
 * The RTP-inactivity timeout on a real gateway over loopback UDP: a caller that lost its network
 * sends neither RTP nor BYE; the gateway must end the call with a BYE of its own and free its
 * ports, but never while RTP still flows. The caller here is raw SIP over a UDP socket.
 */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function bound(): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: (socket.address() as { port: number }).port };
}

const timeoutMs = 1000;
let gateway: SipGateway;
let sipPort: number;

beforeAll(async () => {
  sipPort = await freePort();
  const rtpBase = 52000 + 2 * Math.floor(Math.random() * 2000);
  gateway = await startSipGateway({
    sip: { address: '127.0.0.1', port: sipPort, publicAddress: '127.0.0.1', udp: true, tcp: false },
    rtp: { address: '127.0.0.1', minPort: rtpBase, maxPort: rtpBase + 9 },
    language: 'en',
    maxAttempts: 3,
    maxCalls: 5,
    // Long enough that the menu never ends these calls: only the RTP timeout may.
    digitTimeoutMs: 60_000,
    rtpTimeoutMs: timeoutMs,
    invitesPerSource: { burst: 20, perSecond: 10 },
    api: { start: () => Promise.reject(new Error('no API in this test')) },
    audio: unavailableConferenceAudio,
    logger: silentLogger,
  });
});
afterAll(async () => {
  await gateway.close();
});

/** A caller speaking raw SIP: INVITE, ACK, and a 200 to the gateway's BYE. */
async function call(): Promise<{ bye: Promise<number>; rtp: { socket: Socket }; close(): void }> {
  const sip = await bound();
  const rtp = await bound();
  const callId = `rtp-timeout-${Math.random()}@127.0.0.1`;
  const sdp = `v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${rtp.port} RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n`;
  const base = (method: string, cseq: number, toTag?: string) =>
    [
      `${method} sip:callin@127.0.0.1:${sipPort} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${sip.port};branch=z9hG4bK-${Math.random().toString(36).slice(2)}`,
      `From: <sip:+4930111@127.0.0.1:${sip.port}>;tag=caller`,
      `To: <sip:callin@127.0.0.1>${toTag === undefined ? '' : `;tag=${toTag}`}`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} ${method}`,
      `Contact: <sip:+4930111@127.0.0.1:${sip.port}>`,
      'Max-Forwards: 70',
    ].join('\r\n');
  const startedAt = performance.now();
  let answered: (toTag: string) => void;
  const ok = new Promise<string>((resolve) => (answered = resolve));
  let byeAt: (ms: number) => void;
  const bye = new Promise<number>((resolve) => (byeAt = resolve));
  sip.socket.on('message', (data) => {
    const text = data.toString();
    if (text.startsWith('SIP/2.0 200') && text.includes('INVITE')) {
      answered(/^To:.*;tag=([^;\r\n]+)/im.exec(text)?.[1] ?? '');
    } else if (text.startsWith('BYE ')) {
      const header = (name: string) => new RegExp(`^${name}:.*$`, 'im').exec(text)?.[0] ?? '';
      const reply = [
        'SIP/2.0 200 OK',
        header('Via'),
        header('From'),
        header('To'),
        header('Call-ID'),
        header('CSeq'),
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      sip.socket.send(reply, sipPort, '127.0.0.1');
      byeAt(performance.now() - startedAt);
    }
  });
  sip.socket.send(
    `${base('INVITE', 1)}\r\nContent-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`,
    sipPort,
    '127.0.0.1',
  );
  const toTag = await ok;
  sip.socket.send(`${base('ACK', 1, toTag)}\r\nContent-Length: 0\r\n\r\n`, sipPort, '127.0.0.1');
  return {
    bye,
    rtp,
    close: () => {
      sip.socket.close();
      rtp.socket.close();
    },
  };
}

describe('SIP gateway: RTP inactivity', () => {
  it('hangs up a call whose RTP stopped, not while it flows, and frees its ports', async () => {
    const silent = await call();
    const talking = await call();
    // The second caller sends 20 ms A-law frames for three timeouts, then goes quiet.
    expect(gateway.calls.size).toBe(2);
    let n = 0;
    const rtpPort = await new Promise<number>((resolve) => {
      // The relay's caller-side port: the greeting it plays comes from there.
      talking.rtp.socket.once('message', (_data, from) => resolve(from.port));
    });
    const timer = setInterval(() => {
      const packet = Buffer.alloc(172, 0xd5);
      packet[0] = 0x80;
      packet[1] = 8;
      packet.writeUInt16BE(n++ & 0xffff, 2);
      talking.rtp.socket.send(packet, rtpPort, '127.0.0.1');
    }, 20);
    const silentEnded = await silent.bye;
    expect(silentEnded).toBeGreaterThanOrEqual(timeoutMs);
    expect(silentEnded).toBeLessThan(timeoutMs + 3000);
    await new Promise((resolve) => setTimeout(resolve, 2 * timeoutMs));
    expect(gateway.calls.size).toBe(1);
    clearInterval(timer);
    const stoppedAt = performance.now();
    const talkingEnded = await talking.bye;
    expect(talkingEnded).toBeGreaterThan(3 * timeoutMs);
    expect(performance.now() - stoppedAt).toBeLessThan(timeoutMs + 3000);
    silent.close();
    talking.close();
    for (let i = 0; i < 100 && gateway.rtpPortsInUse > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(gateway.rtpPortsInUse).toBe(0);
    expect(gateway.finished.map((c) => c.reason)).toEqual(['rtp_timeout', 'rtp_timeout']);
  }, 20_000);
});
