import { ConnectorError } from '@vc/connector-sdk';
import type {
  ConnectorContext,
  DirectoryDeletion,
  JsonValue,
  SkippedRecord,
  SyncBatch,
  SyncRequest,
  UserRecord,
} from '@vc/connector-sdk';

import type { GraphClient } from './graph-client.js';
import type { Microsoft365Settings } from './settings.js';

type Ctx = ConnectorContext<Microsoft365Settings>;

const userFields = [
  'id',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'userPrincipalName',
  'preferredLanguage',
  'mobilePhone',
  'businessPhones',
  'accountEnabled',
].join(',');

/** Where a users run stands: the Graph link to read next, and whether the run has finished. */
interface UsersCursor {
  readonly mode: 'full' | 'incremental';
  readonly phase: 'paging' | 'done';
  readonly link: string;
}

function parseCursor(value: JsonValue | null): UsersCursor | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const { mode, phase, link } = value;
  if ((mode !== 'full' && mode !== 'incremental') || (phase !== 'paging' && phase !== 'done')) return null;
  if (typeof link !== 'string' || link === '') return null;
  return { mode, phase, link };
}

interface GraphUser {
  id?: unknown;
  displayName?: unknown;
  givenName?: unknown;
  surname?: unknown;
  mail?: unknown;
  userPrincipalName?: unknown;
  preferredLanguage?: unknown;
  mobilePhone?: unknown;
  businessPhones?: unknown;
  accountEnabled?: unknown;
  '@removed'?: unknown;
}

const text = (value: unknown, max = 256): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, max) : null;

/** A Graph user as a normalized record, or the reason it cannot be one. */
export function mapUser(user: GraphUser): UserRecord | SkippedRecord {
  const id = text(user.id) ?? '';
  const upn = text(user.userPrincipalName);
  const mail = text(user.mail, 320)?.toLowerCase() ?? null;
  if (mail === null || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(mail)) {
    return { type: 'user', externalId: id, ...(upn !== null && { label: upn }), reason: 'no mail address' };
  }
  const first = text(user.givenName);
  const last = text(user.surname);
  const phones = Array.isArray(user.businessPhones) ? (user.businessPhones as unknown[]) : [];
  const language = text(user.preferredLanguage)?.split('-')[0]?.toLowerCase() ?? null;
  return {
    type: 'user',
    externalId: id,
    email: mail,
    // Entra ID addresses are set by the tenant's admins, not claimed by the user.
    emailVerified: true,
    username: upn,
    firstName: first,
    lastName: last,
    displayName: text(user.displayName) ?? ([first, last].filter(Boolean).join(' ') || mail),
    language: language !== null && language.length >= 2 ? language : null,
    phone: text(user.mobilePhone, 64) ?? text(phones[0], 64),
    ...(upn !== null && { label: upn }),
  };
}

/**
 * People from Graph `/users/delta`. A full run starts a new delta round (every user, paged by
 * `@odata.nextLink`); an incremental run continues from the previous run's `@odata.deltaLink`.
 * Disabled accounts are out of scope: absent from full runs, deletes in incremental ones.
 */
export async function* syncUsers(
  ctx: Ctx,
  graph: GraphClient,
  request: SyncRequest,
): AsyncGenerator<SyncBatch> {
  const previous = parseCursor(request.cursor);
  const fresh = `/users/delta?$select=${userFields}`;
  let link: string;
  if (previous !== null && previous.phase === 'paging' && previous.mode === request.mode)
    link = previous.link;
  else if (request.mode === 'incremental' && previous?.phase === 'done') link = previous.link;
  else link = fresh;
  const incremental = request.mode === 'incremental';
  const headers = { Prefer: `odata.maxpagesize=${ctx.settings.pageSize}` };
  for (;;) {
    const response = await graph.request(null, link, { headers, accept: [410] });
    if (response.status === 410) {
      // The delta state expired: read everyone again (upserts only; deletions wait for a full run).
      ctx.logger.warn({}, 'Graph lost the users delta state; reading all users again');
      if (link === fresh) throw new ConnectorError('upstream_unavailable', 'users delta keeps answering 410');
      link = fresh;
      continue;
    }
    const page = response.body as {
      value?: unknown;
      '@odata.nextLink'?: unknown;
      '@odata.deltaLink'?: unknown;
    } | null;
    if (page === null || !Array.isArray(page.value)) {
      throw new ConnectorError('invalid_data', 'users delta page without value');
    }
    const upserts: UserRecord[] = [];
    const deletes: DirectoryDeletion[] = [];
    const skipped: SkippedRecord[] = [];
    for (const raw of page.value as GraphUser[]) {
      const id = text(raw.id);
      if (id === null) continue;
      if (raw['@removed'] !== undefined || raw.accountEnabled === false) {
        if (incremental) deletes.push({ type: 'user', externalId: id });
        continue;
      }
      const mapped = mapUser(raw);
      if ('reason' in mapped) skipped.push(mapped);
      else upserts.push(mapped);
    }
    const next = page['@odata.nextLink'];
    const delta = page['@odata.deltaLink'];
    if (typeof next === 'string') {
      yield { upserts, deletes, skipped, cursor: { mode: request.mode, phase: 'paging', link: next } };
      link = next;
      continue;
    }
    if (typeof delta !== 'string')
      throw new ConnectorError('invalid_data', 'users delta ended without a link');
    yield { upserts, deletes, skipped, cursor: { mode: request.mode, phase: 'done', link: delta } };
    return;
  }
}
