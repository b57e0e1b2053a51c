import { describe, expect, it } from 'vitest';

import type { EventException } from '../storage/event-exception-repository.js';
import type { ScheduledEvent } from '../storage/event-repository.js';
import { buildFeedCalendar } from './feed-calendar.js';

const octets = (s: string) => new TextEncoder().encode(s).length;

/** Undoes folding (RFC 5545 3.1) and splits into content lines. */
function unfold(ics: string): string[] {
  return ics
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter((l) => l !== '');
}

function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

describe('the feed calendar', () => {
  const event: ScheduledEvent = {
    id: '11111111-1111-4111-8111-111111111111',
    tenantId: '22222222-2222-4222-8222-222222222222',
    roomId: '33333333-3333-4333-8333-333333333333',
    createdBy: '44444444-4444-4444-8444-444444444444',
    title: 'Weekly; sync, all',
    description: 'Line 1\nLine 2',
    isTimeIndependent: false,
    isAllDay: false,
    isAdhoc: false,
    startsAt: new Date('2031-03-10T08:00:00Z'),
    endsAt: new Date('2031-03-10T09:00:00Z'),
    timeZone: 'Europe/Berlin',
    recurrence: ['RRULE:FREQ=WEEKLY;COUNT=6'],
    seriesEndsAt: new Date('2031-04-14T08:00:00Z'),
    revision: 3,
    createdAt: new Date('2031-01-01T00:00:00Z'),
    updatedAt: new Date('2031-01-02T00:00:00Z'),
  };
  const exception = (over: Partial<EventException>): EventException => ({
    tenantId: event.tenantId,
    eventId: event.id,
    instanceStart: new Date('2031-03-17T08:00:00Z'),
    kind: 'modified',
    title: null,
    description: null,
    startsAt: null,
    endsAt: null,
    isAllDay: null,
    revision: 1,
    createdAt: event.createdAt,
    updatedAt: event.updatedAt,
    ...over,
  });

  it('writes the master with its rule, cancelled occurrences as EXDATE and changed ones with RECURRENCE-ID', () => {
    const ics = buildFeedCalendar({
      events: [event],
      exceptions: [
        exception({
          title: 'Moved',
          startsAt: new Date('2031-03-17T10:00:00Z'),
          endsAt: new Date('2031-03-17T11:00:00Z'),
        }),
        exception({ instanceStart: new Date('2031-03-24T08:00:00Z'), kind: 'cancelled' }),
      ],
      publicUrl: 'https://hub.test/',
      now: new Date('2031-03-01T12:00:00Z'),
    });
    const lines = unfold(ics);
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines).toContain('VERSION:2.0');
    const vevents = ics.split('BEGIN:VEVENT').slice(1).map(unfold);
    expect(vevents).toHaveLength(2);
    const [master, moved] = vevents as [string[], string[]];
    expect(master).toEqual(
      expect.arrayContaining([
        `UID:${event.id}`,
        'SEQUENCE:2',
        'DTSTAMP:20310301T120000Z',
        'DTSTART;TZID=Europe/Berlin:20310310T090000',
        'DTEND;TZID=Europe/Berlin:20310310T100000',
        'SUMMARY:Weekly\\; sync\\, all',
        'DESCRIPTION:Line 1\\nLine 2',
        'RRULE:FREQ=WEEKLY;COUNT=6',
        'EXDATE;TZID=Europe/Berlin:20310324T090000',
        `URL;VALUE=URI:https://hub.test/rooms/${event.roomId}`,
      ]),
    );
    expect(moved).toEqual(
      expect.arrayContaining([
        `UID:${event.id}`,
        'RECURRENCE-ID;TZID=Europe/Berlin:20310317T090000',
        'DTSTART;TZID=Europe/Berlin:20310317T110000',
        'DTEND;TZID=Europe/Berlin:20310317T120000',
        'SUMMARY:Moved',
      ]),
    );
    // The zone with its real switches: 2031 spring forward on 30 March at 02:00 local.
    const zone = lines.slice(lines.indexOf('BEGIN:VTIMEZONE'), lines.indexOf('END:VTIMEZONE') + 1);
    expect(zone).toContain('TZID:Europe/Berlin');
    const spring = zone.indexOf('DTSTART:20310330T020000');
    expect(spring).toBeGreaterThan(0);
    expect(zone[spring - 1]).toBe('BEGIN:DAYLIGHT');
    expect(zone.slice(spring + 1, spring + 3)).toEqual(['TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200']);
    expect(zone).toContain('DTSTART:20311026T030000');
    expect(lines.indexOf('BEGIN:VTIMEZONE')).toBeLessThan(lines.indexOf('BEGIN:VEVENT'));
  });

  it('writes a single timed event in UTC, without a VTIMEZONE', () => {
    const lines = unfold(
      buildFeedCalendar({
        events: [{ ...event, recurrence: [], seriesEndsAt: null }],
        exceptions: [],
        publicUrl: 'https://hub.test',
        now: new Date('2031-03-01T12:00:00Z'),
      }),
    );
    expect(lines).toContain('DTSTART:20310310T080000Z');
    expect(lines).toContain('DTEND:20310310T090000Z');
    expect(lines).not.toContain('BEGIN:VTIMEZONE');
  });

  it('writes all-day events as dates in their zone, and leaves out time-independent ones', () => {
    const ics = buildFeedCalendar({
      events: [
        {
          ...event,
          recurrence: [],
          isAllDay: true,
          startsAt: new Date('2031-03-09T23:00:00Z'),
          endsAt: new Date('2031-03-10T23:00:00Z'),
        },
        {
          ...event,
          id: '55555555-5555-4555-8555-555555555555',
          isTimeIndependent: true,
          startsAt: null,
          endsAt: null,
        },
      ],
      exceptions: [],
      publicUrl: 'https://hub.test',
      now: new Date('2031-03-01T12:00:00Z'),
    });
    const lines = unfold(ics);
    expect(lines).toContain('DTSTART;VALUE=DATE:20310310');
    expect(lines).toContain('DTEND;VALUE=DATE:20310311');
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(1);
  });
  const feedOf = (title: string, description = '') =>
    buildFeedCalendar({
      events: [{ ...event, recurrence: [], seriesEndsAt: null, title, description }],
      exceptions: [],
      publicUrl: 'https://hub.test',
      now: new Date('2031-03-01T12:00:00Z'),
    });

  it('keeps a CR/LF injection inside the SUMMARY and DESCRIPTION values', () => {
    const ics = feedOf('Title\r\nATTENDEE:mailto:x', 'x\nEND:VEVENT\rBEGIN:VALARM');
    const lines = unfold(ics);
    expect(lines).toContain('SUMMARY:Title\\nATTENDEE:mailto:x');
    expect(lines).toContain('DESCRIPTION:x\\nEND:VEVENT\\nBEGIN:VALARM');
    expect(lines.some((l) => l.startsWith('ATTENDEE') || l === 'BEGIN:VALARM')).toBe(false);
    expect(lines.filter((l) => l === 'END:VEVENT')).toHaveLength(1);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('escapes backslash, semicolon and comma, and drops other control characters', () => {
    const lines = unfold(feedOf('a;b,c\\d\u0007e'));
    expect(lines).toContain('SUMMARY:a\\;b\\,c\\\\de');
  });

  it('folds long lines at 75 octets without splitting a UTF-8 sequence', () => {
    const title = `Planning 🎉; Größe, ${'ü'.repeat(40)} ${'😀'.repeat(30)} end`;
    const ics = feedOf(title);
    const physical = ics.split('\r\n');
    const summaryAt = physical.findIndex((l) => l.startsWith('SUMMARY:'));
    expect(physical[summaryAt + 1]?.startsWith(' ')).toBe(true);
    for (const part of physical) {
      expect(octets(part)).toBeLessThanOrEqual(75);
      expect(part).not.toContain('\uFFFD');
      // No lone surrogate: every physical line is whole code points.
      expect(Buffer.from(part, 'utf8').toString('utf8')).toBe(part);
    }
    const summary = unfold(ics).find((l) => l.startsWith('SUMMARY:')) ?? '';
    expect(unescapeText(summary.slice('SUMMARY:'.length))).toBe(title);
  });
});
