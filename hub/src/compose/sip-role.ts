import {
  createCallInApi,
  startSipGateway,
  type ConferenceAudio,
  type Logger,
  type SipGateway,
} from '@vc/conference-core';

import type { HubConfig } from '../config.js';
import { callInClientId, type DevIdp } from '../dev-idp/index.js';

/**
 * The `sip` role: the gateway calls this hub's API (or SIP_API_URL) with the call-in service
 * account; with the development issuer its `vc-call-in` client and secret are the defaults.
 */
export function startSip(
  config: HubConfig,
  parts: { url: string; devIdp: DevIdp | undefined; logger: Logger; audio: ConferenceAudio },
): Promise<SipGateway> {
  const { sip } = config;
  const issuer = parts.devIdp?.issuer ?? config.oidcIssuer;
  const secret = sip.clientSecret ?? parts.devIdp?.clientSecret(callInClientId);
  const tokenUrl =
    sip.tokenUrl ?? (issuer === undefined ? undefined : `${issuer}/protocol/openid-connect/token`);
  if (secret === undefined || tokenUrl === undefined) {
    return Promise.reject(new Error('SIP call-in needs SIP_CLIENT_SECRET (and an issuer or SIP_TOKEN_URL)'));
  }
  return startSipGateway({
    sip: { address: sip.host, port: sip.port, publicAddress: sip.publicAddress, udp: sip.udp, tcp: sip.tcp },
    rtp: { address: sip.host, minPort: sip.rtpPorts[0], maxPort: sip.rtpPorts[1] },
    language: sip.language,
    maxAttempts: sip.maxAttempts,
    maxCalls: sip.maxCalls,
    digitTimeoutMs: 20_000,
    rtpTimeoutMs: sip.rtpTimeoutSec * 1000,
    invitesPerSource: { burst: Math.max(20, sip.invitesPerSecond * 10), perSecond: sip.invitesPerSecond },
    api: createCallInApi({
      apiUrl: sip.apiUrl ?? parts.url,
      tokenUrl,
      clientId: sip.clientId,
      clientSecret: secret,
    }),
    audio: parts.audio,
    registration: sip.registration === undefined ? undefined : { ...sip.registration, keepAliveSec: 25 },
    logger: parts.logger.child({ component: 'sip' }),
  });
}

/** The gateway once it started, or why it has not (for `/readyz`). */
export interface SipRole {
  readonly gateway: () => SipGateway | undefined;
  readonly problem: () => string;
  /** Waits for a start still under way, then ends the calls politely (BYE). */
  close(): Promise<void>;
}

/** Starts the gateway in the background: a SIP port in use must not stop the rest of the hub. */
export function startSipRole(
  config: HubConfig,
  parts: { url: string; devIdp: DevIdp | undefined; logger: Logger; audio: ConferenceAudio },
): SipRole {
  let gateway: SipGateway | undefined;
  let problem = 'starting';
  const starting = startSip(config, parts).then(
    (started) => {
      gateway = started;
    },
    (err: unknown) => {
      problem = err instanceof Error ? err.message : String(err);
      parts.logger.error({ err }, 'the SIP gateway did not start');
    },
  );
  return {
    gateway: () => gateway,
    problem: () => problem,
    async close() {
      await starting;
      await gateway?.close();
    },
  };
}
