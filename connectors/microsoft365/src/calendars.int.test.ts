import { generateKeyPairSync, randomUUID } from 'node:crypto';

import type { CalendarBatch, CalendarItem, JsonValue } from '@vc/connector-sdk';
import { ConnectorError } from '@vc/connector-sdk';
import { testContext } from '@vc/connector-sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { addinPropertyId, eventIdPropertyId } from './calendar-items.js';
import { GraphClient } from './graph-client.js';
import { microsoft365Connector } from './microsoft365-connector.js';
import { microsoft365Settings, type Microsoft365Settings } from './settings.js';
import { msalTokenProvider } from './token-provider.js';
import { FakeGraph } from './testing/index.js';

// Everything here talks to a FAKE Microsoft Graph built from the documented shapes
// (testing/fake-graph.ts, reference outlook-calendar.md 4.7), on 127.0.0.1 only.

const base = 'https://meet.example.org';
const calendars = microsoft365Connector.capabilities.calendars!;
let fake: FakeGraph;
let counter = 0;

const hour = 3_600_000;
const soon = (hours: number) => new Date(Math.floor(Date.now() / hour) * hour + hours * hour);
const joinLink = (roomId: string) => `${base}/rooms/${roomId}`;

function settings(overrides: Partial<Record<string, unknown>> = {}): Microsoft365Settings {
  return microsoft365Settings.parse({
    tenantId: fake.tenantId,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    meetingBaseUrl: base,
    authorityHost: fake.url,
    graphUrl: fake.url,
    pageSize: 3,
    ...overrides,
  });
}

/** A mailbox of its own per test, so tests do not see each other's events. */
function mailbox(): string {
  const address = `owner${++counter}@contoso.test`;
  fake.store.addUser({ mail: address, givenName: 'Owner', surname: String(counter) });
  return address;
}

async function run(
  s: Microsoft365Settings,
  cursor: JsonValue | null,
  only?: string[],
): Promise<{ batches: CalendarBatch[]; items: CalendarItem[]; cursor: JsonValue | null }> {
  const batches: CalendarBatch[] = [];
  for await (const b of calendars.sync(testContext(s), {
    cursor,
    ...(only !== undefined && { calendars: only }),
  })) {
    batches.push(b);
  }
  return { batches, items: batches.flatMap((b) => b.upserts), cursor: batches.at(-1)?.cursor ?? cursor };
}

beforeAll(async () => {
  fake = new FakeGraph();
  await fake.start();
});
afterAll(async () => {
  await fake.stop();
});

describe('calendars through calendarView delta', () => {
  it('links meetings by our join link or our extended property, over several pages, and never asks msal discovery', async () => {
    const m = mailbox();
    const roomId = randomUUID();
    const eventId = randomUUID();
    fake.addEvent(m, {
      subject: 'By link',
      start: soon(2),
      end: soon(3),
      location: `Room 1; ${joinLink(roomId)}`,
    });
    fake.addEvent(m, {
      subject: 'By property',
      start: soon(4),
      end: soon(5),
      properties: [{ id: eventIdPropertyId, value: eventId }],
    });
    for (let i = 0; i < 5; i++)
      fake.addEvent(m, { subject: `Other ${i}`, start: soon(6 + i), end: soon(7 + i) });
    const result = await run(settings({ mailboxes: [m] }), null);
    expect(result.batches.length).toBeGreaterThanOrEqual(3);
    expect(result.items).toHaveLength(7);
    expect(result.items.find((i) => i.title === 'By link')?.link).toEqual({ roomId });
    expect(result.items.find((i) => i.title === 'By property')?.link).toEqual({ eventId });
    expect(result.items.filter((i) => i.link === null)).toHaveLength(5);
    expect(fake.hits.get('discovery')).toBeUndefined();
  });

  it("links a meeting by the add-in's custom properties (cecp-<add-in id>) after its join link was edited away", async () => {
    const m = mailbox();
    const eventId = randomUUID();
    const addinId = '5f0c2b7e-8a43-4d1e-9b6a-3c2d7e9f1a40';
    // As Exchange stores Office.js custom properties: one JSON string, keyed on the add-in id.
    const custom = (value: string) => [{ id: addinPropertyId(addinId.toUpperCase()), value }];
    fake.addEvent(m, {
      subject: 'Made by Add meeting, body and location cleared',
      start: soon(2),
      end: soon(3),
      location: 'Room 4.12',
      properties: custom(JSON.stringify({ vcEventId: eventId, vcShowDialIn: true })),
    });
    fake.addEvent(m, {
      subject: 'Another add-in wrote nonsense there',
      start: soon(4),
      end: soon(5),
      properties: custom('{not json'),
    });
    fake.addEvent(m, {
      subject: 'Another add-in id',
      start: soon(6),
      end: soon(7),
      properties: [{ id: addinPropertyId(randomUUID()), value: JSON.stringify({ vcEventId: eventId }) }],
    });
    const result = await run(settings({ mailboxes: [m] }), null);
    const byTitle = new Map(result.items.map((i) => [i.title, i.link]));
    expect(byTitle.get('Made by Add meeting, body and location cleared')).toEqual({ eventId });
    expect(byTitle.get('Another add-in wrote nonsense there')).toBeNull();
    expect(byTitle.get('Another add-in id')).toBeNull();
  });

  it('reports moves, title and attendee changes, cancellations and deletions from the delta link', async () => {
    const m = mailbox();
    const s = settings({ mailboxes: [m] });
    const a = fake.addEvent(m, {
      subject: 'Weekly',
      start: soon(2),
      end: soon(3),
      location: joinLink(randomUUID()),
    });
    const b = fake.addEvent(m, {
      subject: 'Review',
      start: soon(4),
      end: soon(5),
      location: joinLink(randomUUID()),
    });
    const c = fake.addEvent(m, {
      subject: 'Gone',
      start: soon(6),
      end: soon(7),
      location: joinLink(randomUUID()),
    });
    const far = fake.addEvent(m, {
      subject: 'Far',
      start: soon(8),
      end: soon(9),
      location: joinLink(randomUUID()),
    });
    const first = await run(s, null);
    fake.store.updateEvent(m, a.id, {
      start: soon(10),
      end: soon(11),
      subject: 'Weekly (moved)',
      attendees: [{ address: 'Bob@Contoso.test', name: 'Bob', response: 'accepted' }],
    });
    fake.store.updateEvent(m, b.id, { isCancelled: true });
    fake.store.deleteEvent(m, c.id);
    // Out of the window: Graph says "removed", but the event still exists, further away.
    fake.store.updateEvent(m, far.id, { start: soon(24 * 400), end: soon(24 * 400 + 1) });
    const next = await run(s, first.cursor);
    const moved = next.items.find((i) => i.externalId === a.id);
    expect(moved).toMatchObject({ title: 'Weekly (moved)', startsAt: soon(10).toISOString() });
    expect(moved?.attendees).toEqual([{ email: 'bob@contoso.test', name: 'Bob', response: 'accepted' }]);
    expect(next.items.find((i) => i.externalId === b.id)?.cancelled).toBe(true);
    const removals = next.batches.flatMap((x) => x.removals);
    expect(removals).toEqual([{ calendar: m, externalId: c.id }]);
    expect(next.items.find((i) => i.externalId === far.id)?.startsAt).toBe(soon(24 * 400).toISOString());
    const quiet = await run(s, next.cursor);
    expect(quiet.items).toHaveLength(0);
  });

  it('reports a moved and a deleted occurrence of a series by their original start', async () => {
    const m = mailbox();
    const s = settings({ mailboxes: [m] });
    const series = `AAMkSeries${randomUUID()}`;
    const link = joinLink(randomUUID());
    const occurrences = [0, 1, 2].map((i) =>
      fake.addEvent(m, {
        subject: 'Standup',
        start: soon(24 * (i + 1)),
        end: soon(24 * (i + 1) + 1),
        location: link,
        type: 'occurrence',
        seriesMasterId: series,
        originalStart: soon(24 * (i + 1)),
      }),
    );
    const first = await run(s, null);
    expect(first.items.every((i) => i.kind === 'occurrence' && i.seriesExternalId === series)).toBe(true);
    fake.store.updateEvent(m, occurrences[0]!.id, { start: soon(24 + 2), end: soon(24 + 3) });
    fake.store.deleteEvent(m, occurrences[1]!.id);
    const next = await run(s, first.cursor);
    expect(next.items).toHaveLength(1);
    expect(next.items[0]).toMatchObject({
      originalStart: soon(24).toISOString(),
      startsAt: soon(26).toISOString(),
    });
    expect(next.batches.flatMap((b) => b.removals)).toEqual([
      { calendar: m, externalId: occurrences[1]!.id },
    ]);
  });

  it('restarts a mailbox with a full read when Graph answers 410 SyncStateNotFound', async () => {
    const m = mailbox();
    const s = settings({ mailboxes: [m] });
    fake.addEvent(m, { subject: 'One', start: soon(2), end: soon(3) });
    fake.addEvent(m, { subject: 'Two', start: soon(4), end: soon(5) });
    const first = await run(s, null);
    fake.store.expireSyncState(m);
    const next = await run(s, first.cursor);
    expect(next.batches[0]?.restarted).toEqual([m]);
    expect(next.items.map((i) => i.title).sort()).toEqual(['One', 'Two']);
    expect((await run(s, next.cursor)).items).toHaveLength(0);
  });

  it('reads only the calendars a push named, keeping the others where they were', async () => {
    const [m1, m2] = [mailbox(), mailbox()];
    const s = settings({ mailboxes: [m1, m2] });
    const first = await run(s, null);
    fake.addEvent(m1, { subject: 'New 1', start: soon(2), end: soon(3) });
    fake.addEvent(m2, { subject: 'New 2', start: soon(2), end: soon(3) });
    const partial = await run(s, first.cursor, [m2]);
    expect(partial.items.map((i) => i.title)).toEqual(['New 2']);
    const rest = await run(s, partial.cursor);
    expect(rest.items.map((i) => i.title)).toEqual(['New 1']);
  });

  it('honours Retry-After on 429, also for throttled items inside $batch', async () => {
    const m = mailbox();
    const s = settings({ mailboxes: [m] });
    fake.addEvent(m, { subject: 'Unlinked', start: soon(2), end: soon(3) });
    fake.throttle(m, 1, 1);
    fake.throttle(m, 1, 1, true);
    const started = Date.now();
    const result = await run(s, null);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(result.items.map((i) => i.title)).toEqual(['Unlinked']);
  });

  it('ends the run as retryable rate_limited when Graph asks for a longer wait than allowed', async () => {
    const m = mailbox();
    fake.throttle(m, 1, 600);
    const error = await run(settings({ mailboxes: [m], maxRetryWaitMs: 1000 }), null).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 600_000 });
  });

  it('fetches a new token once when Graph says the token expired', async () => {
    const m = mailbox();
    const s = settings({ mailboxes: [m] });
    await run(s, null);
    const before = fake.hits.get('token') ?? 0;
    fake.expireTokens();
    await run(s, null);
    expect(fake.hits.get('token')).toBe(before + 1);
  });

  it('keeps at most 4 requests in flight per mailbox', async () => {
    const slow = new FakeGraph({
      latencyMs: 30,
      clientSecret: fake.clientSecret,
      clientId: fake.clientId,
      tenantId: fake.tenantId,
    });
    const url = await slow.start();
    try {
      slow.store.addUser({ mail: 'busy@contoso.test' });
      const s = settings({ authorityHost: url, graphUrl: url });
      const graph = new GraphClient({
        graphUrl: url,
        tokens: msalTokenProvider(s, fetch),
        fetch,
        signal: new AbortController().signal,
        timeoutMs: 5000,
        maxRetryWaitMs: 0,
      });
      await Promise.all(
        Array.from({ length: 12 }, () =>
          graph.request('busy@contoso.test', '/users/busy@contoso.test/calendar'),
        ),
      );
      expect(slow.maxConcurrency.get('busy@contoso.test')).toBe(4);
    } finally {
      await slow.stop();
    }
  });

  it('signs in with a certificate through msal-node and rejects a wrong secret as auth_failed', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const thumbprint = 'ab'.repeat(32);
    const withCert = new FakeGraph({
      certificate: {
        publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        thumbprintSha256: thumbprint,
      },
    });
    const url = await withCert.start();
    try {
      const m = 'cert@contoso.test';
      withCert.store.addUser({ mail: m });
      const s = microsoft365Settings.parse({
        tenantId: withCert.tenantId,
        clientId: withCert.clientId,
        certificatePrivateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        certificateThumbprint: thumbprint,
        mailboxes: [m],
        meetingBaseUrl: base,
        authorityHost: url,
        graphUrl: url,
      });
      await calendars.check(testContext(s));
      const wrong = microsoft365Settings.parse({
        ...s,
        certificatePrivateKey: undefined,
        certificateThumbprint: undefined,
        clientSecret: 'nope',
      });
      const error = await calendars.check(testContext(wrong)).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'auth_failed', retryable: false });
    } finally {
      await withCert.stop();
    }
  });

  it('refuses settings without credentials, with both, or with a plain-http Graph host', () => {
    const good = { tenantId: 'contoso.onmicrosoft.com', clientId: fake.clientId, meetingBaseUrl: base };
    expect(microsoft365Settings.safeParse(good).success).toBe(false);
    expect(
      microsoft365Settings.safeParse({
        ...good,
        clientSecret: 'a',
        certificatePrivateKey: 'b',
        certificateThumbprint: 'c'.repeat(64),
      }).success,
    ).toBe(false);
    expect(
      microsoft365Settings.safeParse({ ...good, clientSecret: 'a', graphUrl: 'http://graph.example.org' })
        .success,
    ).toBe(false);
    expect(microsoft365Settings.safeParse({ ...good, clientSecret: 'a' }).success).toBe(true);
  });

  it('names an unknown mailbox in a not_found error from check', async () => {
    const error = await calendars
      .check(testContext(settings({ mailboxes: ['nobody@contoso.test'] })))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'not_found' });
    expect((error as Error).message).toContain('nobody');
  });
});
