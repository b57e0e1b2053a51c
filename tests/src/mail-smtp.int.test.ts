import ICAL from 'ical.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createDialInRepository, createSmtpTransport } from '@vc/conference-core';
import { createMailRepository, type MailDelivery } from '@vc/conference-core/testing';

import {
  parseInvitation,
  startSmtpCapture,
  type ParsedInvitation,
  type SmtpCapture,
} from './support/smtp-capture.js';
import { publicUrl, startMailWorld, type MailWorld } from './support/mail-world.js';

/**
 * Invitation mail end to end on real components: the scheduling service writes domain events, the
 * outbox hands them to the queue, the mail service renders and sends them through a pooled SMTP
 * transport to a real SMTP server on loopback, and each message is parsed back (mailparser,
 * ical.js) and checked field by field.
 */

let smtp: SmtpCapture;
let world: MailWorld;

const notify = { suppressEmailNotification: false };
const berlin = (iso: string) => new Date(iso);

beforeAll(async () => {
  smtp = await startSmtpCapture();
  world = await startMailWorld(smtp.url);
});

afterAll(async () => {
  await world.close();
  await smtp.close();
});

afterEach(() => {
  smtp.refuseConnections = false;
  smtp.rejectRecipients.clear();
});

interface Calendar {
  method: string;
  events: ICAL.Component[];
  timezones: string[];
}

function calendarOf(ics: string | undefined): Calendar {
  if (ics === undefined) throw new Error('the mail has no calendar part');
  const root = new ICAL.Component(ICAL.parse(ics) as unknown[]);
  return {
    method: String(root.getFirstPropertyValue('method')),
    events: root.getAllSubcomponents('vevent'),
    timezones: root.getAllSubcomponents('vtimezone').map((tz) => String(tz.getFirstPropertyValue('tzid'))),
  };
}

/** Waits for `count` more messages and returns them parsed, by recipient. */
async function next(count: number): Promise<Map<string, ParsedInvitation>> {
  const before = smtp.messages.length;
  await world.dispatch();
  const all = await smtp.waitFor(before + count);
  // Nothing beyond what was expected arrives.
  await new Promise((r) => setTimeout(r, 150));
  expect(smtp.messages.length).toBe(before + count);
  const parsed = await Promise.all(all.slice(before).map((m) => parseInvitation(m.raw)));
  return new Map(parsed.map((p, i) => [all[before + i]?.to[0] ?? '', p]));
}

function only<T>(map: Map<string, T>, key: string): T {
  const value = map.get(key);
  if (value === undefined) throw new Error(`no mail to ${key}; got ${[...map.keys()].join(', ')}`);
  return value;
}

/** The checks every invitation passes, whatever its kind. */
function checkWellFormed(mail: ParsedInvitation, calendar: Calendar): void {
  expect(mail.mimeMethod).toBe(calendar.method);
  expect(mail.attachment).toBe(mail.ics);
  expect(mail.mail.replyTo?.value[0]?.address).toBe('alice@example.org');
  expect(mail.mail.from?.value[0]?.address).toBe('noreply@example.org');
  for (const event of calendar.events) {
    for (const name of ['dtstart', 'dtend', 'recurrence-id', 'exdate']) {
      for (const property of event.getAllProperties(name)) {
        const tzid = property.getParameter('tzid');
        if (typeof tzid === 'string') expect(calendar.timezones).toContain(tzid);
      }
    }
    const organizer = event.getFirstProperty('organizer');
    expect(organizer?.getFirstValue()).toBe('mailto:alice@example.org');
    expect(organizer?.getParameter('cn')).toBe('Alice Organizer');
    expect(event.getFirstPropertyValue('dtstamp')).not.toBeNull();
  }
}

describe('invitation mail over SMTP', () => {
  let eventId = '';
  let uidSeen = '';
  const sequences: number[] = [];

  it('invites a registered user, a directory user and an external address, each in their language', async () => {
    const event = await world.events.create(
      world.alice.actor,
      {
        title: 'Weekly sync',
        description: 'Agenda: status & plans',
        startsAt: berlin('2031-03-10T08:00:00Z'),
        endsAt: berlin('2031-03-10T09:00:00Z'),
        timeZone: 'Europe/Berlin',
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=5'],
        password: 'sesame',
      },
      notify,
    );
    eventId = event.id;
    uidSeen = eventId;
    const dialIn = await createDialInRepository(world.database.db).assign(world.tenantId, event.roomId, {
      pin: '424242',
    });
    if (!dialIn.ok) throw new Error(dialIn.reason);
    await world.events.invite(world.alice.actor, eventId, { invitee: world.bob.id, role: 'user' }, notify);
    await world.events.invite(
      world.alice.actor,
      eventId,
      { invitee: world.carol.id, role: 'moderator' },
      notify,
    );
    await world.events.invite(
      world.alice.actor,
      eventId,
      { email: 'guest@partner.example', role: 'guest' },
      notify,
    );
    const mails = await next(3);

    for (const [to, mail] of mails) {
      const calendar = calendarOf(mail.ics);
      checkWellFormed(mail, calendar);
      expect(calendar.method).toBe('REQUEST');
      expect(calendar.events).toHaveLength(1);
      const vevent = calendar.events[0]!;
      expect(vevent.getFirstPropertyValue('uid')).toBe(eventId);
      expect(vevent.getFirstPropertyValue('sequence')).toBe(1);
      expect(vevent.getFirstPropertyValue('rrule')?.toString()).toBe('FREQ=WEEKLY;COUNT=5');
      expect(vevent.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('Europe/Berlin');
      expect(String(vevent.getFirstPropertyValue('dtstart'))).toBe('2031-03-10T09:00:00');
      const attendee = vevent.getFirstProperty('attendee');
      expect(String(attendee?.getFirstValue()).toLowerCase()).toBe(`mailto:${to}`);
      expect(attendee?.getParameter('rsvp')).toBe('TRUE');
      expect(attendee?.getParameter('partstat')).toBe('NEEDS-ACTION');
      expect(mail.mail.messageId).toMatch(
        new RegExp(`^<${eventId}\\.1\\.invite\\.[0-9a-f]+@example\\.org>$`),
      );
      expect(mail.mail.text).toContain('+49 30 555 0100');
      expect(mail.mail.text).toContain('424242');
      expect(mail.mail.text).toContain(dialIn.dialIn.conferenceId);
      expect(String(vevent.getFirstPropertyValue('description'))).toContain('424242');
      expect(mail.mail.html).toContain('sesame');
    }
    const bob = only(mails, 'bob@example.org');
    expect(bob.mail.subject).toBe('Einladung: Weekly sync');
    expect(bob.mail.text).toContain('lädt Sie zu einer Videokonferenz ein');
    expect(bob.mail.text).toContain(`${publicUrl}/rooms/`);
    // Shown in Bob's zone: 09:00 Berlin is 04:00 in New York in March 2031 (before US DST? no: after).
    expect(bob.mail.text).toMatch(/America\/New_York/);
    const carol = only(mails, 'carol@example.org');
    expect(carol.mail.subject).toBe('Invitation: Weekly sync');
    expect(carol.mail.text).toContain('Sign in with your organisation account');
    expect(calendarOf(carol.ics).events[0]?.getFirstProperty('attendee')?.getParameter('role')).toBe('CHAIR');
    const guest = only(mails, 'guest@partner.example');
    expect(guest.mail.subject).toBe('Invitation: Weekly sync');
    expect(guest.mail.text).toMatch(new RegExp(`${publicUrl}/invite/[0-9a-f-]{36}`));
    expect(guest.mail.text).not.toContain(`${publicUrl}/rooms/`);
    sequences.push(1);
  });

  it('sends an update with a higher SEQUENCE and the same UID to everyone invited', async () => {
    await world.events.update(world.alice.actor, eventId, 'any', { title: 'Weekly sync (moved)' }, notify);
    const mails = await next(3);
    for (const mail of mails.values()) {
      const calendar = calendarOf(mail.ics);
      checkWellFormed(mail, calendar);
      expect(calendar.method).toBe('REQUEST');
      const vevent = calendar.events[0]!;
      expect(vevent.getFirstPropertyValue('uid')).toBe(uidSeen);
      expect(vevent.getFirstPropertyValue('sequence')).toBe(2);
      expect(vevent.getFirstPropertyValue('summary')).toBe('Weekly sync (moved)');
    }
    expect(only(mails, 'bob@example.org').mail.subject).toBe('Geändert: Weekly sync (moved)');
    expect(only(mails, 'carol@example.org').mail.subject).toBe('Updated: Weekly sync (moved)');
    sequences.push(2);
  });

  it('sends only the changed occurrence, with its RECURRENCE-ID, when one occurrence moves', async () => {
    await world.events.changeInstance(
      world.alice.actor,
      eventId,
      berlin('2031-03-17T08:00:00Z'),
      'any',
      { startsAt: berlin('2031-03-18T12:00:00Z') },
      notify,
    );
    const mails = await next(3);
    for (const mail of mails.values()) {
      const calendar = calendarOf(mail.ics);
      checkWellFormed(mail, calendar);
      expect(calendar.method).toBe('REQUEST');
      expect(calendar.events).toHaveLength(1);
      const vevent = calendar.events[0]!;
      expect(vevent.getFirstPropertyValue('uid')).toBe(uidSeen);
      expect(vevent.getFirstPropertyValue('sequence')).toBe(3);
      expect(vevent.getFirstProperty('recurrence-id')?.getParameter('tzid')).toBe('Europe/Berlin');
      expect(String(vevent.getFirstPropertyValue('recurrence-id'))).toBe('2031-03-17T09:00:00');
      expect(String(vevent.getFirstPropertyValue('dtstart'))).toBe('2031-03-18T13:00:00');
      expect(vevent.getFirstPropertyValue('rrule')).toBeNull();
    }
    expect(only(mails, 'carol@example.org').mail.subject).toBe('Updated occurrence: Weekly sync (moved)');
    sequences.push(3);
  });

  it('cancels a single occurrence with METHOD:CANCEL and its RECURRENCE-ID only', async () => {
    await world.events.changeInstance(
      world.alice.actor,
      eventId,
      berlin('2031-03-24T08:00:00Z'),
      'any',
      { status: 'cancelled' },
      notify,
    );
    const mails = await next(3);
    for (const mail of mails.values()) {
      const calendar = calendarOf(mail.ics);
      checkWellFormed(mail, calendar);
      expect(calendar.method).toBe('CANCEL');
      expect(mail.mail.attachments.find((a) => a.contentType === 'application/ics')?.filename).toBe(
        'cancel.ics',
      );
      const vevent = calendar.events[0]!;
      expect(vevent.getFirstPropertyValue('uid')).toBe(uidSeen);
      expect(vevent.getFirstPropertyValue('sequence')).toBe(4);
      expect(vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
      expect(String(vevent.getFirstPropertyValue('recurrence-id'))).toBe('2031-03-24T09:00:00');
    }
    expect(only(mails, 'bob@example.org').mail.subject).toBe(
      'Termin der Serie abgesagt: Weekly sync (moved)',
    );
  });

  it('sends no mail when the change asks for none', async () => {
    await world.events.update(
      world.alice.actor,
      eventId,
      'any',
      { description: 'quiet' },
      { suppressEmailNotification: true },
    );
    await world.dispatch();
    const before = smtp.messages.length;
    await new Promise((r) => setTimeout(r, 400));
    expect(smtp.messages.length).toBe(before);
  });

  it('tells a removed invitee with METHOD:CANCEL naming them, and nobody else', async () => {
    await world.events.uninvite(world.alice.actor, eventId, world.carol.id, notify);
    const mails = await next(1);
    const carol = only(mails, 'carol@example.org');
    const calendar = calendarOf(carol.ics);
    checkWellFormed(carol, calendar);
    expect(calendar.method).toBe('CANCEL');
    expect(carol.mail.subject).toBe('You were removed from: Weekly sync (moved)');
    const vevent = calendar.events[0]!;
    expect(vevent.getFirstPropertyValue('uid')).toBe(uidSeen);
    expect(String(vevent.getFirstProperty('attendee')?.getFirstValue()).toLowerCase()).toBe(
      'mailto:carol@example.org',
    );
    expect(carol.mail.text).not.toContain('/rooms/');
  });

  it('cancels the whole series with the same UID and a SEQUENCE above every request', async () => {
    await world.events.respond(
      { tenantId: world.tenantId, userId: world.bob.id, email: world.bob.email },
      eventId,
      'accepted',
      { suppressEmailNotification: true },
    );
    await world.events.cancel(world.alice.actor, eventId, 'any', notify);
    const mails = await next(2);
    expect([...mails.keys()].sort()).toEqual(['bob@example.org', 'guest@partner.example']);
    for (const mail of mails.values()) {
      const calendar = calendarOf(mail.ics);
      checkWellFormed(mail, calendar);
      expect(calendar.method).toBe('CANCEL');
      const vevent = calendar.events[0]!;
      expect(vevent.getFirstPropertyValue('uid')).toBe(uidSeen);
      expect(vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
      expect(Number(vevent.getFirstPropertyValue('sequence'))).toBeGreaterThan(Math.max(...sequences, 5));
      expect(vevent.getFirstPropertyValue('rrule')?.toString()).toBe('FREQ=WEEKLY;COUNT=5');
    }
    expect(only(mails, 'bob@example.org').mail.subject).toBe('Abgesagt: Weekly sync (moved)');
    // Bob accepted: his calendar sees the cancelled meeting as accepted, not as unanswered.
    const partstat = (to: string) =>
      calendarOf(only(mails, to).ics).events[0]?.getFirstProperty('attendee')?.getParameter('partstat');
    expect(partstat('bob@example.org')).toBe('ACCEPTED');
    expect(partstat('guest@partner.example')).toBe('NEEDS-ACTION');
    // The series is told in words, in each reader's language, never as an RRULE line.
    expect(only(mails, 'bob@example.org').mail.text).toContain('Serientermin: jede Woche, 5-mal');
    for (const mail of mails.values()) expect(mail.mail.text).not.toMatch(/RRULE|FREQ=/);
  });
});

describe('invitation mail faults', () => {
  const deliveryOf = async (to: string): Promise<MailDelivery | undefined> => {
    const repo = createMailRepository(world.database.db);
    const all = [
      ...(await repo.listByStatus(world.tenantId, 'pending', 500)),
      ...(await repo.listByStatus(world.tenantId, 'sent', 500)),
      ...(await repo.listByStatus(world.tenantId, 'dead', 500)),
    ];
    return all
      .filter((d) => d.recipient === to)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  };

  const newEvent = (title: string) =>
    world.events.create(
      world.alice.actor,
      {
        title,
        startsAt: berlin('2031-05-05T08:00:00Z'),
        endsAt: berlin('2031-05-05T08:30:00Z'),
        timeZone: 'Europe/Berlin',
      },
      notify,
    );

  it('delivers exactly once when the server refuses with 421 and then comes back', async () => {
    smtp.goDown();
    const event = await newEvent('Refused at first');
    await world.events.invite(world.alice.actor, event.id, { invitee: world.bob.id, role: 'user' }, notify);
    await world.dispatch();
    await expect
      .poll(
        async () => {
          const d = await deliveryOf('bob@example.org');
          return d?.eventId === event.id ? d.attempts : 0;
        },
        { timeout: 10_000 },
      )
      .toBeGreaterThanOrEqual(2);
    const refused = await deliveryOf('bob@example.org');
    expect(refused).toMatchObject({ status: 'pending' });
    expect(refused?.lastError).toMatch(/421/);
    const before = smtp.messages.length;
    smtp.refuseConnections = false;
    await smtp.waitFor(before + 1);
    await new Promise((r) => setTimeout(r, 1500));
    const copies = smtp.messages.slice(before).filter((m) => m.raw.includes(event.id));
    expect(copies).toHaveLength(1);
    expect(await deliveryOf('bob@example.org')).toMatchObject({ status: 'sent', transport: 'smtp' });
  });

  it('puts a mail the server refuses for good (550) on the dead-letter list and still sends the others', async () => {
    smtp.rejectRecipients.add('nobody@partner.example');
    const event = await newEvent('One address is wrong');
    await world.events.invite(
      world.alice.actor,
      event.id,
      { email: 'nobody@partner.example', role: 'guest' },
      notify,
    );
    await world.events.invite(world.alice.actor, event.id, { invitee: world.bob.id, role: 'user' }, notify);
    const before = smtp.messages.length;
    await world.dispatch();
    await smtp.waitFor(before + 1);
    await expect
      .poll(async () => (await deliveryOf('nobody@partner.example'))?.status, { timeout: 10_000 })
      .toBe('dead');
    const dead = await deliveryOf('nobody@partner.example');
    expect(dead?.attempts).toBe(1);
    expect(dead?.lastError).toMatch(/550/);
    expect(await createMailRepository(world.database.db).listByStatus(world.tenantId, 'dead', 10)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ recipient: 'nobody@partner.example', eventId: event.id }),
      ]),
    );
  });

  it('keeps a title with <script> and CR/LF harmless in headers, HTML and ICS', async () => {
    const title = 'Plan <script>alert(1)</script>\r\nBcc: victim@example.org\r\nX-Evil: 1';
    const event = await newEvent(title);
    await world.events.invite(world.alice.actor, event.id, { invitee: world.bob.id, role: 'user' }, notify);
    const before = smtp.messages.length;
    const mails = await next(1);
    const mail = only(mails, 'bob@example.org');
    expect(smtp.messages[before]?.to).toEqual(['bob@example.org']);
    expect(mail.mail.bcc).toBeUndefined();
    expect(mail.mail.headers.has('x-evil')).toBe(false);
    expect(mail.mail.subject).toBe(
      'Einladung: Plan <script>alert(1)</script> Bcc: victim@example.org X-Evil: 1',
    );
    expect(mail.mail.html).not.toContain('<script>');
    expect(mail.mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const calendar = calendarOf(mail.ics);
    expect(calendar.events).toHaveLength(1);
    const vevent = calendar.events[0]!;
    expect(vevent.getFirstPropertyValue('summary')).toBe(
      'Plan <script>alert(1)</script>\nBcc: victim@example.org\nX-Evil: 1',
    );
    expect(vevent.getAllProperties().map((p) => p.name)).not.toContain('x-evil');
    expect(vevent.getAllProperties('attendee')).toHaveLength(1);
  });

  it('after a crash, sends recorded mails that were never sent, and plans events whose jobs were lost', async () => {
    // The first process: mails are recorded, the server refuses, then the process dies.
    smtp.goDown();
    const first = await newEvent('Crash before send');
    await world.events.invite(world.alice.actor, first.id, { invitee: world.bob.id, role: 'user' }, notify);
    await world.dispatch();
    await expect
      .poll(
        async () => {
          const d = await deliveryOf('bob@example.org');
          return d?.eventId === first.id && d.status === 'pending' ? d.attempts : 0;
        },
        { timeout: 10_000 },
      )
      .toBeGreaterThanOrEqual(1);
    // The next process takes jobs off the queue but dies before running any: the outbox has
    // handed the message over, the in-process queue loses it.
    await world.restart(createSmtpTransport({ url: smtp.url, timeoutMs: 5000 }), { start: false });
    const second = await newEvent('Crash before planning');
    await world.events.invite(
      world.alice.actor,
      second.id,
      { email: 'late@partner.example', role: 'guest' },
      notify,
    );
    expect(await world.dispatch()).toBeGreaterThan(0);
    smtp.refuseConnections = false;
    const before = smtp.messages.length;
    // The process that comes up sweeps.
    await world.restart(createSmtpTransport({ url: smtp.url, timeoutMs: 5000 }));
    await smtp.waitFor(before + 2);
    await new Promise((r) => setTimeout(r, 800));
    const delivered = smtp.messages.slice(before);
    expect(delivered.filter((m) => m.raw.includes(first.id))).toHaveLength(1);
    expect(delivered.filter((m) => m.raw.includes(second.id))).toHaveLength(1);
    // A third start finds nothing left to do: sent mail is never sent again.
    await world.restart(createSmtpTransport({ url: smtp.url, timeoutMs: 5000 }));
    expect(await world.worker.mail.sweep()).toEqual({ replanned: 0, resent: 0 });
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages.length).toBe(before + 2);
  });
});
