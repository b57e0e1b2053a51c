import type { Logger } from '@vc/conference-core';
import { AppRequestError, placeCall, type InnovaphoneSettings } from '@vc/connector-innovaphone';
import { isConnectorError } from '@vc/connector-sdk';

import type { CallMeIn } from './meeting-requests.js';

/**
 * "Call me into the meeting" for one connector instance: an RCC call through the PBX from the
 * signed-in user's phone. PBX refusals become the app's errors; the details go to the log.
 */
export function rccCallMeIn(settings: InnovaphoneSettings, logger: Logger): CallMeIn {
  return async (account, target) => {
    try {
      return await placeCall({ settings, user: { guid: account.guid, sip: account.sip }, target, logger });
    } catch (err) {
      if (!isConnectorError(err)) throw err;
      logger.warn({ code: err.code, error: err.message }, 'RCC call refused');
      if (err.code === 'not_found') {
        throw new AppRequestError('forbidden', 'The PBX does not let this app place calls for your phone.');
      }
      throw new AppRequestError('unavailable', 'The PBX could not place the call; try again or dial in.');
    }
  };
}
