import { ConnectorError, type MeetingAccess } from '@vc/connector-sdk';

import { valueAt } from './document-tree.js';
import { describeFailure, expectResult, type RpcClient } from './rpc-client.js';
import type { A12Settings } from './settings.js';

/** The dial-in block as one line of text, as people copy it into a phone. */
export function dialInText(dialIn: NonNullable<MeetingAccess['dialIn']>): string {
  const parts = [
    dialIn.number === null ? null : `Tel. ${dialIn.number}`,
    `ID ${dialIn.conferenceId}`,
    `PIN ${dialIn.pin}`,
  ];
  return parts.filter((p) => p !== null).join(' · ');
}

/** The output fields and the values we want in them. */
export function outputValues(
  settings: A12Settings,
  access: MeetingAccess,
): { path: string; value: string | null }[] {
  const values: { path: string; value: string | null }[] = [
    { path: settings.eventIdField, value: access.eventId },
    { path: settings.joinUrlField, value: access.joinUrl },
  ];
  if (settings.guestUrlField !== undefined)
    values.push({ path: settings.guestUrlField, value: access.guestUrl });
  if (settings.dialInField !== undefined) {
    values.push({
      path: settings.dialInField,
      value: access.dialIn === null ? null : dialInText(access.dialIn),
    });
  }
  return values;
}

/**
 * Writes the meeting's access details into the document with PARTIAL_MODIFY_DOCUMENT, only the
 * fields that differ. A retry after a lost answer reads the document first and writes nothing
 * when it already holds our values, so the document is never modified twice for one change.
 */
export async function writeBack(
  settings: A12Settings,
  rpc: RpcClient,
  docRef: string,
  access: MeetingAccess,
): Promise<{ written: number }> {
  const [current] = await rpc.batch([{ method: 'GET_DOCUMENT', params: { docRef } }]);
  const document = (expectResult(current, `GET_DOCUMENT ${docRef}`) as { document?: unknown } | null)
    ?.document;
  const holder = valueAt(document, settings.eventIdField);
  const heldEventId = holder !== undefined && 'value' in holder ? holder.value : undefined;
  if (typeof heldEventId === 'string' && heldEventId !== '' && heldEventId !== access.eventId) {
    // Someone copied the document, or another hub serves it: never overwrite another meeting's link.
    throw new ConnectorError(
      'invalid_data',
      `${docRef} already holds meeting ${heldEventId} in ${settings.eventIdField}; not overwriting it with ${access.eventId}`,
      { retryable: false },
    );
  }
  const changes = outputValues(settings, access).filter(({ path, value }) => {
    const found = valueAt(document, path);
    const held = found !== undefined && 'value' in found ? found.value : null;
    return held !== value;
  });
  if (changes.length === 0) return { written: 0 };
  const [modified] = await rpc.batch([
    {
      method: 'PARTIAL_MODIFY_DOCUMENT',
      params: { docRef, documentPart: changes.map(({ path, value }) => ({ path, value })) },
    },
  ]);
  if (modified !== undefined && !modified.ok) {
    throw new ConnectorError(
      'invalid_data',
      `PARTIAL_MODIFY_DOCUMENT ${docRef}: ${describeFailure(modified.error)}`,
    );
  }
  return { written: changes.length };
}
