import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { testEnv } from '@vc/conference-core/testing';

import { startApiHub, type ApiHub } from './support/api-hub.js';

/** "Suites run on PGlite and PostgreSQL": one end-to-end flow through the API on the cluster backend. */

const berlin = (datetime: string) => ({ datetime, timezone: 'Europe/Berlin' });

let api: ApiHub;
let alice: string;
let bob: string;
beforeAll(async () => {
  api = await startApiHub({ backend: 'postgres' });
  [alice, bob] = await Promise.all([api.token('alice'), api.token('bob')]);
});
afterAll(async () => {
  await api.stop();
});

async function databases(): Promise<string[]> {
  const client = new pg.Client({ connectionString: testEnv.postgresAdminUrl });
  await client.connect();
  try {
    const result = await client.query<{ datname: string }>(
      "select datname from pg_database where datname like 'vc_api_%'",
    );
    return result.rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

describe('API v1 on PostgreSQL (cluster mode)', () => {
  it('runs on a database of its own', async () => {
    expect(api.database).toMatch(/^vc_api_[0-9a-f]{12}$/);
    expect(await databases()).toContain(api.database);
  });

  it('schedules, updates under If-Match (one of two racing writers wins), invites, accepts, expands', async () => {
    const created = await api.call('/v1/events', {
      method: 'POST',
      token: alice,
      body: {
        title: 'Weekly sync',
        starts_at: berlin('2031-03-10T08:00:00Z'),
        ends_at: berlin('2031-03-10T09:00:00Z'),
        recurrence_pattern: ['RRULE:FREQ=WEEKLY;COUNT=6'],
      },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    const event = (await created.json()) as { id: string; revision: number };

    const racing = await Promise.all(
      ['First', 'Second'].map((title) =>
        api.call(`/v1/events/${event.id}`, {
          method: 'PATCH',
          token: alice,
          body: { title },
          headers: { 'if-match': '"1"' },
        }),
      ),
    );
    expect(racing.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = racing.find((r) => r.status === 200);
    expect(winner?.headers.get('etag')).toBe('"2"');
    const won = (await winner?.json()) as { title: string; revision: number };
    expect(won.revision).toBe(2);
    const read = await api.call(`/v1/events/${event.id}`, { token: alice });
    expect(read.headers.get('etag')).toBe('"2"');
    expect(await read.json()).toMatchObject({ title: won.title, revision: 2 });

    const bobMe = (await (await api.call('/v1/users/me', { token: bob })).json()) as { id: string };
    const invited = await api.call(`/v1/events/${event.id}/invites`, {
      method: 'POST',
      token: alice,
      body: { invitee: bobMe.id },
    });
    expect(invited.status).toBe(201);
    const accepted = await api.call(`/v1/events/${event.id}/invite`, { method: 'PATCH', token: bob });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ invitee_user_id: bobMe.id, status: 'accepted' });
    const invites = (await (await api.call(`/v1/events/${event.id}/invites`, { token: alice })).json()) as {
      status: string;
    }[];
    expect(invites).toEqual([expect.objectContaining({ invitee_user_id: bobMe.id, status: 'accepted' })]);

    const occurrence = `/v1/events/${event.id}/instances/20310317T080000Z`;
    const etag = (await api.call(occurrence, { token: alice })).headers.get('etag') ?? '';
    expect(etag).toBe('"2"');
    // Four writers race with the same ETag: exactly one wins, the others learn it changed.
    const occurrenceRace = await Promise.all(
      ['A', 'B', 'C', 'D'].map((title) =>
        api.call(occurrence, {
          method: 'PATCH',
          token: alice,
          body: { title },
          headers: { 'if-match': etag },
        }),
      ),
    );
    expect(occurrenceRace.map((r) => r.status).sort()).toEqual([200, 412, 412, 412]);
    const cancel = await api.call(occurrence, {
      method: 'PATCH',
      token: alice,
      body: { status: 'cancelled' },
      headers: { 'if-match': '"3"' },
    });
    expect(cancel.status).toBe(200);
    expect(cancel.headers.get('etag')).toBe('"4"');
    const window = 'time_min=2031-03-01T00:00:00Z&time_max=2031-05-01T00:00:00Z';
    for (const token of [alice, bob]) {
      const res = await api.call(`/v1/events/${event.id}/instances?${window}`, { token });
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: { instance_id: string; status: string }[] };
      // Across the 30 March switch to summer time: 09:00 Berlin stays 09:00 Berlin.
      expect(page.items.map((i) => `${i.instance_id} ${i.status}`)).toEqual([
        '20310310T080000Z scheduled',
        '20310317T080000Z cancelled',
        '20310324T080000Z scheduled',
        '20310331T070000Z scheduled',
        '20310407T070000Z scheduled',
        '20310414T070000Z scheduled',
      ]);
    }
    const listed = (await (await api.call(`/v1/events?${window}`, { token: bob })).json()) as {
      items: { id: string }[];
    };
    expect(listed.items.map((e) => e.id)).toContain(event.id);
  });
});
