import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApiHub, type ApiHub } from './support/api-hub.js';

interface EventJson {
  id: string;
  room_id: string;
  title: string;
  revision: number;
  starts_at: { datetime: string; timezone: string } | null;
  ends_at: { datetime: string; timezone: string } | null;
  recurrence_pattern: string[];
}
interface Problem {
  code: string;
  detail?: string;
  errors?: { field: string; message: string }[];
}
interface InviteJson {
  invitee_user_id: string | null;
  email: string | null;
  role: string;
  status: string;
}
interface InstanceJson {
  instance_id: string;
  title: string;
  status: string;
  starts_at: { datetime: string };
  ends_at: { datetime: string };
  is_exception: boolean;
}

let api: ApiHub;
let alice: string;
let bob: string;
let carol: string;
let elsewhere: string;
beforeAll(async () => {
  api = await startApiHub();
  [alice, bob, carol, elsewhere] = await Promise.all([
    api.token('alice'),
    api.token('bob'),
    api.token('carol'),
    api.token('carol', 'other-co'),
  ]);
});
afterAll(async () => {
  await api.stop();
});

const berlin = (datetime: string) => ({ datetime, timezone: 'Europe/Berlin' });

async function create(body: Record<string, unknown>, token = alice): Promise<EventJson> {
  const res = await api.call('/v1/events', { method: 'POST', token, body });
  expect(res.status).toBe(201);
  const event = (await res.json()) as EventJson;
  expect(res.headers.get('etag')).toBe(`"${event.revision}"`);
  return event;
}

async function me(token: string): Promise<{ id: string; email: string }> {
  return (await (await api.call('/v1/users/me', { token })).json()) as { id: string; email: string };
}

async function list(
  token: string,
  query: string,
): Promise<{ items: EventJson[]; next_cursor: string | null }> {
  const res = await api.call(`/v1/events?${query}`, { token });
  expect(res.status).toBe(200);
  return (await res.json()) as { items: EventJson[]; next_cursor: string | null };
}

/** A weekly Monday 09:00 Berlin series of six, three before and three after the 2031 spring switch. */
const weekly = {
  title: 'Weekly sync',
  starts_at: berlin('2031-03-10T08:00:00Z'),
  ends_at: berlin('2031-03-10T09:00:00Z'),
  recurrence_pattern: ['RRULE:FREQ=WEEKLY;COUNT=6'],
};

describe('API v1: events', () => {
  it('creates a single and a weekly Berlin event, revision 1 with its ETag', async () => {
    const single = await create({
      title: 'Kick-off',
      description: 'First meeting',
      starts_at: berlin('2031-03-12T13:00:00+01:00'),
      ends_at: berlin('2031-03-12T14:00:00+01:00'),
      waiting_room: true,
    });
    expect(single).toMatchObject({
      title: 'Kick-off',
      revision: 1,
      starts_at: { datetime: '2031-03-12T12:00:00.000Z', timezone: 'Europe/Berlin' },
      recurrence_pattern: [],
    });
    const series = await create(weekly);
    expect(series.recurrence_pattern).toEqual(['RRULE:FREQ=WEEKLY;COUNT=6']);
    const res = await api.call(`/v1/events/${series.id}`, { token: alice });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(((await res.json()) as EventJson).id).toBe(series.id);
  });

  it('creates a time-independent meeting (a permanent room) that every window lists, last', async () => {
    const permanent = await create({ title: 'Team room', is_time_independent: true }, carol);
    expect(permanent).toMatchObject({
      starts_at: null,
      ends_at: null,
      recurrence_pattern: [],
      is_adhoc: false,
    });
    const meetNow = await create({ title: 'Meet now', is_time_independent: true, is_adhoc: true }, carol);
    expect(meetNow).toMatchObject({ is_adhoc: true });
    expect((await api.call(`/v1/events/${meetNow.id}`, { method: 'DELETE', token: carol })).status).toBe(204);
    const timed = await create(
      {
        title: 'Carol 1:1',
        starts_at: berlin('2031-11-03T09:00:00Z'),
        ends_at: berlin('2031-11-03T10:00:00Z'),
      },
      carol,
    );
    const page = await list(carol, 'time_min=2031-11-03T00:00:00Z&time_max=2031-11-04T00:00:00Z');
    expect(page.items.map((e) => e.id)).toEqual([timed.id, permanent.id]);
    const withTimes = await api.call('/v1/events', {
      method: 'POST',
      token: carol,
      body: { title: 'Both', is_time_independent: true, starts_at: berlin('2031-11-03T09:00:00Z') },
    });
    expect(withTimes.status).toBe(422);
  });

  it('refuses bad times, time zones and rules by field, and stores nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        {
          title: 'x',
          starts_at: { datetime: '2031-05-01T10:00:00Z', timezone: 'Mars/Olympus' },
          ends_at: berlin('2031-05-01T11:00:00Z'),
        },
        'body.starts_at.timezone',
      ],
      [
        { title: 'x', starts_at: berlin('2031-05-01T10:00:00Z'), ends_at: berlin('2031-05-01T09:00:00Z') },
        'body.ends_at',
      ],
      [
        {
          title: 'x',
          starts_at: berlin('2031-05-01T10:00:00Z'),
          ends_at: berlin('2031-05-01T11:00:00Z'),
          recurrence_pattern: ['RRULE:FREQ=SECONDLY'],
        },
        'body.recurrence_pattern.0',
      ],
      [{ title: 'x' }, 'body.starts_at'],
      [{ title: '', is_time_independent: true }, 'body.title'],
    ];
    for (const [body, field] of cases) {
      const res = await api.call('/v1/events', { method: 'POST', token: alice, body });
      expect(res.status, field).toBe(422);
      const problem = (await res.json()) as Problem;
      expect(problem.code).toBe('validation_failed');
      expect(problem.errors?.map((e) => e.field)).toContain(field);
    }
    const window = 'time_min=2031-05-01T00:00:00Z&time_max=2031-05-02T00:00:00Z';
    expect((await list(alice, window)).items.filter((e) => e.title === 'x')).toEqual([]);
  });

  it('lists the events of a window, a weekly series by its occurrences, page by page', async () => {
    const token = await api.token('alice');
    const series = await create({ ...weekly, title: 'Listed series' }, token);
    // 2031-04-07 holds the fifth occurrence (09:00 CEST = 07:00Z); before the series: nothing.
    const april = await list(token, 'time_min=2031-04-07T00:00:00Z&time_max=2031-04-08T00:00:00Z');
    expect(april.items.map((e) => e.id)).toContain(series.id);
    const after = await list(token, 'time_min=2031-04-15T00:00:00Z&time_max=2031-04-16T00:00:00Z');
    expect(after.items.map((e) => e.id)).not.toContain(series.id);
    // A Tuesday between two Mondays: the span overlaps, no occurrence does.
    const tuesday = await list(token, 'time_min=2031-04-01T00:00:00Z&time_max=2031-04-02T00:00:00Z');
    expect(tuesday.items.map((e) => e.id)).not.toContain(series.id);

    const ids: string[] = [];
    for (const hour of ['08', '09', '10']) {
      const event = await create({
        title: `Page ${hour}`,
        starts_at: berlin(`2031-06-02T${hour}:00:00Z`),
        ends_at: berlin(`2031-06-02T${hour}:30:00Z`),
      });
      ids.push(event.id);
    }
    const window = 'time_min=2031-06-02T00:00:00Z&time_max=2031-06-03T00:00:00Z';
    const first = await list(alice, `${window}&limit=2`);
    expect(first.items.map((e) => e.id)).toEqual(ids.slice(0, 2));
    expect(first.next_cursor).not.toBeNull();
    const second = await list(
      alice,
      `${window}&limit=2&after=${encodeURIComponent(first.next_cursor ?? '')}`,
    );
    expect(second.items.map((e) => e.id)).toEqual(ids.slice(2));
    expect(second.next_cursor).toBeNull();

    const bad = await api.call(`/v1/events?${window}&after=not-a-cursor`, { token: alice });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as Problem).errors?.map((e) => e.field)).toEqual(['query.after']);
    const empty = await api.call('/v1/events?time_min=2031-06-03T00:00:00Z&time_max=2031-06-02T00:00:00Z', {
      token: alice,
    });
    expect(empty.status).toBe(422);
  });

  it('changes an event only with the current revision in If-Match', async () => {
    const event = await create({
      title: 'Draft',
      starts_at: berlin('2031-07-01T08:00:00Z'),
      ends_at: berlin('2031-07-01T09:00:00Z'),
    });
    const path = `/v1/events/${event.id}`;
    const missing = await api.call(path, { method: 'PATCH', token: alice, body: { title: 'No match' } });
    expect(missing.status).toBe(428);
    expect(((await missing.json()) as Problem).code).toBe('precondition_required');

    const ok = await api.call(path, {
      method: 'PATCH',
      token: alice,
      body: { title: 'Final', ends_at: berlin('2031-07-01T10:00:00Z') },
      headers: { 'if-match': '"1"' },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe('"2"');
    expect(await ok.json()).toMatchObject({
      title: 'Final',
      revision: 2,
      ends_at: { datetime: '2031-07-01T10:00:00.000Z' },
    });

    const stale = await api.call(path, {
      method: 'PATCH',
      token: alice,
      body: { title: 'Lost update' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    const problem = (await stale.json()) as Problem;
    expect(problem.code).toBe('precondition_failed');
    expect(problem.detail).toContain('2');

    const backwards = await api.call(path, {
      method: 'PATCH',
      token: alice,
      body: { ends_at: berlin('2031-07-01T07:00:00Z') },
      headers: { 'if-match': '"2"' },
    });
    expect(backwards.status).toBe(422);
    const current = await api.call(path, { token: alice });
    expect(await current.json()).toMatchObject({ title: 'Final', revision: 2 });
  });

  it('hides an event from people not invited and from other tenants', async () => {
    const event = await create({
      title: 'Private',
      starts_at: berlin('2031-08-01T08:00:00Z'),
      ends_at: berlin('2031-08-01T09:00:00Z'),
    });
    for (const token of [bob, elsewhere]) {
      const path = `/v1/events/${event.id}`;
      expect((await api.call(path, { token })).status).toBe(404);
      expect(
        (
          await api.call(path, {
            method: 'PATCH',
            token,
            body: { title: 'Mine' },
            headers: { 'if-match': '"1"' },
          })
        ).status,
      ).toBe(404);
      expect((await api.call(path, { method: 'DELETE', token })).status).toBe(404);
      expect((await api.call(`${path}/invites`, { token })).status).toBe(404);
      expect((await api.call(`${path}/instances`, { token })).status).toBe(404);
      const window = 'time_min=2031-08-01T00:00:00Z&time_max=2031-08-02T00:00:00Z';
      expect((await list(token, window)).items.map((e) => e.id)).not.toContain(event.id);
    }
    expect((await api.call(`/v1/events/${event.id}`, { token: alice })).status).toBe(200);
  });

  it('invites by user id and by email; the invitee sees the event and answers', async () => {
    const event = await create({
      title: 'Planning',
      starts_at: berlin('2031-09-01T08:00:00Z'),
      ends_at: berlin('2031-09-01T09:00:00Z'),
    });
    const invites = `/v1/events/${event.id}/invites`;
    const [bobMe, carolMe] = await Promise.all([me(bob), me(carol)]);

    const byId = await api.call(invites, {
      method: 'POST',
      token: alice,
      body: { invitee: bobMe.id, role: 'user' },
    });
    expect(byId.status).toBe(201);
    expect(await byId.json()).toMatchObject({ invitee_user_id: bobMe.id, role: 'user', status: 'pending' });

    const byEmail = await api.call(`${invites}?suppress_email_notification=true`, {
      method: 'POST',
      token: alice,
      body: { email: carolMe.email.toUpperCase(), role: 'guest' },
    });
    expect(byEmail.status).toBe(201);
    expect(await byEmail.json()).toMatchObject({ invitee_user_id: carolMe.id, email: null, role: 'user' });

    const external = await api.call(invites, {
      method: 'POST',
      token: alice,
      body: { email: 'someone@example.net', role: 'guest' },
    });
    expect(external.status).toBe(201);
    expect(await external.json()).toMatchObject({ invitee_user_id: null, email: 'someone@example.net' });

    for (const body of [
      { invitee: bobMe.id, role: 'moderator' },
      { email: bobMe.email, role: 'guest' },
    ]) {
      const again = await api.call(invites, { method: 'POST', token: alice, body });
      expect(again.status).toBe(409);
      expect(((await again.json()) as Problem).code).toBe('conflict');
    }
    // Only the creator invites; an invitee is told so, a stranger sees nothing.
    const byBob = await api.call(invites, {
      method: 'POST',
      token: bob,
      body: { email: 'friend@example.net', role: 'guest' },
    });
    expect(byBob.status).toBe(403);

    const window = 'time_min=2031-09-01T00:00:00Z&time_max=2031-09-02T00:00:00Z';
    expect((await list(bob, window)).items.map((e) => e.id)).toContain(event.id);
    expect((await api.call(`/v1/events/${event.id}`, { token: bob })).status).toBe(200);

    const accepted = await api.call(`/v1/events/${event.id}/invite`, { method: 'PATCH', token: bob });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ invitee_user_id: bobMe.id, status: 'accepted' });
    const tentative = await api.call(`/v1/events/${event.id}/invite`, {
      method: 'PATCH',
      token: bob,
      body: { status: 'tentative' },
    });
    expect(await tentative.json()).toMatchObject({ status: 'tentative' });
    const declined = await api.call(`/v1/events/${event.id}/invite`, { method: 'DELETE', token: bob });
    expect(declined.status).toBe(204);
    const listed = (await (await api.call(invites, { token: alice })).json()) as InviteJson[];
    expect(listed.find((i) => i.invitee_user_id === bobMe.id)?.status).toBe('declined');
    expect(listed).toHaveLength(3);

    // Alice is not invited to her own event; withdrawing bob's invitation hides it from him.
    expect((await api.call(`/v1/events/${event.id}/invite`, { method: 'PATCH', token: alice })).status).toBe(
      404,
    );
    const removed = await api.call(`${invites}/${bobMe.id}`, { method: 'DELETE', token: alice });
    expect(removed.status).toBe(204);
    expect((await api.call(`${invites}/${bobMe.id}`, { method: 'DELETE', token: alice })).status).toBe(404);
    expect((await api.call(`/v1/events/${event.id}`, { token: bob })).status).toBe(404);
  });

  it('deletes an event: 204, then 404', async () => {
    const event = await create({
      title: 'Cancelled',
      starts_at: berlin('2031-10-01T08:00:00Z'),
      ends_at: berlin('2031-10-01T09:00:00Z'),
    });
    const path = `/v1/events/${event.id}`;
    // The meeting's room cannot be deleted underneath it: that would drop it without a cancellation.
    const room = await api.call(`/v1/rooms/${event.room_id}`, { method: 'DELETE', token: alice });
    expect(room.status).toBe(409);
    expect(await room.json()).toMatchObject({
      code: 'conflict',
      detail: expect.stringContaining(path) as unknown,
    });
    const stale = await api.call(path, { method: 'DELETE', token: alice, headers: { 'if-match': '"7"' } });
    expect(stale.status).toBe(412);
    expect((await api.call(path, { method: 'DELETE', token: alice })).status).toBe(204);
    expect((await api.call(path, { token: alice })).status).toBe(404);
    expect((await api.call(path, { method: 'DELETE', token: alice })).status).toBe(404);
    expect((await api.call(`/v1/rooms/${event.room_id}`, { token: alice })).status).toBe(404);
  });

  it('expands instances over the DST switch, cancels one and moves another', async () => {
    const series = await create({ ...weekly, title: 'Series with exceptions' });
    const instances = `/v1/events/${series.id}/instances`;
    const window = 'time_min=2031-03-01T00:00:00Z&time_max=2031-05-01T00:00:00Z';
    const read = async () => {
      const res = await api.call(`${instances}?${window}`, { token: alice });
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: InstanceJson[] }).items;
    };
    const before = await read();
    expect(before.map((i) => i.instance_id)).toEqual([
      '20310310T080000Z',
      '20310317T080000Z',
      '20310324T080000Z',
      '20310331T070000Z',
      '20310407T070000Z',
      '20310414T070000Z',
    ]);

    // An occurrence carries its event's revision as ETag, on GET and PATCH alike.
    const read17 = await api.call(`${instances}/20310317T080000Z`, { token: alice });
    expect(read17.headers.get('etag')).toBe('"1"');
    const cancelBody = { status: 'cancelled' };
    const unconditional = await api.call(`${instances}/20310317T080000Z`, {
      method: 'PATCH',
      token: alice,
      body: cancelBody,
    });
    expect(unconditional.status).toBe(428);
    expect(await unconditional.json()).toMatchObject({ code: 'precondition_required' });
    for (const garbage of ['"garbage"', '"7"', 'W/"x"']) {
      const refused = await api.call(`${instances}/20310317T080000Z`, {
        method: 'PATCH',
        token: alice,
        body: cancelBody,
        headers: { 'if-match': garbage },
      });
      expect(refused.status).toBe(412);
    }
    const cancel = await api.call(`${instances}/20310317T080000Z`, {
      method: 'PATCH',
      token: alice,
      body: cancelBody,
      headers: { 'if-match': read17.headers.get('etag') ?? '' },
    });
    expect(cancel.status).toBe(200);
    expect(cancel.headers.get('etag')).toBe('"2"');
    expect(await cancel.json()).toMatchObject({ status: 'cancelled', is_exception: true });
    expect((await api.call(`${instances}/20310317T080000Z`, { token: alice })).headers.get('etag')).toBe(
      '"2"',
    );
    // Cancelling it again changes nothing: same revision, no new mail.
    const again = await api.call(`${instances}/20310317T080000Z`, {
      method: 'PATCH',
      token: alice,
      body: cancelBody,
      headers: { 'if-match': '"2"' },
    });
    expect(again.status).toBe(200);
    expect(again.headers.get('etag')).toBe('"2"');

    // The 24 March occurrence (CET) moves to Tuesday 1 April, 10:00 CEST.
    const move = await api.call(`${instances}/20310324T080000Z`, {
      method: 'PATCH',
      token: alice,
      headers: { 'if-match': '"2"' },
      body: { starts_at: berlin('2031-04-01T10:00:00+02:00'), title: 'Moved' },
    });
    expect(move.status).toBe(200);
    expect(await move.json()).toMatchObject({
      instance_id: '20310324T080000Z',
      title: 'Moved',
      starts_at: { datetime: '2031-04-01T08:00:00.000Z' },
      ends_at: { datetime: '2031-04-01T09:00:00.000Z' },
    });

    const after = await read();
    expect(after.map((i) => [i.instance_id, i.starts_at.datetime, i.status])).toEqual([
      ['20310310T080000Z', '2031-03-10T08:00:00.000Z', 'scheduled'],
      ['20310317T080000Z', '2031-03-17T08:00:00.000Z', 'cancelled'],
      ['20310331T070000Z', '2031-03-31T07:00:00.000Z', 'scheduled'],
      ['20310324T080000Z', '2031-04-01T08:00:00.000Z', 'scheduled'],
      ['20310407T070000Z', '2031-04-07T07:00:00.000Z', 'scheduled'],
      ['20310414T070000Z', '2031-04-14T07:00:00.000Z', 'scheduled'],
    ]);
    const event = (await (await api.call(`/v1/events/${series.id}`, { token: alice })).json()) as EventJson;
    expect(event.revision).toBe(3);
    const one = await api.call(`${instances}/20310324T080000Z`, { token: alice });
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({
      title: 'Moved',
      starts_at: { datetime: '2031-04-01T08:00:00.000Z' },
    });
    expect((await api.call(`${instances}/20310324T080000Z`, { token: bob })).status).toBe(404);

    // If-Match: * changes whatever revision is current.
    const any = await api.call(`/v1/events/${series.id}`, {
      method: 'PATCH',
      token: alice,
      body: { description: 'Agenda in the wiki' },
      headers: { 'if-match': '*' },
    });
    expect(any.status).toBe(200);
    expect(any.headers.get('etag')).toBe('"4"');

    const notAnOccurrence = await api.call(`${instances}/20310318T080000Z`, {
      method: 'PATCH',
      token: alice,
      body: { status: 'cancelled' },
      headers: { 'if-match': '*' },
    });
    expect(notAnOccurrence.status).toBe(404);
    const malformed = await api.call(`${instances}/tomorrow`, {
      method: 'PATCH',
      token: alice,
      body: { status: 'cancelled' },
    });
    expect(malformed.status).toBe(422);
    expect(((await malformed.json()) as Problem).errors?.map((e) => e.field)).toEqual(['path.instanceId']);
    const byStranger = await api.call(`${instances}/20310407T070000Z`, {
      method: 'PATCH',
      token: bob,
      body: { status: 'cancelled' },
      headers: { 'if-match': '*' },
    });
    expect(byStranger.status).toBe(404);
  });
});
