import {
  ConnectorError,
  type AppointmentBatch,
  type ConnectorContext,
  type JsonValue,
} from '@vc/connector-sdk';

import { mapDocument, type A12Document } from './map-appointment.js';
import { expectResult, type RpcClient } from './rpc-client.js';
import type { A12Settings } from './settings.js';

/**
 * Where a poll stands: the (modification time, docRef) of the last document handed out, and how
 * many pages at exactly that lower bound were all already seen (many documents sharing one
 * modification time). Keyset paging, not page numbers over a moving result set: a document
 * changed during the run moves to the end and is read again instead of shifting the pages.
 */
export interface PollCursor {
  readonly modifiedAt: string;
  readonly docRef: string;
}

export function parseCursor(cursor: JsonValue | null): PollCursor | null {
  if (cursor === null) return null;
  if (
    typeof cursor === 'object' &&
    !Array.isArray(cursor) &&
    typeof cursor.modifiedAt === 'string' &&
    typeof cursor.docRef === 'string' &&
    !Number.isNaN(Date.parse(cursor.modifiedAt))
  ) {
    return { modifiedAt: cursor.modifiedAt, docRef: cursor.docRef };
  }
  throw new ConnectorError('invalid_data', `not a cursor of this connector: ${JSON.stringify(cursor)}`);
}

/** The QUERY for documents of the model modified at or after `from`, oldest first. */
export function modifiedSinceQuery(settings: A12Settings, from: string | null, pageNumber: number) {
  return {
    method: 'QUERY' as const,
    params: {
      query: {
        targetDocumentModel: settings.documentModel,
        ...(from !== null && {
          constraint: { operator: 'date_range', field: settings.modifiedAtField, from },
        }),
        sort: [
          { field: settings.modifiedAtField, direction: 'ASC' },
          { field: '__meta.docRef', direction: 'ASC' },
        ],
        paging: { pageNumber, pageSize: settings.pageSize },
      },
    },
  };
}

/** Reads one QUERY result page into documents; a malformed answer is `invalid_data`. */
export function readPage(settings: A12Settings, result: unknown): A12Document[] {
  const documents = (result as { documents?: unknown } | null)?.documents;
  if (!Array.isArray(documents))
    throw new ConnectorError('invalid_data', 'QUERY answered without a documents list');
  return documents.map((item: unknown) => readDocument(settings, item));
}

export function readDocument(settings: A12Settings, item: unknown): A12Document {
  const entry = item as { docRef?: unknown; document?: unknown; __meta?: Record<string, unknown> } | null;
  const metaKey = settings.modifiedAtField.startsWith('__meta.')
    ? settings.modifiedAtField.slice(7)
    : undefined;
  const modifiedAt = metaKey === undefined ? undefined : entry?.__meta?.[metaKey];
  if (
    typeof entry?.docRef !== 'string' ||
    typeof modifiedAt !== 'string' ||
    Number.isNaN(Date.parse(modifiedAt))
  ) {
    throw new ConnectorError(
      'invalid_data',
      `a document came without docRef or ${settings.modifiedAtField}: ${JSON.stringify(item).slice(0, 200)}`,
    );
  }
  return { docRef: entry.docRef, document: entry.document, modifiedAt };
}

const after = (doc: A12Document, key: PollCursor): boolean => {
  const a = Date.parse(doc.modifiedAt);
  const b = Date.parse(key.modifiedAt);
  return a > b || (a === b && doc.docRef > key.docRef);
};

/** Appointments modified after the cursor, a page per batch. */
export async function* pollAppointments(
  ctx: ConnectorContext<A12Settings>,
  rpc: RpcClient,
  cursor: JsonValue | null,
): AsyncIterable<AppointmentBatch> {
  const { settings } = ctx;
  let key = parseCursor(cursor);
  // A new poll reaches back a little for clock skew and for saves still committing at the last
  // poll; what it reads twice the hub applies as unchanged.
  if (key !== null && settings.overlapSeconds > 0) {
    key = {
      modifiedAt: new Date(Date.parse(key.modifiedAt) - settings.overlapSeconds * 1000).toISOString(),
      docRef: '',
    };
  }
  let pageNumber = 0;
  for (;;) {
    ctx.signal.throwIfAborted();
    const [outcome] = await rpc.batch([modifiedSinceQuery(settings, key?.modifiedAt ?? null, pageNumber)]);
    const page = readPage(settings, expectResult(outcome, `QUERY ${settings.documentModel}`));
    const fresh = key === null ? page : page.filter((doc) => after(doc, key as PollCursor));
    if (page.length === 0) return;
    if (fresh.length === 0) {
      // A full page at exactly the lower bound, all seen: read the next page at that bound.
      if (page.length < settings.pageSize) return;
      pageNumber++;
      continue;
    }
    pageNumber = 0;
    const last = fresh[fresh.length - 1] as A12Document;
    key = { modifiedAt: last.modifiedAt, docRef: last.docRef };
    const appointments = [];
    const skipped = [];
    for (const doc of fresh) {
      const mapped = mapDocument(settings, doc);
      if (mapped.ok) appointments.push(mapped.appointment);
      else skipped.push(mapped.skipped);
    }
    yield { appointments, skipped, cursor: { modifiedAt: key.modifiedAt, docRef: key.docRef } };
    if (page.length < settings.pageSize) return;
  }
}
