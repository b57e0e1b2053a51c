import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApiHub, type ApiHub } from './support/api-hub.js';
import { startSmtpCapture, type SmtpCapture } from './support/smtp-capture.js';

/**
 * Invitation mail through the hub as it runs: the outbox subscription, the embedded outbox folder
 * and its listing, the dead-letter list with SMTP, and iMIP replies taken in through the admin API.
 */

const berlin = (datetime: string) => ({ datetime, timezone: 'Europe/Berlin' });

async function json<T>(res: Response, status: number): Promise<T> {
  expect(res.status, await res.clone().text()).toBe(status);
  return (await res.json()) as T;
}

interface Listing {
  items: {
    message_id: string;
    recipient: string;
    kind: string;
    status: string;
    file?: string;
    last_error: string | null;
  }[];
  directory?: string;
}

function reply(eventId: string, attendee: string, partstat: string, method = 'REPLY'): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN',
    `METHOD:${method}`,
    'BEGIN:VEVENT',
    `UID:${eventId}`,
    'SEQUENCE:1',
    'DTSTAMP:20310301T120000Z',
    `ATTENDEE;PARTSTAT=${partstat};CN=Someone:mailto:${attendee}`,
    'ORGANIZER;CN=Alice:mailto:alice@example.test',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

async function createMeeting(api: ApiHub, token: string, title: string): Promise<string> {
  const event = await json<{ id: string }>(
    await api.call('/v1/events', {
      method: 'POST',
      token,
      body: { title, starts_at: berlin('2031-03-10T08:00:00Z'), ends_at: berlin('2031-03-10T09:00:00Z') },
    }),
    201,
  );
  return event.id;
}

describe('invitation mail in embedded mode', () => {
  let api: ApiHub;
  let alice: string;
  let bob: string;
  let bobId: string;
  let eventId: string;

  beforeAll(async () => {
    api = await startApiHub();
    [alice, bob] = await Promise.all([api.token('alice'), api.token('bob')]);
    bobId = (await json<{ id: string }>(await api.call('/v1/users/me', { token: bob }), 200)).id;
    eventId = await createMeeting(api, alice, 'Embedded meeting');
    await json(
      await api.call(`/v1/events/${eventId}/invites`, {
        method: 'POST',
        token: alice,
        body: { invitee: bobId },
      }),
      201,
    );
    await json(
      await api.call(`/v1/events/${eventId}/invites`, {
        method: 'POST',
        token: alice,
        body: { email: 'guest@partner.example', role: 'guest' },
      }),
      201,
    );
  });
  afterAll(async () => {
    await api.stop();
  });

  it('writes each invitation to the outbox folder and lists it for tenant administrators', async () => {
    let listing: Listing = { items: [] };
    await expect
      .poll(
        async () => {
          listing = await json<Listing>(await api.call('/v1/admin/mail/outbox', { token: alice }), 200);
          return listing.items.length;
        },
        { timeout: 15_000 },
      )
      .toBe(2);
    expect(listing.items.map((i) => i.recipient).sort()).toEqual([
      'bob@example.test',
      'guest@partner.example',
    ]);
    for (const item of listing.items) {
      expect(item).toMatchObject({ kind: 'invite', status: 'sent' });
      const file = join(listing.directory ?? '', item.file ?? '');
      expect(existsSync(file)).toBe(true);
      const raw = readFileSync(file, 'utf8');
      expect(raw.replace(/\r\n\s+/g, ' ')).toContain(`Message-ID: ${item.message_id}`);
      expect(raw).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=REQUEST/);
    }
  });

  it('refuses the mail listings to people who are not tenant administrators', async () => {
    for (const path of ['/v1/admin/mail/outbox', '/v1/admin/mail/dead-letters']) {
      const res = await api.call(path, { token: bob });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'forbidden' });
    }
  });

  it('records an iMIP REPLY on the invite of the address that answered', async () => {
    const accepted = await api.call('/v1/admin/mail/replies', {
      method: 'POST',
      token: alice,
      body: { ics: reply(eventId, 'BOB@example.test', 'ACCEPTED') },
    });
    expect(await json(accepted, 200)).toMatchObject({ event_id: eventId, status: 'accepted' });
    await json(
      await api.call('/v1/admin/mail/replies', {
        method: 'POST',
        token: alice,
        body: { ics: reply(eventId, 'guest@partner.example', 'TENTATIVE') },
      }),
      200,
    );
    const invites = await json<{ invitee_user_id: string | null; email: string | null; status: string }[]>(
      await api.call(`/v1/events/${eventId}/invites`, { token: alice }),
      200,
    );
    expect(invites.find((i) => i.invitee_user_id === bobId)?.status).toBe('accepted');
    expect(invites.find((i) => i.email === 'guest@partner.example')?.status).toBe('tentative');
  });

  it('refuses replies that are not REPLYs, name nobody invited, or name another tenant’s event', async () => {
    const post = (ics: string, token = alice) =>
      api.call('/v1/admin/mail/replies', { method: 'POST', token, body: { ics } });
    for (const bad of [
      'not a calendar',
      reply(eventId, 'bob@example.test', 'ACCEPTED', 'REQUEST'),
      reply(eventId, 'bob@example.test', 'NEEDS-ACTION'),
      reply(eventId, 'not-an-address', 'ACCEPTED'),
    ]) {
      const res = await post(bad);
      expect(res.status, bad).toBe(422);
      expect(await res.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'body.ics' }] });
    }
    const stranger = await post(reply(eventId, 'stranger@example.org', 'ACCEPTED'));
    expect(stranger.status).toBe(404);
    const otherAdmin = await api.token('alice', 'other-co');
    const foreign = await post(reply(eventId, 'bob@example.test', 'DECLINED'), otherAdmin);
    expect(foreign.status).toBe(404);
    const theirs = await json<Listing>(await api.call('/v1/admin/mail/outbox', { token: otherAdmin }), 200);
    expect(theirs.items).toEqual([]);
    const invites = await json<{ invitee_user_id: string | null; status: string }[]>(
      await api.call(`/v1/events/${eventId}/invites`, { token: alice }),
      200,
    );
    expect(invites.find((i) => i.invitee_user_id === bobId)?.status).toBe('accepted');
  });
});

describe('invitation mail through SMTP', () => {
  let smtp: SmtpCapture;
  let api: ApiHub;
  let alice: string;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    smtp.rejectRecipients.add('gone@partner.example');
    api = await startApiHub({
      SMTP_URL: smtp.url,
      MAIL_RETRY_DELAY_MS: '100',
      MAIL_FROM: 'Meetings <meet@example.org>',
    });
    alice = await api.token('alice');
  });
  afterAll(async () => {
    await api.stop();
    await smtp.close();
  });

  it('lists a mail the server refused for good (550) as a dead letter, and has no outbox folder', async () => {
    const eventId = await createMeeting(api, alice, 'SMTP meeting');
    for (const email of ['gone@partner.example', 'ok@partner.example']) {
      await json(
        await api.call(`/v1/events/${eventId}/invites`, {
          method: 'POST',
          token: alice,
          body: { email, role: 'guest' },
        }),
        201,
      );
    }
    await smtp.waitFor(1);
    let dead: Listing = { items: [] };
    await expect
      .poll(
        async () => {
          dead = await json<Listing>(await api.call('/v1/admin/mail/dead-letters', { token: alice }), 200);
          return dead.items.length;
        },
        { timeout: 15_000 },
      )
      .toBe(1);
    expect(dead.items[0]).toMatchObject({
      recipient: 'gone@partner.example',
      kind: 'invite',
      status: 'dead',
    });
    expect(dead.items[0]?.last_error).toMatch(/550/);
    expect(smtp.messages.map((m) => m.to)).toEqual([['ok@partner.example']]);
    expect(smtp.messages[0]?.from).toBe('meet@example.org');
    const outbox = await api.call('/v1/admin/mail/outbox', { token: alice });
    expect(outbox.status).toBe(409);
    expect(await outbox.json()).toMatchObject({ code: 'conflict' });
  });
});
