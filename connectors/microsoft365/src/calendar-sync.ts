import { ConnectorError } from '@vc/connector-sdk';
import type {
  CalendarBatch,
  CalendarItem,
  CalendarRemoval,
  CalendarSyncRequest,
  ConnectorContext,
  JsonValue,
} from '@vc/connector-sdk';

import { addinPropertyId, eventIdPropertyId, mapEvent, type GraphEvent } from './calendar-items.js';
import { Channel } from './channel.js';
import { graphFor } from './graph-context.js';
import type { BatchRequest, GraphClient } from './graph-client.js';
import { mailboxesInScope } from './mailboxes.js';
import type { Microsoft365Settings } from './settings.js';

type Ctx = ConnectorContext<Microsoft365Settings>;

/** Per mailbox: the Graph link to follow next; `done` when it is a deltaLink (round finished). */
// A type alias, not an interface: it must be assignable to JsonValue.
type MailboxState = {
  readonly link: string;
  readonly done: boolean;
};

export interface CalendarCursor {
  readonly calendars: Record<string, MailboxState>;
}

export function parseCalendarCursor(value: JsonValue | null): CalendarCursor {
  const calendars: Record<string, MailboxState> = {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { calendars };
  const raw = value['calendars'];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { calendars };
  for (const [mailbox, state] of Object.entries(raw)) {
    if (state === null || typeof state !== 'object' || Array.isArray(state)) continue;
    if (typeof state['link'] === 'string' && typeof state['done'] === 'boolean') {
      calendars[mailbox] = { link: state['link'], done: state['done'] };
    }
  }
  return { calendars };
}

/** How many mailboxes are read at once (each with its own 4-request budget at Graph). */
const parallelMailboxes = 8;
/** Pages of several mailboxes that are ready together are handed over as one batch up to this size. */
const mergeUpTo = 1000;

const day = 86_400_000;

function initialLink(ctx: Ctx, mailbox: string): string {
  // Whole days, so the window (which Graph bakes into the delta token) is the same all day long.
  const today = Math.floor(ctx.clock.now().getTime() / day) * day;
  const from = new Date(today - ctx.settings.windowPastDays * day).toISOString();
  const to = new Date(today + (ctx.settings.windowFutureDays + 1) * day).toISOString();
  return `/users/${encodeURIComponent(mailbox)}/calendarView/delta?startDateTime=${from}&endDateTime=${to}`;
}

interface Page {
  readonly mailbox: string;
  readonly upserts: CalendarItem[];
  readonly removals: CalendarRemoval[];
  readonly state: MailboxState;
  readonly restarted: boolean;
}

/** One event with our property and the add-in's custom properties expanded. */
const eventPath = (mailbox: string, id: string, addinId: string) =>
  `/users/${encodeURIComponent(mailbox)}/events/${encodeURIComponent(id)}` +
  `?$expand=singleValueExtendedProperties($filter=id eq '${eventIdPropertyId}' or id eq '${addinPropertyId(addinId)}')`;

/**
 * calendarView delta cannot expand extended properties, and it also reports items that merely
 * left the window as removed. So, through `$batch`: items without our join link are read again
 * with our property expanded, and every removal is checked (only a 404 is a real removal; an item
 * still there is yielded as it now is).
 */
async function completePage(
  graph: GraphClient,
  ctx: Ctx,
  mailbox: string,
  events: GraphEvent[],
  removedIds: string[],
): Promise<{ upserts: CalendarItem[]; removals: CalendarRemoval[] }> {
  const base = ctx.settings.meetingBaseUrl;
  const upserts: CalendarItem[] = [];
  const lookups: BatchRequest[] = [];
  for (const event of events) {
    const item = mapEvent(mailbox, event, base, ctx.settings.addinId);
    if (item === null) {
      ctx.logger.warn({ mailbox }, 'skipped a calendar item Graph sent without id or times');
      continue;
    }
    if (item.link !== null) upserts.push(item);
    else
      lookups.push({
        id: `u${lookups.length}`,
        method: 'GET',
        url: eventPath(mailbox, item.externalId, ctx.settings.addinId),
      });
  }
  removedIds.forEach((id, i) =>
    lookups.push({ id: `r${i}`, method: 'GET', url: eventPath(mailbox, id, ctx.settings.addinId) }),
  );
  const removals: CalendarRemoval[] = [];
  if (lookups.length === 0) return { upserts, removals };
  const answers = await graph.batch(mailbox, lookups);
  for (const request of lookups) {
    const answer = answers.get(request.id);
    const removedId = request.id.startsWith('r') ? removedIds[Number(request.id.slice(1))] : undefined;
    if (answer?.status === 404) {
      if (removedId !== undefined) removals.push({ calendar: mailbox, externalId: removedId });
      continue; // an upsert gone by now: the next delta round reports its removal
    }
    if (answer === undefined || answer.status >= 400) {
      throw new ConnectorError(
        answer !== undefined && answer.status >= 500 ? 'upstream_unavailable' : 'invalid_data',
        `reading an event of ${mailbox} failed: HTTP ${answer?.status ?? 'none'}`,
      );
    }
    const item = mapEvent(mailbox, answer.body as GraphEvent, base, ctx.settings.addinId);
    if (item !== null) upserts.push(item);
  }
  return { upserts, removals };
}

/** Reads one mailbox's delta round to its deltaLink, page by page, into the channel. */
async function readMailbox(
  ctx: Ctx,
  graph: GraphClient,
  mailbox: string,
  start: MailboxState | undefined,
  out: Channel<Page>,
): Promise<void> {
  const headers = { Prefer: `outlook.timezone="UTC", odata.maxpagesize=${ctx.settings.pageSize}` };
  let link = start?.link ?? initialLink(ctx, mailbox);
  let restarted = false;
  for (;;) {
    const response = await graph.request(mailbox, link, { headers, accept: [410] });
    if (response.status === 410) {
      // SyncStateNotFound / resyncRequired: the token is gone; read the window from scratch.
      if (restarted)
        throw new ConnectorError('upstream_unavailable', `calendar delta of ${mailbox} keeps answering 410`);
      ctx.logger.warn({ mailbox }, 'Graph lost the calendar sync state; reading the mailbox again');
      link = initialLink(ctx, mailbox);
      restarted = true;
      continue;
    }
    const body = response.body as {
      value?: unknown;
      '@odata.nextLink'?: unknown;
      '@odata.deltaLink'?: unknown;
    } | null;
    if (body === null || !Array.isArray(body.value)) {
      throw new ConnectorError('invalid_data', `calendar delta page of ${mailbox} without value`);
    }
    const events: GraphEvent[] = [];
    const removed: string[] = [];
    for (const raw of body.value as GraphEvent[]) {
      if (raw['@removed'] !== undefined) {
        if (typeof raw.id === 'string') removed.push(raw.id);
      } else events.push(raw);
    }
    const { upserts, removals } = await completePage(graph, ctx, mailbox, events, removed);
    const next = body['@odata.nextLink'];
    const delta = body['@odata.deltaLink'];
    if (typeof next !== 'string' && typeof delta !== 'string') {
      throw new ConnectorError('invalid_data', `calendar delta of ${mailbox} ended without a link`);
    }
    const state: MailboxState =
      typeof next === 'string' ? { link: next, done: false } : { link: delta as string, done: true };
    await out.put({ mailbox, upserts, removals, state, restarted });
    restarted = false;
    if (state.done) return;
    link = state.link;
  }
}

/**
 * Outlook calendars through `calendarView/delta`, one delta round per mailbox, several mailboxes
 * at a time. Each batch is one Graph page, or pages of several mailboxes that were ready at once;
 * its cursor holds every mailbox's link as applied so far, so a crash resumes each mailbox where
 * its last applied page ended.
 */
export async function* syncCalendars(ctx: Ctx, request: CalendarSyncRequest): AsyncGenerator<CalendarBatch> {
  const cursor = parseCalendarCursor(request.cursor);
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  const runCtx: Ctx = { ...ctx, signal };
  const graph = graphFor(runCtx);
  const inScope = await mailboxesInScope(runCtx, graph);
  const wanted =
    request.calendars === undefined
      ? inScope
      : inScope.filter((m) => request.calendars?.some((c) => c.toLowerCase() === m) === true);
  // Mailboxes that left the scope leave the cursor too.
  const applied: Record<string, MailboxState> = {};
  for (const m of inScope) if (cursor.calendars[m] !== undefined) applied[m] = cursor.calendars[m];

  const channel = new Channel<Page>();
  const queue = [...wanted];
  let running = 0;
  const worker = async (): Promise<void> => {
    for (let mailbox = queue.shift(); mailbox !== undefined; mailbox = queue.shift()) {
      await readMailbox(runCtx, graph, mailbox, applied[mailbox], channel);
    }
  };
  const workers = Array.from({ length: Math.min(parallelMailboxes, wanted.length) }, () => {
    running++;
    return worker()
      .catch((err: unknown) => channel.fail(err))
      .finally(() => {
        running--;
        channel.poke();
      });
  });
  try {
    for (;;) {
      const next = await channel.take(() => running === 0);
      if (next.done) break;
      // Pages other mailboxes finished meanwhile join this batch: the hub applies a batch with a
      // fixed number of queries plus one per real change, so a push-driven round over many
      // mailboxes costs one apply instead of one per mailbox. One mailbox's pages never merge
      // (its reader waits until its page is taken).
      const pages = [next.value];
      let size = next.value.upserts.length + next.value.removals.length;
      for (let more = size < mergeUpTo ? channel.takeReady() : undefined; more !== undefined;) {
        pages.push(more);
        size += more.upserts.length + more.removals.length;
        more = size < mergeUpTo ? channel.takeReady() : undefined;
      }
      for (const page of pages) applied[page.mailbox] = page.state;
      yield {
        upserts: pages.flatMap((p) => p.upserts),
        removals: pages.flatMap((p) => p.removals),
        restarted: pages.filter((p) => p.restarted).map((p) => p.mailbox),
        cursor: { calendars: { ...applied } },
      };
    }
  } finally {
    stop.abort(new Error('the calendar run stopped'));
    channel.close();
    await Promise.allSettled(workers);
  }
  // An empty scope still yields once, so the hub stores that nothing is watched.
  if (wanted.length === 0) yield { upserts: [], removals: [], restarted: [], cursor: { calendars: applied } };
}
