import { ConnectorError } from '@vc/connector-sdk';

import { valuesAt } from './document-tree.js';
import { modifiedSinceQuery, readPage } from './poll.js';
import { describeFailure, type RpcClient } from './rpc-client.js';
import { inputFields, outputFields, type A12Settings } from './settings.js';

/** How many recent documents the save-time check samples for value types. */
const SAMPLE_SIZE = 20;

const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const looksLikeEmail = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What a value in each role must look like. */
const typeChecks: Record<string, { expected: string; test: (value: unknown) => boolean }> = {
  title: { expected: 'text', test: (v) => typeof v === 'string' },
  start: { expected: 'an ISO date-time', test: (v) => typeof v === 'string' && isoDateTime.test(v) },
  end: { expected: 'an ISO date-time', test: (v) => typeof v === 'string' && isoDateTime.test(v) },
  'time zone': { expected: 'text', test: (v) => typeof v === 'string' },
  participants: {
    expected: 'email addresses',
    test: (v) => typeof v === 'string' && looksLikeEmail.test(v.trim()),
  },
  organizer: {
    expected: 'an email address',
    test: (v) => typeof v === 'string' && looksLikeEmail.test(v.trim()),
  },
  'video meeting wanted': { expected: 'a yes/no (boolean) field', test: (v) => typeof v === 'boolean' },
  status: { expected: 'text', test: (v) => typeof v === 'string' },
};

/**
 * The save-time check of the field mapping. Data Services rejects a QUERY that names a field its
 * model lacks, so one query naming every mapped field finds a misspelt or missing one; a sample of
 * recent documents then shows a field of the wrong kind (a start mapped to a text field). Every
 * failure is `invalid_settings` and names the setting and the path.
 */
export async function validateMapping(settings: A12Settings, rpc: RpcClient): Promise<void> {
  const mapped = [...inputFields(settings), ...outputFields(settings)];
  const seen = new Map<string, string>();
  for (const field of mapped) {
    const other = seen.get(field.path);
    if (other !== undefined) {
      throw new ConnectorError(
        'invalid_settings',
        `field mapping: ${field.setting} and ${other} both map to ${field.path}`,
      );
    }
    seen.set(field.path, field.setting);
  }
  const outputs = new Set(outputFields(settings).map((f) => f.path));
  for (const field of inputFields(settings)) {
    if (outputs.has(field.path)) {
      throw new ConnectorError(
        'invalid_settings',
        `field mapping: ${field.setting} (${field.path}) is also an output field`,
      );
    }
  }

  const [fieldsKnown, sample] = await rpc.batch([
    {
      method: 'QUERY',
      params: {
        query: {
          targetDocumentModel: settings.documentModel,
          constraint: {
            operator: 'or',
            constraints: mapped.map((f) => ({ operator: 'undefined_match', field: f.path })),
          },
          paging: { pageNumber: 0, pageSize: 1 },
        },
      },
    },
    (() => {
      const query = modifiedSinceQuery({ ...settings, pageSize: SAMPLE_SIZE }, null, 0);
      query.params.query.sort[0] = { field: settings.modifiedAtField, direction: 'DESC' };
      return query;
    })(),
  ]);
  if (fieldsKnown !== undefined && !fieldsKnown.ok) {
    const description = describeFailure(fieldsKnown.error);
    const culprit = mapped.find((f) => description.includes(f.path));
    throw new ConnectorError(
      'invalid_settings',
      culprit === undefined
        ? `document model ${settings.documentModel}: ${description}`
        : `field mapping: ${culprit.setting} (${culprit.path}) does not fit document model ${settings.documentModel}: ${description}`,
    );
  }
  if (sample === undefined || !sample.ok) {
    throw new ConnectorError(
      'invalid_settings',
      `document model ${settings.documentModel}: ${sample === undefined ? 'no answer' : describeFailure(sample.error)}`,
    );
  }
  const documents = readPage(settings, sample.result);
  for (const field of inputFields(settings)) {
    const check = typeChecks[field.role];
    if (check === undefined) continue;
    const values = documents.flatMap((doc) => valuesAt(doc.document, field.path));
    // Wrong in every document that has it: the mapping, not one document, is at fault.
    if (values.length > 0 && !values.some(check.test)) {
      throw new ConnectorError(
        'invalid_settings',
        `field mapping: ${field.setting} (${field.path}) should hold ${check.expected} but holds ${JSON.stringify(values[0])}`,
      );
    }
  }
}
