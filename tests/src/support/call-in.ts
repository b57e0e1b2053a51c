import { createSocket, type Socket } from 'node:dgram';

import * as oidc from 'openid-client';

import type { ReceivedFrame, SignalingClient } from '@vc/conference-core/signaling-client';

import type { ApiHub } from './api-hub.js';
import { alawLevel, toneFrame } from './plain-rtp-mixer.js';
import { connect, createRoom } from './signaling.js';
import type { SippStep } from './sipp.js';

/** Shared set-ups of the SIP call-in tests and the SIP benchmark. */

/**
 * The hub settings every call-in suite starts from: the SIP edge on 127.0.0.1:`sipPort`, `rtpPorts`
 * relay ports from a random even base (suites run in parallel), and the call-in client's secret.
 */
export function callInEnv(
  sipPort: number,
  options: { readonly callInSecret: string; readonly rtpPorts?: number },
): Record<string, string> {
  const rtpBase = 50000 + 2 * Math.floor(Math.random() * 2000);
  return {
    SIP_PORT: String(sipPort),
    SIP_HOST: '127.0.0.1',
    SIP_RTP_PORTS: `${rtpBase}-${rtpBase + (options.rtpPorts ?? 10) - 1}`,
    DEV_IDP_CALL_IN_SECRET: options.callInSecret,
  };
}

/** `control.joined` of a phone participant (any, or one shown as `name`). */
export const isPhone = (payload: ReceivedFrame['payload']): boolean =>
  (payload['participant'] as { control: { participation_kind: string } }).control.participation_kind ===
  'phone';
export const isPhoneNamed =
  (name: string) =>
  (payload: ReceivedFrame['payload']): boolean =>
    isPhone(payload) &&
    (payload['participant'] as { control: { display_name: string } }).control.display_name === name;

/** A meeting with dial-in switched on: its room, conference id and PIN. */
export interface DialIn {
  readonly roomId: string;
  readonly id: string;
  readonly pin: string;
}

/** Creates a room as `token`'s user and switches dial-in on (`PUT /v1/rooms/{id}/sip`). */
export async function dialInRoom(
  api: ApiHub,
  token: string,
  body: Record<string, unknown> = {},
): Promise<DialIn> {
  const roomId = await createRoom(api, token);
  const res = await api.call(`/v1/rooms/${roomId}/sip`, { method: 'PUT', token, body });
  if (!res.ok) throw new Error(`dial-in answered ${res.status}: ${await res.text()}`);
  const sip = (await res.json()) as { sip_id: string; password: string };
  return { roomId, id: sip.sip_id, pin: sip.password };
}

/**
 * A caller who types id and PIN, waits `settleMs`, talks (7 s of speech, `speechPlays` times, each
 * followed by 7.5 s so the pcaps do not overlap) and hangs up.
 */
export function pinEntrySteps(
  dialIn: { readonly id: string; readonly pin: string },
  options: { settleMs?: number; speechPlays?: number; pcap?: string } = {},
): SippStep[] {
  const talk = Array.from({ length: options.speechPlays ?? 1 }, (): SippStep[] => [
    options.pcap === undefined ? { speech: true } : { speech: true, pcap: options.pcap },
    { pause: 7500 },
  ]).flat();
  return [
    { dtmf: `${dialIn.id}#${dialIn.pin}#` },
    { pause: options.settleMs ?? 2000 },
    ...talk,
    { hangUp: true },
  ];
}

/** A call-in service token from the hub's development issuer (client `vc-call-in`). */
export async function callInToken(api: ApiHub, secret: string): Promise<string> {
  const issuer = api.hub.devIdpIssuer ?? '';
  const client = new oidc.Configuration(
    { issuer, token_endpoint: `${issuer}/protocol/openid-connect/token` },
    'vc-call-in',
    undefined,
    oidc.ClientSecretBasic(secret),
  );
  oidc.allowInsecureRequests(client);
  return (await oidc.clientCredentialsGrant(client)).access_token;
}

/** Polls `condition` every 50 ms (for state other processes change); throws after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * One plain-RTP participant of an AudioBridge on 127.0.0.1: sends 20 ms A-law frames (a tone, or
 * silence that only opens the bridge's way back) and counts the frames of its mix and the loud
 * ones. The bridge answers only the address it was told and only after a first packet from it.
 */
export class RtpParticipant {
  readonly heard = { frames: 0, loud: 0 };
  private timer: NodeJS.Timeout | undefined;
  private readonly socket: Socket;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('message', (data) => {
      this.heard.frames += 1;
      if (alawLevel(data.subarray(12)) > 200) this.heard.loud += 1;
    });
    socket.on('error', () => undefined);
  }

  static async bind(): Promise<RtpParticipant> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new RtpParticipant(socket);
  }

  get port(): number {
    return (this.socket.address() as { port: number }).port;
  }

  start(bridge: { ip: string; port: number }, sound: 'tone' | 'silence'): void {
    let n = 0;
    const silence = Buffer.alloc(160, 0xd5);
    this.timer = setInterval(() => {
      const header = Buffer.alloc(12);
      header[0] = 0x80;
      header[1] = 8;
      header.writeUInt16BE(n & 0xffff, 2);
      header.writeUInt32BE(n * 160, 4);
      header.writeUInt32BE(0x1157e4e7, 8);
      const frame = sound === 'tone' ? toneFrame(n * 160) : silence;
      this.socket.send(Buffer.concat([header, frame]), bridge.port, bridge.ip);
      n += 1;
    }, 20);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  close(): void {
    this.stop();
    this.socket.close();
  }
}

/**
 * A plain-RTP participant that enters the meeting the way the gateway's phones do: call-in start
 * with the room's id and PIN, signaling join, `media.publish_phone`. Resolves once it sends.
 */
export async function joinAsRtpPhone(
  api: ApiHub,
  options: {
    readonly callInSecret: string;
    readonly dialIn: { readonly id: string; readonly pin: string };
    readonly displayName: string;
    readonly sound: 'tone' | 'silence';
  },
): Promise<{ client: SignalingClient; rtp: RtpParticipant }> {
  const started = await api.call('/v1/services/call_in/start', {
    method: 'POST',
    token: await callInToken(api, options.callInSecret),
    body: { id: options.dialIn.id, pin: options.dialIn.pin, caller: { key: `rtp-${options.displayName}` } },
  });
  if (started.status !== 200) throw new Error(`call-in start answered ${started.status}`);
  const client = await connect(((await started.json()) as { signaling_url: string }).signaling_url);
  const joined = await client.join({ display_name: options.displayName });
  if (joined.payload.message !== 'join_success') {
    await client.close();
    throw new Error(`join answered ${JSON.stringify(joined.payload)}`);
  }
  const rtp = await RtpParticipant.bind();
  client.send('media', { action: 'publish_phone', rtp: { ip: '127.0.0.1', port: rtp.port, codec: 'pcma' } });
  const answer = await client.next(
    (f) => f.namespace === 'media' && ['rtp_endpoint', 'error'].includes(f.payload.message),
    20_000,
  );
  if (answer.payload.message !== 'rtp_endpoint') {
    rtp.close();
    await client.close();
    throw new Error(`publish_phone answered ${JSON.stringify(answer.payload)}`);
  }
  rtp.start(answer.payload as unknown as { ip: string; port: number }, options.sound);
  return { client, rtp };
}
