import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApiHub, type ApiHub } from './support/api-hub.js';

interface EventJson {
  id: string;
  room_id: string;
  revision: number;
}

let api: ApiHub;
let alice: string;
let bob: string;
beforeAll(async () => {
  api = await startApiHub();
  [alice, bob] = await Promise.all([api.token('alice'), api.token('bob')]);
});
afterAll(async () => {
  await api.stop();
});

const DAY = 86_400_000;
/** A whole hour some days from now, so the events fall in the feed's window. */
function at(daysAhead: number, hours = 0): string {
  const base = new Date(Date.now() + daysAhead * DAY);
  base.setUTCMinutes(0, 0, 0);
  return new Date(base.getTime() + hours * 3_600_000).toISOString();
}
const berlin = (datetime: string) => ({ datetime, timezone: 'Europe/Berlin' });

async function create(token: string, body: Record<string, unknown>): Promise<EventJson> {
  const res = await api.call('/v1/events', { method: 'POST', token, body });
  expect(res.status).toBe(201);
  return (await res.json()) as EventJson;
}

async function newFeed(token: string): Promise<string> {
  const res = await api.call('/v1/users/me/calendar_feed', { method: 'POST', token });
  expect(res.status).toBe(201);
  const { url } = (await res.json()) as { url: string };
  expect(url).toMatch(/\/v1\/users\/me\/calendar\.ics\?token=/);
  return url;
}

/** The feed path and query of a feed URL, fetched from this hub without any credentials. */
function fetchFeed(url: string): Promise<Response> {
  const { pathname, search } = new URL(url);
  return fetch(`${api.url}${pathname}${search}`);
}

type Vevent = Map<string, string[]>;

/** Unfolds the calendar (RFC 5545 3.1) and returns its VEVENTs as property name -> values. */
function parseVevents(ics: string): Vevent[] {
  const lines = ics
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter((l) => l !== '');
  const events: Vevent[] = [];
  let current: Vevent | undefined;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') current = new Map();
    else if (line === 'END:VEVENT' && current !== undefined) {
      events.push(current);
      current = undefined;
    } else if (current !== undefined) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).split(';')[0] ?? '';
      current.set(name, [...(current.get(name) ?? []), line.slice(colon + 1)]);
    }
  }
  return events;
}

function byUid(events: Vevent[], uid: string): Vevent[] {
  return events.filter((e) => e.get('UID')?.[0] === uid);
}

describe('API v1: personal ICS calendar feed', () => {
  let weekly: EventJson;
  let single: EventJson;
  let bobs: EventJson;
  let feedUrl: string;

  it('serves the meetings of the feed owner, without a bearer token', async () => {
    weekly = await create(alice, {
      title: 'Weekly; sync, with newline\nATTENDEE:mailto:x@evil.test',
      description: 'Agenda 🎉',
      starts_at: berlin(at(2)),
      ends_at: berlin(at(2, 1)),
      recurrence_pattern: ['RRULE:FREQ=WEEKLY;COUNT=6'],
    });
    single = await create(alice, { title: 'Kick-off', starts_at: berlin(at(5)), ends_at: berlin(at(5, 1)) });
    bobs = await create(bob, { title: 'Bob private', starts_at: berlin(at(3)), ends_at: berlin(at(3, 1)) });

    feedUrl = await newFeed(alice);
    const res = await fetchFeed(feedUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('private, max-age=300');
    const ics = await res.text();
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    for (const line of ics.split('\r\n'))
      expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);

    const events = parseVevents(ics);
    const [series] = byUid(events, weekly.id);
    expect(series?.get('SEQUENCE')).toEqual(['0']);
    expect(series?.get('RRULE')).toEqual(['FREQ=WEEKLY;COUNT=6']);
    expect(series?.get('SUMMARY')).toEqual(['Weekly\\; sync\\, with newline\\nATTENDEE:mailto:x@evil.test']);
    expect(series?.get('ATTENDEE')).toBeUndefined();
    expect(series?.get('DESCRIPTION')).toEqual(['Agenda 🎉']);
    // A series keeps its wall-clock time in its zone, which the feed defines (VTIMEZONE).
    expect(series?.get('DTSTART')?.[0]).toMatch(/^\d{8}T\d{6}$/);
    expect(ics).toContain('\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n');
    expect(ics).toMatch(/\r\nDTSTART;TZID=Europe\/Berlin:\d{8}T\d{6}\r\n/);
    expect(series?.get('URL')?.[0]).toMatch(new RegExp(`/rooms/${weekly.room_id}$`));
    const [one] = byUid(events, single.id);
    expect(one?.get('SUMMARY')).toEqual(['Kick-off']);
    expect(one?.get('RRULE')).toBeUndefined();
    expect(one?.get('DTSTART')?.[0]).toMatch(/^\d{8}T\d{6}Z$/);
    expect(byUid(events, bobs.id)).toEqual([]);
  });

  it('raises SEQUENCE when the event changes', async () => {
    const patched = await api.call(`/v1/events/${weekly.id}`, {
      method: 'PATCH',
      token: alice,
      headers: { 'if-match': `"${weekly.revision}"` },
      body: { title: 'Weekly sync' },
    });
    expect(patched.status).toBe(200);
    const [series] = byUid(parseVevents(await (await fetchFeed(feedUrl)).text()), weekly.id);
    expect(series?.get('SEQUENCE')).toEqual(['1']);
    expect(series?.get('SUMMARY')).toEqual(['Weekly sync']);
  });

  it('shows invited meetings in the invitee feed', async () => {
    const bobId = ((await (await api.call('/v1/users/me', { token: bob })).json()) as { id: string }).id;
    const invited = await api.call(`/v1/events/${single.id}/invites`, {
      method: 'POST',
      token: alice,
      body: { invitee: bobId },
    });
    expect(invited.status).toBe(201);
    const bobFeed = await newFeed(bob);
    const events = parseVevents(await (await fetchFeed(bobFeed)).text());
    expect(byUid(events, single.id)).toHaveLength(1);
    expect(byUid(events, bobs.id)).toHaveLength(1);
    expect(byUid(events, weekly.id)).toEqual([]);
  });

  it('revokes the old URL when a new one is made, and on DELETE', async () => {
    const second = await newFeed(alice);
    expect(second).not.toBe(feedUrl);
    const old = await fetchFeed(feedUrl);
    expect(old.status).toBe(404);
    expect(((await old.json()) as { code: string }).code).toBe('not_found');
    expect((await fetchFeed(second)).status).toBe(200);

    const revoked = await api.call('/v1/users/me/calendar_feed', { method: 'DELETE', token: alice });
    expect(revoked.status).toBe(204);
    expect((await fetchFeed(second)).status).toBe(404);
    const again = await api.call('/v1/users/me/calendar_feed', { method: 'DELETE', token: alice });
    expect(again.status).toBe(404);
  });

  it('answers 404 to made-up tokens and 401 to feed management without a bearer', async () => {
    const tenantOfUrl = new URL(feedUrl).searchParams.get('token')?.split('.')[0] ?? '';
    for (const token of ['x', `${tenantOfUrl}.${'A'.repeat(43)}`, `${tenantOfUrl}.`]) {
      const res = await api.call(`/v1/users/me/calendar.ics?token=${encodeURIComponent(token)}`);
      expect(res.status).toBe(404);
    }
    expect((await api.call('/v1/users/me/calendar.ics')).status).toBe(422);
    expect((await api.call('/v1/users/me/calendar_feed', { method: 'POST' })).status).toBe(401);
  });
});
