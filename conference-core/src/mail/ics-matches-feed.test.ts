import { describe, expect, it } from 'vitest';

import { buildFeedCalendar } from '../calendar/index.js';
import type { EventException } from '../storage/event-exception-repository.js';
import type { ScheduledEvent } from '../storage/event-repository.js';
import { buildIcs } from './ics-builder.js';
import type { MailContext } from './mail-model.js';

/**
 * The invitation's calendar object and the personal feed are written by the same module
 * (`calendar/`): a calendar app that gets both for one series must see one series.
 */

const unfold = (ics: string) =>
  ics
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter((l) => l !== '');

/** The VEVENTs' lines, each VEVENT keyed by its RECURRENCE-ID line ('' for the master). */
function vevents(ics: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const block of ics.split('BEGIN:VEVENT').slice(1)) {
    const lines = unfold(block.slice(0, block.indexOf('END:VEVENT')));
    out.set(lines.find((l) => l.startsWith('RECURRENCE-ID')) ?? '', lines);
  }
  return out;
}

/** The VTIMEZONE's observances as `kind DTSTART FROM TO`. */
function observances(ics: string): string[] {
  const lines = unfold(ics);
  const zone = lines.slice(lines.indexOf('BEGIN:VTIMEZONE'), lines.indexOf('END:VTIMEZONE'));
  const out: string[] = [];
  zone.forEach((line, i) => {
    if (line === 'BEGIN:DAYLIGHT' || line === 'BEGIN:STANDARD') out.push(zone.slice(i, i + 4).join(' '));
  });
  return out;
}

const title = 'Weekly; sync,\r\nATTENDEE:mailto:evil@example.org';
const series: ScheduledEvent = {
  id: '11111111-1111-4111-8111-111111111111',
  tenantId: '22222222-2222-4222-8222-222222222222',
  roomId: '33333333-3333-4333-8333-333333333333',
  createdBy: '44444444-4444-4444-8444-444444444444',
  title,
  description: '',
  isTimeIndependent: false,
  isAllDay: false,
  isAdhoc: false,
  startsAt: new Date('2031-03-10T08:00:00Z'),
  endsAt: new Date('2031-03-10T09:00:00Z'),
  timeZone: 'Europe/Berlin',
  recurrence: ['RRULE:FREQ=WEEKLY;COUNT=6'],
  seriesEndsAt: new Date('2031-04-14T09:00:00Z'),
  revision: 3,
  createdAt: new Date('2031-01-01T00:00:00Z'),
  updatedAt: new Date('2031-01-02T00:00:00Z'),
};
const exception = (over: Partial<EventException>): EventException => ({
  tenantId: series.tenantId,
  eventId: series.id,
  instanceStart: new Date('2031-03-17T08:00:00Z'),
  kind: 'modified',
  title: null,
  description: null,
  startsAt: null,
  endsAt: null,
  isAllDay: null,
  revision: 1,
  createdAt: series.createdAt,
  updatedAt: series.updatedAt,
  ...over,
});
const moved = exception({
  title: 'Moved',
  startsAt: new Date('2031-03-17T10:00:00Z'),
  endsAt: new Date('2031-03-17T11:00:00Z'),
});
const cancelled = exception({ instanceStart: new Date('2031-03-24T08:00:00Z'), kind: 'cancelled' });

const mailContext: MailContext = {
  tenantId: series.tenantId,
  kind: 'invite',
  sequence: 2,
  event: {
    id: series.id,
    title,
    description: '',
    isTimeIndependent: false,
    isAllDay: false,
    startsAt: series.startsAt,
    endsAt: series.endsAt,
    timeZone: 'Europe/Berlin',
    recurrence: series.recurrence,
    seriesEndsAt: series.seriesEndsAt,
  },
  exceptions: [
    {
      recurrenceId: moved.instanceStart,
      cancelled: false,
      title: 'Moved',
      description: '',
      startsAt: moved.startsAt!,
      endsAt: moved.endsAt!,
    },
    {
      recurrenceId: cancelled.instanceStart,
      cancelled: true,
      title,
      description: '',
      startsAt: cancelled.instanceStart,
      endsAt: new Date('2031-03-24T09:00:00Z'),
    },
  ],
  organizer: { email: 'alice@example.org', name: 'Alice' },
  recipient: {
    kind: 'registered',
    email: 'bob@example.org',
    name: 'Bob',
    role: 'user',
    language: 'en',
    timeZone: 'Europe/Berlin',
  },
  joinUrl: `https://hub.test/rooms/${series.roomId}`,
  guestUrl: null,
  dialIn: null,
  password: null,
};

describe('the invitation ICS and the calendar feed', () => {
  const mail = buildIcs(mailContext, new Date('2031-03-01T12:00:00Z'))?.content ?? '';
  const feed = buildFeedCalendar({
    events: [series],
    exceptions: [moved, cancelled],
    publicUrl: 'https://hub.test',
    now: new Date('2031-03-01T12:00:00Z'),
  });

  it('write the same series: UID, SEQUENCE, zoned times, rule, cancelled and moved occurrences', () => {
    const fromMail = vevents(mail);
    const fromFeed = vevents(feed);
    expect([...fromMail.keys()].sort()).toEqual([...fromFeed.keys()].sort());
    expect(fromFeed.size).toBe(2);
    const shared = (lines: string[]) =>
      lines
        .filter((l) =>
          /^(UID|SEQUENCE|DTSTART|DTEND|RRULE|EXDATE|RECURRENCE-ID|SUMMARY|URL|LOCATION)[;:]/.test(l),
        )
        .sort();
    for (const [key, lines] of fromFeed) {
      expect(shared(fromMail.get(key) ?? [])).toEqual(shared(lines));
    }
    expect(fromFeed.get('')).toContain('EXDATE;TZID=Europe/Berlin:20310324T090000');
  });

  it('escape a line break in the title the same way, so it cannot start a property', () => {
    for (const ics of [mail, feed]) {
      const lines = unfold(ics);
      expect(lines).toContain('SUMMARY:Weekly\\; sync\\,\\nATTENDEE:mailto:evil@example.org');
      expect(lines.some((l) => l.startsWith('ATTENDEE:'))).toBe(false);
    }
  });

  it('describe the zone with the same transitions over the series', () => {
    const fromMail = observances(mail);
    expect(fromMail.some((o) => o.includes('DTSTART:20310330T020000'))).toBe(true);
    expect(observances(feed)).toEqual(expect.arrayContaining(fromMail));
  });
});
