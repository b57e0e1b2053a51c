import {
  eventJson,
  userJson,
  type FakeEvent,
  type FakeGraphStore,
  type FakeUser,
} from './fake-graph-store.js';

/**
 * Delta paging of the fake Graph: a round lists the state at its start (`snap`), page by page
 * (`$skiptoken`), and ends with a `$deltatoken` meaning "changes after snap". Tokens are opaque
 * base64url to the client, as Graph's are.
 */
interface Token {
  readonly kind: 'users' | 'calendar';
  readonly mailbox?: string;
  readonly from?: string;
  readonly to?: string;
  /** Changes after this sequence (0: everything, an initial round). */
  readonly since: number;
  /** The sequence when the round started. */
  readonly snap: number;
  readonly offset: number;
  readonly epoch: number;
}

const encode = (token: Token) => Buffer.from(JSON.stringify(token)).toString('base64url');

function decode(text: string | null): Token | null {
  if (text === null) return null;
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Token;
    return typeof token.since === 'number' && typeof token.snap === 'number' ? token : null;
  } catch {
    return null;
  }
}

export type DeltaResult =
  | { readonly status: 200; readonly body: Record<string, unknown> }
  | { readonly status: 400 | 410; readonly code: string; readonly message: string };

function pageOf<T>(
  items: readonly T[],
  token: Token,
  pageSize: number,
  link: string,
  render: (item: T) => Record<string, unknown>,
  context: string,
): DeltaResult {
  const slice = items.slice(token.offset, token.offset + pageSize);
  const body: Record<string, unknown> = { '@odata.context': context, value: slice.map(render) };
  if (token.offset + pageSize < items.length) {
    body['@odata.nextLink'] = `${link}?$skiptoken=${encode({ ...token, offset: token.offset + pageSize })}`;
  } else {
    body['@odata.deltaLink'] =
      `${link}?$deltatoken=${encode({ ...token, since: token.snap, offset: 0, snap: 0 })}`;
  }
  return { status: 200, body };
}

const expired = (): DeltaResult => ({
  status: 410,
  code: 'SyncStateNotFound',
  message: 'The sync state generation is not found. Please resync.',
});

function readToken(query: URLSearchParams): Token | null | 'bad' {
  const text = query.get('$skiptoken') ?? query.get('$deltatoken');
  if (text === null) return null;
  return decode(text) ?? 'bad';
}

export function calendarDelta(
  store: FakeGraphStore,
  base: string,
  mailbox: string,
  query: URLSearchParams,
  pageSize: number,
): DeltaResult {
  const key = mailbox.toLowerCase();
  const epoch = store.syncEpoch.get(key) ?? 0;
  let token = readToken(query);
  if (token === 'bad') return { status: 400, code: 'ErrorInvalidUrlQuery', message: 'The token is invalid.' };
  if (token === null) {
    const from = query.get('startDateTime');
    const to = query.get('endDateTime');
    if (from === null || to === null || Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) {
      return {
        status: 400,
        code: 'ErrorInvalidParameter',
        message:
          'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
      };
    }
    token = { kind: 'calendar', mailbox: key, from, to, since: 0, snap: store.seq, offset: 0, epoch };
  }
  if (token.kind !== 'calendar' || token.mailbox !== key) {
    return { status: 400, code: 'ErrorInvalidUrlQuery', message: 'The token belongs to another resource.' };
  }
  if (token.epoch !== epoch) return expired();
  // A fresh round's snapshot is taken when it starts; later pages of it keep that snapshot.
  if (token.snap === 0) token = { ...token, snap: store.seq };
  const from = Date.parse(token.from ?? '');
  const to = Date.parse(token.to ?? '');
  const inWindow = (e: FakeEvent) =>
    Date.parse(`${e.start.dateTime}Z`) < to && Date.parse(`${e.end.dateTime}Z`) > from;
  const all = [...store.calendarOf(key).values()].sort((a, b) => a.createdSeq - b.createdSeq);
  const items =
    token.since === 0
      ? all.filter((e) => !e.deleted && inWindow(e) && e.createdSeq <= token.snap)
      : all.filter((e) => e.seq > token.since && e.seq <= token.snap);
  const link = `${base}/v1.0/users/${encodeURIComponent(mailbox)}/calendarView/delta`;
  return pageOf(
    items,
    token,
    pageSize,
    link,
    // Graph reports items that left the window as removed too (microsoft-graph-docs #6599).
    (e) => (e.deleted || !inWindow(e) ? { '@removed': { reason: 'deleted' }, id: e.id } : eventJson(e)),
    `${base}/v1.0/$metadata#Collection(event)`,
  );
}

export function usersDelta(
  store: FakeGraphStore,
  base: string,
  query: URLSearchParams,
  pageSize: number,
): DeltaResult {
  let token = readToken(query);
  if (token === 'bad') return { status: 400, code: 'Request_BadRequest', message: 'Invalid skip token.' };
  if (token === null)
    token = { kind: 'users', since: 0, snap: store.seq, offset: 0, epoch: store.usersEpoch };
  if (token.kind !== 'users') return { status: 400, code: 'Request_BadRequest', message: 'Wrong token.' };
  if (token.epoch !== store.usersEpoch) return expired();
  if (token.snap === 0) token = { ...token, snap: store.seq };
  const all = [...store.users.values()].sort((a, b) => a.createdSeq - b.createdSeq);
  const since = token.since;
  const snap = token.snap;
  const items =
    since === 0
      ? all.filter((u) => !u.deleted && u.createdSeq <= snap)
      : all.filter((u) => u.seq > since && u.seq <= snap);
  return pageOf(
    items,
    token,
    pageSize,
    `${base}/v1.0/users/delta`,
    (u: FakeUser) => (u.deleted ? { '@removed': { reason: 'changed' }, id: u.id } : userJson(u)),
    `${base}/v1.0/$metadata#users`,
  );
}
