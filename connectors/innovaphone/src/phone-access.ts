import type { PhoneAccess } from './app-messages.js';
import type { InnovaphoneSettings } from './settings.js';

/**
 * How a PBX user reaches the room by phone. The SIP gateway (decision 0017) reads `<id>*<pin>` from
 * the Request-URI user and skips its menu, so one call needs no DTMF: through the PBX route (which
 * strips the route prefix) or straight to the gateway's host as a SIP URI.
 */
export function phoneAccess(
  dialIn: { number: string | null; conferenceId: string; pin: string },
  settings: Pick<InnovaphoneSettings, 'callInNumber' | 'callInSipDomain'>,
): PhoneAccess {
  const digits = `${dialIn.conferenceId}*${dialIn.pin}`;
  return {
    number: settings.callInNumber ?? dialIn.number,
    conferenceId: dialIn.conferenceId,
    pin: dialIn.pin,
    directDial: {
      num: settings.callInNumber === undefined ? null : `${settings.callInNumber}${digits}`,
      sip: settings.callInSipDomain === undefined ? null : `sip:${digits}@${settings.callInSipDomain}`,
    },
  };
}
