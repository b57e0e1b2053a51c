import ICAL from 'ical.js';
import {
  createCalendarObject,
  fetchCalendarObjects,
  getBasicAuthHeaders,
  makeCalendar,
  updateCalendarObject,
  type DAVCalendar,
  type DAVCalendarObject,
} from 'tsdav';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startMailWorld, type MailWorld } from './support/mail-world.js';
import { startRadicale, type Radicale } from './support/radicale.js';
import { parseInvitation, startSmtpCapture, type SmtpCapture } from './support/smtp-capture.js';

/**
 * Every calendar object our mails carry is accepted by a real CalDAV server (radicale), stored
 * the way a calendar client files an iTIP message (RFC 4791: without METHOD; a change of one
 * occurrence merged into the stored object by RECURRENCE-ID): an update replaces the event, a
 * cancellation leaves it cancelled.
 */

let radicale: Radicale;
let smtp: SmtpCapture;
let world: MailWorld;
let headers: Record<string, string>;
const notify = { suppressEmailNotification: false };

beforeAll(async () => {
  radicale = await startRadicale();
  smtp = await startSmtpCapture();
  world = await startMailWorld(smtp.url);
  headers = getBasicAuthHeaders(radicale.credentials);
});

afterAll(async () => {
  await world?.close();
  await smtp?.close();
  await radicale?.stop();
});

async function calendarAt(name: string): Promise<DAVCalendar> {
  const url = `${radicale.url}/alice/${name}/`;
  await makeCalendar({ url, props: { displayname: name }, headers });
  return { url };
}

/** The calendar parts of the mails that arrive next, by recipient. */
async function nextCalendars(count: number): Promise<Map<string, string>> {
  const before = smtp.messages.length;
  await world.dispatch();
  const all = await smtp.waitFor(before + count);
  const result = new Map<string, string>();
  for (const message of all.slice(before)) {
    const parsed = await parseInvitation(message.raw);
    if (parsed.ics === undefined) throw new Error('a mail without a calendar part');
    result.set(message.to[0] ?? '', parsed.ics);
  }
  return result;
}

/** RFC 4791 4.1: stored calendar objects carry no METHOD. */
function withoutMethod(ics: string): string {
  return ics.replace(/^METHOD:[^\r\n]*\r\n/m, '');
}

/** What a client does with an iTIP message for an event it has: merge by RECURRENCE-ID, else replace. */
function merge(stored: string, incoming: string): string {
  const target = new ICAL.Component(ICAL.parse(stored) as unknown[]);
  const source = new ICAL.Component(ICAL.parse(withoutMethod(incoming)) as unknown[]);
  for (const event of source.getAllSubcomponents('vevent')) {
    const recurrenceId = event.getFirstPropertyValue('recurrence-id');
    if (recurrenceId === null) return withoutMethod(incoming);
    const same = target
      .getAllSubcomponents('vevent')
      .find((e) => String(e.getFirstPropertyValue('recurrence-id')) === String(recurrenceId));
    if (same !== undefined) target.removeSubcomponent(same);
    target.addSubcomponent(event);
  }
  return target.toString();
}

async function objects(calendar: DAVCalendar): Promise<DAVCalendarObject[]> {
  return fetchCalendarObjects({ calendar, headers });
}

describe('our calendar objects in a CalDAV server', () => {
  const calendars = new Map<string, DAVCalendar>();
  let eventId = '';

  const store = async (to: string, ics: string) => {
    const calendar = calendars.get(to);
    if (calendar === undefined) throw new Error(`no calendar for ${to}`);
    const [existing] = await objects(calendar);
    const response =
      existing === undefined
        ? await createCalendarObject({
            calendar,
            filename: `${eventId}.ics`,
            iCalString: withoutMethod(ics),
            headers,
          })
        : await updateCalendarObject({
            calendarObject: { ...existing, data: merge(String(existing.data), ics) },
            headers,
          });
    expect(response.ok, `${response.status} ${await response.clone().text()}`).toBe(true);
  };

  const stored = async (to: string): Promise<ICAL.Component[]> => {
    const calendar = calendars.get(to);
    if (calendar === undefined) throw new Error(`no calendar for ${to}`);
    const all = await objects(calendar);
    expect(all).toHaveLength(1);
    return new ICAL.Component(ICAL.parse(String(all[0]?.data)) as unknown[]).getAllSubcomponents('vevent');
  };

  beforeAll(async () => {
    calendars.set('bob@example.org', await calendarAt('bob'));
    calendars.set('guest@partner.example', await calendarAt('guest'));
  });

  it('accepts the invitation of a registered user and of an external guest', async () => {
    const event = await world.events.create(
      world.alice.actor,
      {
        title: 'Planning',
        description: 'Quarterly planning; bring numbers, please',
        startsAt: new Date('2031-06-02T07:00:00Z'),
        endsAt: new Date('2031-06-02T08:30:00Z'),
        timeZone: 'Europe/Berlin',
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4', 'EXDATE;TZID=Europe/Berlin:20310616T090000'],
      },
      notify,
    );
    eventId = event.id;
    await world.events.invite(world.alice.actor, eventId, { invitee: world.bob.id, role: 'user' }, notify);
    await world.events.invite(
      world.alice.actor,
      eventId,
      { email: 'guest@partner.example', role: 'guest' },
      notify,
    );
    for (const [to, ics] of await nextCalendars(2)) await store(to, ics);
    for (const to of calendars.keys()) {
      const [vevent] = await stored(to);
      expect(vevent?.getFirstPropertyValue('uid')).toBe(eventId);
      expect(vevent?.getFirstPropertyValue('summary')).toBe('Planning');
      expect(vevent?.getFirstPropertyValue('description')).toContain('bring numbers');
    }
  });

  it('replaces the stored event with an update', async () => {
    await world.events.update(world.alice.actor, eventId, 'any', { title: 'Planning (room 2)' }, notify);
    for (const [to, ics] of await nextCalendars(2)) await store(to, ics);
    for (const to of calendars.keys()) {
      const events = await stored(to);
      expect(events).toHaveLength(1);
      expect(events[0]?.getFirstPropertyValue('summary')).toBe('Planning (room 2)');
      expect(events[0]?.getFirstPropertyValue('sequence')).toBe(2);
    }
  });

  it('files a moved occurrence beside the series, under the same UID', async () => {
    await world.events.changeInstance(
      world.alice.actor,
      eventId,
      new Date('2031-06-09T07:00:00Z'),
      'any',
      { startsAt: new Date('2031-06-10T07:00:00Z'), title: 'Planning (Tuesday)' },
      notify,
    );
    // Radicale refuses an override without its series ("Main component missing"), so it is
    // filed as clients file it: merged into the stored object.
    const mails = await nextCalendars(2);
    for (const [to, ics] of mails) await store(to, ics);
    for (const to of calendars.keys()) {
      const events = await stored(to);
      expect(events).toHaveLength(2);
      const moved = events.find((e) => e.getFirstPropertyValue('recurrence-id') !== null);
      expect(moved?.getFirstPropertyValue('uid')).toBe(eventId);
      expect(moved?.getFirstPropertyValue('summary')).toBe('Planning (Tuesday)');
      expect(String(moved?.getFirstPropertyValue('dtstart'))).toBe('2031-06-10T09:00:00');
    }
  });

  it('leaves the event cancelled after the cancellation', async () => {
    await world.events.cancel(world.alice.actor, eventId, 'any', notify);
    for (const [to, ics] of await nextCalendars(2)) {
      expect(ics).toMatch(/^METHOD:CANCEL\r$/m);
      await store(to, ics);
    }
    for (const to of calendars.keys()) {
      const events = await stored(to);
      const series = events.find((e) => e.getFirstPropertyValue('recurrence-id') === null);
      expect(series?.getFirstPropertyValue('status')).toBe('CANCELLED');
      expect(series?.getFirstPropertyValue('uid')).toBe(eventId);
    }
  });
});
