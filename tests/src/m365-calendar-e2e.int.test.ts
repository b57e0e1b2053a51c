import { FakeGraph } from '@vc/connector-microsoft365/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApiHub, type ApiHub } from './support/api-hub.js';

// Outlook edits reach the core through a real hub and a FAKE Microsoft Graph built from the
// documented shapes (connectors/microsoft365/src/testing): the fake validates the hub's webhook
// with the validationToken handshake, then pushes change notifications to it.

const mailbox = 'alice@example.test';
let fake: FakeGraph;
let api: ApiHub;
let alice: string;
let connectorId: string;

const hour = 3_600_000;
const at = (hours: number) => new Date(Math.floor(Date.now() / hour) * hour + hours * hour);

interface EventJson {
  id: string;
  room_id: string;
  title: string;
  starts_at: { datetime: string; timezone: string };
}

async function json<T>(res: Response, status: number): Promise<T> {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

async function createMeeting(title: string, start: Date): Promise<EventJson> {
  return json<EventJson>(
    await api.call('/v1/events', {
      method: 'POST',
      token: alice,
      body: {
        title,
        starts_at: { datetime: start.toISOString(), timezone: 'Europe/Berlin' },
        ends_at: { datetime: new Date(start.getTime() + hour).toISOString(), timezone: 'Europe/Berlin' },
      },
      headers: {},
    }),
    201,
  );
}

/** The fake has pushed everything and the hub has applied the rounds the pushes asked for. */
async function settled(): Promise<void> {
  await fake.push.settled();
  await api.hub.calendarSync?.idle();
}

beforeAll(async () => {
  fake = new FakeGraph();
  await fake.start();
  fake.store.addUser({ mail: mailbox, givenName: 'Alice', surname: 'Example' });
  api = await startApiHub();
  alice = await api.token('alice');
  const created = await json<{ id: string }>(
    await api.call('/v1/admin/connectors', {
      method: 'POST',
      token: alice,
      body: {
        type: 'microsoft365',
        name: 'Microsoft 365',
        settings: {
          tenantId: fake.tenantId,
          clientId: fake.clientId,
          clientSecret: fake.clientSecret,
          mailboxes: [mailbox],
          meetingBaseUrl: api.url,
          authorityHost: fake.url,
          graphUrl: fake.url,
        },
        incremental_every_ms: null,
        full_cron: null,
      },
    }),
    201,
  );
  connectorId = created.id;
  // No schedule tick here: creating the connector subscribes (handshake included) and runs a
  // first round at once; `idle` waits for that.
  await api.hub.calendarSync?.idle();
  // Starting a hub (migrations on PGlite) can take minutes on a loaded machine.
}, 240_000);

afterAll(async () => {
  await api?.stop();
  await fake?.stop();
});

describe('Microsoft 365 calendar sync through a real hub', () => {
  it('subscribed after answering the validation handshake with the token as text/plain', () => {
    expect(fake.push.active()).toHaveLength(1);
    expect(fake.push.lastHandshake?.status).toBe(200);
    expect(fake.push.lastHandshake?.contentType).toMatch(/^text\/plain/);
  });

  it('moves, renames and re-invites the core meeting when the Outlook meeting changes, then cancels it', async () => {
    const meeting = await createMeeting('Planning', at(48));
    const outlook = fake.addEvent(mailbox, {
      subject: 'Planning',
      start: at(48),
      end: at(49),
      location: `${api.url}/rooms/${meeting.room_id}`,
      attendees: [{ address: 'carol@partner.test', name: 'Carol' }],
    });
    await settled();
    const invites = async () =>
      (
        await json<{ email: string | null }[]>(
          await api.call(`/v1/events/${meeting.id}/invites`, { token: alice }),
          200,
        )
      ).map((i) => i.email);
    expect(await invites()).toEqual(['carol@partner.test']);

    fake.store.updateEvent(mailbox, outlook.id, {
      start: at(72),
      end: at(73),
      subject: 'Planning (moved)',
      attendees: [{ address: 'dave@partner.test', name: 'Dave' }],
    });
    await settled();
    const moved = await json<EventJson>(await api.call(`/v1/events/${meeting.id}`, { token: alice }), 200);
    expect(moved.title).toBe('Planning (moved)');
    expect(Date.parse(moved.starts_at.datetime)).toBe(at(72).getTime());
    expect(await invites()).toEqual(['dave@partner.test']);

    fake.store.deleteEvent(mailbox, outlook.id);
    await settled();
    expect((await api.call(`/v1/events/${meeting.id}`, { token: alice })).status).toBe(404);
  });

  it('ignores a notification with a forged clientState', async () => {
    const meeting = await createMeeting('Forged', at(30));
    const outlook = fake.addEvent(mailbox, {
      subject: 'Forged',
      start: at(30),
      end: at(31),
      location: `${api.url}/rooms/${meeting.room_id}`,
    });
    await settled();
    const subscription = fake.push.active()[0]!;
    // Changed in Graph, but the hub only hears a forged push about it: it must not start a round.
    const deliveries = fake.push.deliveries.length;
    subscription.needsReauthorization = true; // keep the real push quiet for this change
    fake.store.updateEvent(mailbox, outlook.id, { start: at(33), end: at(34) });
    expect(fake.push.deliveries.length).toBe(deliveries);
    expect((await fake.push.forge(subscription.id, 'not-the-client-state')).status).toBe(202);
    await settled();
    const after = await json<EventJson>(await api.call(`/v1/events/${meeting.id}`, { token: alice }), 200);
    expect(Date.parse(after.starts_at.datetime)).toBe(at(30).getTime());
    // A reauthorizationRequired lifecycle event makes the hub reauthorize; the next push applies.
    const reauthorized = fake.hits.get('reauthorize') ?? 0;
    subscription.needsReauthorization = false;
    fake.push.lifecycle(subscription.id, 'reauthorizationRequired');
    await settled();
    await new Promise((resolve) => setImmediate(resolve));
    await settled();
    expect(fake.hits.get('reauthorize') ?? 0).toBeGreaterThan(reauthorized);
    fake.push.lifecycle(subscription.id, 'missed');
    await settled();
    const caughtUp = await json<EventJson>(await api.call(`/v1/events/${meeting.id}`, { token: alice }), 200);
    expect(Date.parse(caughtUp.starts_at.datetime)).toBe(at(33).getTime());
  });

  it('subscribes again after subscriptionRemoved and catches up with what changed meanwhile', async () => {
    const meeting = await createMeeting('Removed', at(40));
    const outlook = fake.addEvent(mailbox, {
      subject: 'Removed',
      start: at(40),
      end: at(41),
      location: `${api.url}/rooms/${meeting.room_id}`,
    });
    await settled();
    const old = fake.push.active()[0]!;
    fake.push.lifecycle(old.id, 'subscriptionRemoved');
    fake.store.updateEvent(mailbox, outlook.id, { subject: 'Removed (renamed)' });
    // The lifecycle notice is handled in the background: settled until the new subscription is there.
    await expect
      .poll(async () => {
        await settled();
        return fake.push.active().some((s) => s.id !== old.id);
      })
      .toBe(true);
    const active = fake.push.active();
    expect(active).toHaveLength(1);
    expect(active[0]?.id).not.toBe(old.id);
    const renamed = await json<EventJson>(await api.call(`/v1/events/${meeting.id}`, { token: alice }), 200);
    expect(renamed.title).toBe('Removed (renamed)');
  });
});

describe('Microsoft 365 connector changes take effect at once', () => {
  it('subscribes a mailbox added in the settings and links its meetings without waiting for a tick', async () => {
    const bob = await api.token('bob');
    const second = 'bob@example.test';
    fake.store.addUser({ mail: second, givenName: 'Bob', surname: 'Example' });
    const bobs = await json<EventJson>(
      await api.call('/v1/events', {
        method: 'POST',
        token: bob,
        body: {
          title: 'Bob weekly',
          starts_at: { datetime: at(60).toISOString(), timezone: 'Europe/Berlin' },
          ends_at: { datetime: at(61).toISOString(), timezone: 'Europe/Berlin' },
        },
      }),
      201,
    );
    const outlook = fake.addEvent(second, {
      subject: 'Bob weekly (from Outlook)',
      start: at(62),
      end: at(63),
      location: `${api.url}/rooms/${bobs.room_id}`,
    });
    expect(fake.push.active().map((s) => s.mailbox)).not.toContain(second);
    await json(
      await api.call(`/v1/admin/connectors/${connectorId}`, {
        method: 'PATCH',
        token: alice,
        body: { settings: { mailboxes: [mailbox, second] } },
      }),
      200,
    );
    await settled();
    expect(
      fake.push
        .active()
        .map((s) => s.mailbox)
        .sort(),
    ).toEqual([mailbox, second]);
    const first = await json<EventJson>(await api.call(`/v1/events/${bobs.id}`, { token: bob }), 200);
    expect(first.title).toBe('Bob weekly (from Outlook)');
    expect(Date.parse(first.starts_at.datetime)).toBe(at(62).getTime());
    // The new subscription pushes: a later move arrives without any round being asked for.
    fake.store.updateEvent(second, outlook.id, { start: at(64), end: at(65) });
    await settled();
    const moved = await json<EventJson>(await api.call(`/v1/events/${bobs.id}`, { token: bob }), 200);
    expect(Date.parse(moved.starts_at.datetime)).toBe(at(64).getTime());
  });
});

describe('Microsoft 365 calendar sync safety', () => {
  it('does not let a watched mailbox move or cancel a meeting it does not own by carrying its join link', async () => {
    const bob = await api.token('bob');
    const bobs = await json<EventJson>(
      await api.call('/v1/events', {
        method: 'POST',
        token: bob,
        body: {
          title: 'Bob only',
          starts_at: { datetime: at(50).toISOString(), timezone: 'Europe/Berlin' },
          ends_at: { datetime: at(51).toISOString(), timezone: 'Europe/Berlin' },
        },
      }),
      201,
    );
    // In alice's (watched) calendar, organized by someone else, pointing at bob's meeting.
    const copy = fake.addEvent(mailbox, {
      subject: 'Bob only',
      start: at(55),
      end: at(56),
      organizer: 'mallory@partner.test',
      location: `${api.url}/rooms/${bobs.room_id}`,
    });
    await settled();
    fake.store.deleteEvent(mailbox, copy.id);
    await settled();
    const still = await json<EventJson>(await api.call(`/v1/events/${bobs.id}`, { token: bob }), 200);
    expect(Date.parse(still.starts_at.datetime)).toBe(at(50).getTime());
  });
});
