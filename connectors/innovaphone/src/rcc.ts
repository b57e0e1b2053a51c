import { ConnectorError, type ConnectorLogger } from '@vc/connector-sdk';

import { expectAnswer, openPbxConnection, type PbxMessage } from './pbx-connection.js';
import type { InnovaphoneSettings } from './settings.js';

/** Where the user's phone should call: one-step direct dial, or the number and then DTMF. */
export interface CallTarget {
  /** Through the PBX's call-in route: `<route><id>*<pin>`. */
  readonly num: string | null;
  /** Straight to the gateway: `sip:<id>*<pin>@<host>`. */
  readonly sip: string | null;
  /** The plain call-in number, for the DTMF fallback. */
  readonly number: string | null;
  /** Keyed in once the call is connected when there is no direct dial: `<id>#<pin>#`. */
  readonly dtmf: string;
}

export interface PlaceCallOptions {
  readonly settings: InnovaphoneSettings;
  /** The PBX user whose phone calls (their GUID, and SIP name as a second key). */
  readonly user: { readonly guid: string; readonly sip: string };
  readonly target: CallTarget;
  readonly logger: ConnectorLogger;
  readonly signal?: AbortSignal;
  /** How long the DTMF fallback waits for the call to connect. */
  readonly connectTimeoutMs?: number;
}

const rcc = (mt: string, fields: PbxMessage = {}): PbxMessage => ({ api: 'RCC', mt, ...fields });

/**
 * "Call me into the meeting" through RCC (doc/appwebsocket/RCC.htm): Initialize lists the users the
 * App object may control (UserInfo), UserInitialize monitors ours, UserCall makes their phone call
 * the direct-dial number (the gateway reads id and PIN from it), or the plain number, after which
 * UserDTMF keys in id and PIN once CallInfo reports the call connected (`msg` `r-conn`).
 */
export async function placeCall(options: PlaceCallOptions): Promise<{ call: string }> {
  const { settings, user, target } = options;
  const infos: PbxMessage[] = [];
  const connected = new Set<number>();
  let onConnected: (() => void) | undefined;
  const connection = await openPbxConnection({
    url: settings.pbxUrl,
    appObject: settings.appObject,
    password: settings.appPassword,
    timeoutMs: settings.timeoutMs,
    ...(options.signal !== undefined && { signal: options.signal }),
    onPush: (message) => {
      if (message['mt'] === 'UserInfo') infos.push(message);
      if (
        message['mt'] === 'CallInfo' &&
        message['msg'] === 'r-conn' &&
        typeof message['call'] === 'number'
      ) {
        connected.add(message['call']);
        onConnected?.();
      }
    },
  });
  try {
    await expectAnswer(connection, rcc('Initialize'), 'forbidden');
    const guid = user.guid.toLowerCase();
    const info =
      infos.find((i) => typeof i['guid'] === 'string' && i['guid'].toLowerCase() === guid) ??
      infos.find((i) => user.sip !== '' && i['h323'] === user.sip);
    const cn = typeof info?.['cn'] === 'string' ? info['cn'] : undefined;
    if (cn === undefined) {
      throw new ConnectorError(
        'not_found',
        'the PBX user is not among the users this App object may control',
      );
    }
    const monitored = await expectAnswer(connection, rcc('UserInitialize', { cn }), 'not_found');
    const handle = monitored['user'];
    const direct =
      target.num !== null ? { e164: target.num } : target.sip !== null ? { h323: target.sip } : undefined;
    // A configured number may be written for people (`+49 30 5550100`); the PBX dials digits.
    const destination =
      direct ?? (target.number === null ? undefined : { e164: target.number.replace(/[^0-9+*#]/g, '') });
    if (destination === undefined) {
      throw new ConnectorError('invalid_settings', 'no call-in number or SIP host is configured');
    }
    const placed = await expectAnswer(connection, rcc('UserCall', { user: handle, ...destination }));
    const call = placed['call'];
    if (typeof call !== 'number') throw new ConnectorError('invalid_data', 'UserCallResult without a call');
    options.logger.info({ call, direct: direct !== undefined }, 'RCC call placed');
    if (direct === undefined) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new ConnectorError('upstream_unavailable', 'the call did not connect in time')),
          options.connectTimeoutMs ?? 60_000,
        );
        onConnected = () => {
          if (!connected.has(call)) return;
          clearTimeout(timer);
          resolve();
        };
        onConnected();
      });
      await expectAnswer(connection, rcc('UserDTMF', { call, dtmf: target.dtmf }));
    }
    return { call: String(call) };
  } finally {
    connection.close();
  }
}
