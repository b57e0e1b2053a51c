import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSmtpTransport, createUserRepository, type MailTransport } from '@vc/conference-core';
import {
  createMailRepository,
  MailSendError,
  planEventMails,
  planMails,
  readDomainEvent,
} from '@vc/conference-core/testing';

import { parseInvitation, startSmtpCapture, type SmtpCapture } from './support/smtp-capture.js';
import { mailSettings, publicUrl, startMailWorld, type MailWorld } from './support/mail-world.js';

/**
 * Many invitations to one event at once: the mail service plans the outbox messages waiting for
 * one event together (one read of the event, one insert of all their mails), and each invitee
 * still gets exactly one mail with their own Message-ID and ATTENDEE, also across a crash.
 */

let smtp: SmtpCapture;
let world: MailWorld;
const notify = { suppressEmailNotification: false };

beforeAll(async () => {
  smtp = await startSmtpCapture();
  world = await startMailWorld(smtp.url);
});

afterAll(async () => {
  await world.close();
  await smtp.close();
});

/** An event with `count` invitees (a third each registered, directory, external); their addresses. */
async function eventWithInvitees(title: string, count: number): Promise<{ id: string; addresses: string[] }> {
  const event = await world.events.create(
    world.alice.actor,
    {
      title,
      startsAt: new Date('2031-06-02T08:00:00Z'),
      endsAt: new Date('2031-06-02T09:00:00Z'),
      timeZone: 'Europe/Berlin',
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
    },
    notify,
  );
  const users = createUserRepository(world.database.db);
  const addresses: string[] = [];
  for (let i = 0; i < count; i++) {
    const tag = `${title.replace(/\W+/g, '-').toLowerCase()}-${i}`;
    if (i % 3 === 2) {
      const email = `${tag}@partner.example`;
      await world.events.invite(world.alice.actor, event.id, { email, role: 'guest' }, notify);
      addresses.push(email);
      continue;
    }
    const created = await users.create(world.tenantId, {
      email: `${tag}@example.org`,
      displayName: `Person ${tag}`,
      language: i % 2 === 0 ? 'de' : 'en',
      timeZone: null,
    });
    if (!created.ok) throw new Error(created.reason);
    if (i % 3 === 0) await users.markLogin(world.tenantId, created.user.id, new Date());
    await world.events.invite(
      world.alice.actor,
      event.id,
      { invitee: created.user.id, role: i === 0 ? 'moderator' : 'user' },
      notify,
    );
    addresses.push(created.user.email);
  }
  return { id: event.id, addresses };
}

const settle = () => new Promise((r) => setTimeout(r, 400));

describe('invitations planned together', () => {
  it('gives each of many invitees to one event one mail, with their own Message-ID and ATTENDEE', async () => {
    const { id, addresses } = await eventWithInvitees('Big kickoff', 30);
    // Invited and removed before any mail went out: no invitation, one farewell.
    const leaver = 'leaver@example.org';
    const left = await createUserRepository(world.database.db).create(world.tenantId, {
      email: leaver,
      displayName: 'Lea Leaver',
    });
    if (!left.ok) throw new Error(left.reason);
    await world.events.invite(world.alice.actor, id, { invitee: left.user.id, role: 'user' }, notify);
    await world.events.uninvite(world.alice.actor, id, left.user.id, notify);
    // Asked for no mail (the add-in's own invitation).
    await world.events.invite(
      world.alice.actor,
      id,
      { email: 'quiet@partner.example', role: 'guest' },
      { suppressEmailNotification: true },
    );
    const before = smtp.messages.length;
    await world.dispatch();
    const all = await smtp.waitFor(before + addresses.length + 1);
    await settle();
    const mails = smtp.messages.slice(before);
    expect(mails).toHaveLength(addresses.length + 1);
    expect(mails.map((m) => m.to[0]).sort()).toEqual([...addresses, leaver].sort());
    const parsed = await Promise.all(all.slice(before).map((m) => parseInvitation(m.raw)));
    expect(new Set(parsed.map((p) => p.mail.messageId)).size).toBe(parsed.length);
    for (const [i, mail] of parsed.entries()) {
      const to = mails[i]?.to[0] ?? '';
      const root = new ICAL.Component(ICAL.parse(mail.ics ?? '') as unknown[]);
      const vevent = root.getFirstSubcomponent('vevent');
      expect(vevent?.getFirstPropertyValue('uid')).toBe(id);
      const attendees = vevent?.getAllProperties('attendee') ?? [];
      expect(attendees).toHaveLength(1);
      expect(String(attendees[0]?.getFirstValue()).toLowerCase()).toBe(`mailto:${to}`);
      expect(mail.mail.to && 'value' in mail.mail.to ? mail.mail.to.value[0]?.address : undefined).toBe(to);
      expect(String(root.getFirstPropertyValue('method'))).toBe(to === leaver ? 'CANCEL' : 'REQUEST');
      // Externals join through the guest link, members through the room (a farewell shows neither).
      const description = String(vevent?.getFirstPropertyValue('description'));
      if (to !== leaver)
        expect(description).toContain(to.endsWith('@partner.example') ? '/invite/' : '/rooms/');
    }
    const moderator = parsed.find((_, i) => mails[i]?.to[0] === addresses[0]);
    expect(moderator?.ics).toMatch(/ATTENDEE;ROLE=CHAIR/);
    // Every outbox message of the event is planned, the suppressed one with no mail.
    const plans = await world.database.db
      .selectFrom('mail_plans')
      .innerJoin('outbox', (join) =>
        join
          .onRef('outbox.tenant_id', '=', 'mail_plans.tenant_id')
          .onRef('outbox.id', '=', 'mail_plans.outbox_id'),
      )
      .select(['outbox.topic', 'mail_plans.messages'])
      .where('outbox.aggregate_id', '=', id)
      .execute();
    expect(plans.filter((p) => p.topic === 'invite.added')).toHaveLength(addresses.length + 2);
    expect(plans.reduce((sum, p) => sum + p.messages, 0)).toBe(addresses.length + 1);
    // Planned in passes, not one statement per message: the rows of one pass share their
    // transaction time.
    const passes = await world.database.db
      .selectFrom('mail_deliveries')
      .select('created_at')
      .distinct()
      .where('event_id', '=', id)
      .execute();
    expect(passes.length).toBeLessThanOrEqual(addresses.length / 3);
  });

  it('sends no invitation twice when the process dies in the middle of a pass and the next one sweeps', async () => {
    const { id, addresses } = await eventWithInvitees('Crash course', 24);
    // A transport that takes the first ten mails and then loses its connection, as a process
    // does that is going down; what was accepted is marked sent, the rest waits for a retry.
    const real = createSmtpTransport({ url: smtp.url, maxConnections: 2, timeoutMs: 5000 });
    let taken = 0;
    const dying: MailTransport = {
      kind: 'smtp',
      async send(mail) {
        if (taken >= 10) throw new MailSendError('connection lost', { permanent: false });
        taken++;
        await real.send(mail);
      },
      close: () => real.close(),
    };
    await world.restart(dying);
    const before = smtp.messages.length;
    await world.dispatch();
    const repo = createMailRepository(world.database.db);
    const pendingOf = async () =>
      (await repo.listByStatus(world.tenantId, 'pending', 500)).filter((d) => d.eventId === id);
    await smtp.waitFor(before + 10);
    const sentOf = async () =>
      (await repo.listByStatus(world.tenantId, 'sent', 500)).filter((d) => d.eventId === id);
    await expect.poll(async () => (await sentOf()).length).toBe(10);
    await expect
      .poll(async () => (await pendingOf()).filter((d) => d.attempts > 0).length)
      .toBeGreaterThan(0);
    expect(smtp.messages.length - before).toBe(10);
    // The process dies (its queue with the retries is lost); the next one sweeps.
    await world.restart(createSmtpTransport({ url: smtp.url, maxConnections: 2, timeoutMs: 5000 }));
    await smtp.waitFor(before + addresses.length);
    await settle();
    const delivered = smtp.messages.slice(before).map((m) => m.to[0]);
    expect(delivered.sort()).toEqual([...addresses].sort());
    expect(await pendingOf()).toEqual([]);
    expect(await world.worker.mail.sweep()).toEqual({ replanned: 0, resent: 0 });
  });

  it('plans each domain event of a pass exactly as it would be planned alone', async () => {
    const { id } = await eventWithInvitees('Mixed pass', 6);
    const users = createUserRepository(world.database.db);
    const leaving = await users.create(world.tenantId, {
      email: 'mixed-leaver@example.org',
      displayName: 'Leaver',
    });
    if (!leaving.ok) throw new Error(leaving.reason);
    await world.events.invite(world.alice.actor, id, { invitee: leaving.user.id, role: 'user' }, notify);
    await world.events.uninvite(world.alice.actor, id, leaving.user.id, notify);
    await world.events.update(world.alice.actor, id, 'any', { title: 'Mixed pass (renamed)' }, notify);
    await world.events.invite(
      world.alice.actor,
      id,
      { email: 'Quiet.Guest@Partner.example', role: 'guest' },
      { suppressEmailNotification: true },
    );
    const inputs = (
      await world.database.db
        .selectFrom('outbox')
        .select(['tenant_id', 'topic', 'payload'])
        .where('aggregate_id', '=', id)
        .orderBy('id')
        .execute()
    ).map((row) => {
      const read = readDomainEvent(row.topic, row.payload);
      if (!read.ok) throw new Error(read.error);
      return { tenantId: row.tenant_id, event: read.event };
    });
    expect(inputs.map((i) => i.event.topic)).toEqual(
      expect.arrayContaining(['invite.added', 'invite.removed', 'event.updated']),
    );
    const now = new Date();
    // Alone first: the first plan that needs a guest link makes it, the others find it.
    const alone = [];
    for (const input of inputs)
      alone.push(await planMails(world.database.db, input, mailSettings, publicUrl, now));
    const together = await planEventMails(world.database.db, inputs, mailSettings, publicUrl, now);
    expect(together).toEqual(alone);
    // Six invitations, a farewell, an update to the seven invited, nothing for the quiet one.
    expect(together.flat()).toHaveLength(6 + 1 + 7);
  });
});
