import { ConnectorError, defineConnector } from '@vc/connector-sdk';

import { mapDocument } from './map-appointment.js';
import { modifiedSinceQuery, pollAppointments, readDocument } from './poll.js';
import { createRpcClient, describeFailure, expectResult, type RpcOutcome } from './rpc-client.js';
import { a12Settings } from './settings.js';
import { validateMapping } from './validate-mapping.js';
import { writeBack } from './write-back.js';

/**
 * mgm A12: appointment documents of a configured model ask for video meetings. The connector polls
 * Data Services for documents modified since the cursor, maps them through the configured fields,
 * and writes the meeting's links back into the document (the hub decides what to create).
 */
export const a12Connector = defineConnector({
  id: 'a12',
  version: '1.0.0',
  displayName: 'mgm A12',
  description:
    'Video appointments from A12 business applications: meetings for appointment documents, links written back.',
  settings: a12Settings,
  capabilities: {
    appointments: {
      async check(ctx) {
        const [outcome] = await createRpcClient(ctx).batch([
          modifiedSinceQuery({ ...ctx.settings, pageSize: 1 }, null, 0),
        ]);
        expectResult(outcome, `QUERY ${ctx.settings.documentModel}`, 'invalid_settings');
      },
      validate: (ctx) => validateMapping(ctx.settings, createRpcClient(ctx)),
      poll: (ctx, cursor) => pollAppointments(ctx, createRpcClient(ctx), cursor),
      async fetch(ctx, externalId) {
        requireOwnModel(ctx.settings.documentModel, externalId);
        const [outcome] = await createRpcClient(ctx).batch([
          { method: 'GET_DOCUMENT', params: { docRef: externalId } },
        ]);
        if (outcome !== undefined && isNotFound(outcome)) return null;
        const doc = readDocument(ctx.settings, expectResult(outcome, `GET_DOCUMENT ${externalId}`));
        const mapped = mapDocument(ctx.settings, doc);
        if (!mapped.ok) throw new ConnectorError('invalid_data', `${externalId}: ${mapped.skipped.reason}`);
        return mapped.appointment;
      },
      async writeBack(ctx, externalId, access) {
        requireOwnModel(ctx.settings.documentModel, externalId);
        const { written } = await writeBack(ctx.settings, createRpcClient(ctx), externalId, access);
        ctx.logger.debug({ docRef: externalId, written }, 'meeting details written back');
      },
    },
  },
});

/** docRefs look like `<DocumentModel>/<id>`: a hint about another model is not ours to read. */
function requireOwnModel(model: string, docRef: string): void {
  if (!docRef.startsWith(`${model}/`) || docRef.length === model.length + 1) {
    throw new ConnectorError('invalid_data', `${docRef} is not a document of model ${model}`);
  }
}

function isNotFound(outcome: RpcOutcome): boolean {
  return !outcome.ok && /not.?found/i.test(describeFailure(outcome.error));
}
