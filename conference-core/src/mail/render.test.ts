import { generateKeyPairSync } from 'node:crypto';

import ICAL from 'ical.js';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';

import { createMessageComposer, messageIdFor } from './compose-message.js';
import { buildIcs } from './ics-builder.js';
import { localDateTimeText, localFields } from '../calendar/index.js';
import { mailLanguage, type MailContext, type MailSettings } from './mail-model.js';
import { renderBody } from './render-body.js';

const settings: MailSettings = {
  from: 'vc-hub <noreply@example.org>',
  defaultLanguage: 'en',
  dialInNumber: '+49 30 555 0100',
  productName: 'vc-hub',
};

const eventId = '6b1f0a59-4c57-4f0e-9d7e-2f0f5a1b7c11';

function context(overrides: Partial<MailContext> = {}): MailContext {
  return {
    tenantId: '00000000-0000-4000-8000-000000000001',
    kind: 'invite',
    sequence: 3,
    event: {
      id: eventId,
      title: 'Design review',
      description: 'Bring sketches.',
      isTimeIndependent: false,
      isAllDay: false,
      startsAt: new Date('2031-07-07T07:00:00Z'),
      endsAt: new Date('2031-07-07T08:00:00Z'),
      timeZone: 'Europe/Berlin',
      recurrence: [],
      seriesEndsAt: null,
    },
    exceptions: [],
    organizer: { email: 'alice@example.org', name: 'Alice' },
    recipient: {
      kind: 'registered',
      email: 'bob@example.org',
      name: 'Bob',
      role: 'user',
      language: 'en',
      timeZone: 'Europe/Berlin',
    },
    joinUrl: 'https://meet.example.org/rooms/r1',
    guestUrl: null,
    dialIn: { number: '+49 30 555 0100', conferenceId: '1234567890', pin: '424242' },
    password: null,
    ...overrides,
  };
}

function parse(ics: string | undefined) {
  if (ics === undefined) throw new Error('no ICS');
  const root = new ICAL.Component(ICAL.parse(ics) as unknown[]);
  return { root, events: root.getAllSubcomponents('vevent') };
}

describe('the ICS of an invitation mail', () => {
  it('asks with REQUEST for invite and update, and takes away with CANCEL for cancel and uninvite', () => {
    for (const [kind, method] of [
      ['invite', 'REQUEST'],
      ['update', 'REQUEST'],
      ['cancel', 'CANCEL'],
      ['uninvite', 'CANCEL'],
    ] as const) {
      const ics = buildIcs(context({ kind }), new Date());
      expect(ics?.method).toBe(method);
      const { root, events } = parse(ics?.content);
      expect(root.getFirstPropertyValue('method')).toBe(method);
      expect(events[0]?.getFirstPropertyValue('status')).toBe(
        method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
      );
    }
  });

  it('keeps the attendee’s answer as PARTSTAT in a cancellation, and asks anew in a request', () => {
    const partstat = (kind: MailContext['kind'], response: 'accepted' | 'declined' | undefined) => {
      const recipient = { ...context().recipient, ...(response !== undefined && { response }) };
      const ics = buildIcs(context({ kind, recipient }), new Date());
      const { events } = parse(ics?.content);
      return events[0]?.getFirstProperty('attendee')?.getParameter('partstat');
    };
    expect(partstat('cancel', 'accepted')).toBe('ACCEPTED');
    expect(partstat('cancel', 'declined')).toBe('DECLINED');
    expect(partstat('cancel', undefined)).toBe('NEEDS-ACTION');
    expect(partstat('update', 'accepted')).toBe('NEEDS-ACTION');
  });

  it('writes local times with TZID and a VTIMEZONE that resolves them to the right instant', () => {
    const { root, events } = parse(buildIcs(context(), new Date())?.content);
    const zones = root.getAllSubcomponents('vtimezone');
    expect(zones.map((z) => z.getFirstPropertyValue('tzid'))).toEqual(['Europe/Berlin']);
    ICAL.TimezoneService.register(zones[0]!);
    const start = events[0]?.getFirstPropertyValue('dtstart') as ICAL.Time;
    expect(start.toString()).toBe('2031-07-07T09:00:00');
    expect(start.toJSDate().toISOString()).toBe('2031-07-07T07:00:00.000Z');
    ICAL.TimezoneService.reset();
  });

  it('carries the recurrence, cancelled occurrences as EXDATE and changed ones as their own VEVENT', () => {
    const series = context({
      event: {
        ...context().event,
        recurrence: ['RRULE:FREQ=DAILY;COUNT=5'],
        seriesEndsAt: new Date('2031-07-11T08:00:00Z'),
      },
      exceptions: [
        {
          recurrenceId: new Date('2031-07-08T07:00:00Z'),
          cancelled: true,
          title: 'Design review',
          description: '',
          startsAt: new Date('2031-07-08T07:00:00Z'),
          endsAt: new Date('2031-07-08T08:00:00Z'),
        },
        {
          recurrenceId: new Date('2031-07-09T07:00:00Z'),
          cancelled: false,
          title: 'Design review (long)',
          description: '',
          startsAt: new Date('2031-07-09T12:00:00Z'),
          endsAt: new Date('2031-07-09T14:00:00Z'),
        },
      ],
    });
    const { events } = parse(buildIcs(series, new Date())?.content);
    expect(events).toHaveLength(2);
    const [master, changed] = events;
    expect(String(master?.getFirstPropertyValue('rrule'))).toBe('FREQ=DAILY;COUNT=5');
    expect(String(master?.getFirstPropertyValue('exdate'))).toBe('2031-07-08T09:00:00');
    expect(String(changed?.getFirstPropertyValue('recurrence-id'))).toBe('2031-07-09T09:00:00');
    expect(String(changed?.getFirstPropertyValue('dtstart'))).toBe('2031-07-09T14:00:00');
    expect(changed?.getFirstPropertyValue('uid')).toBe(eventId);
  });

  it('gives an all-day meeting dates, and a meeting without a time no calendar part at all', () => {
    const allDay = context({
      event: {
        ...context().event,
        isAllDay: true,
        startsAt: new Date('2031-07-06T22:00:00Z'),
        endsAt: new Date('2031-07-07T22:00:00Z'),
      },
    });
    expect(buildIcs(allDay, new Date())?.content).toMatch(/^DTSTART;VALUE=DATE:20310707\r$/m);
    const untimed = context({
      event: { ...context().event, isTimeIndependent: true, startsAt: null, endsAt: null, timeZone: null },
    });
    expect(buildIcs(untimed, new Date())).toBeUndefined();
    expect(renderBody(untimed, settings).text).toContain('No fixed time');
  });

  it('keeps line breaks of a title inside its TEXT value and adds no property', () => {
    const evil = context({ event: { ...context().event, title: 'A\r\nATTENDEE:mailto:x@evil.example\rB' } });
    const { events } = parse(buildIcs(evil, new Date())?.content);
    expect(events[0]?.getFirstPropertyValue('summary')).toBe('A\nATTENDEE:mailto:x@evil.example\nB');
    expect(events[0]?.getAllProperties('attendee')).toHaveLength(1);
  });
});

describe('the body of an invitation mail', () => {
  it('speaks the recipient’s language', () => {
    const de = renderBody(context({ recipient: { ...context().recipient, language: 'de' } }), settings);
    expect(de.subject).toBe('Einladung: Design review');
    expect(de.text).toContain('Alice lädt Sie zu einer Videokonferenz ein.');
    expect(de.text).toContain('Montag, 7. Juli 2031');
    const en = renderBody(context(), settings);
    expect(en.subject).toBe('Invitation: Design review');
    expect(en.text).toContain('Monday, 7 July 2031, 09:00');
  });

  it('describes a series in words in the reader’s language, never as a raw RRULE line', () => {
    const series = { ...context().event, recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10'] };
    const en = renderBody(context({ event: series }), settings);
    const de = renderBody(
      context({ event: series, recipient: { ...context().recipient, language: 'de' } }),
      settings,
    );
    expect(en.text).toContain('Recurring meeting: every Monday, 10 times');
    expect(de.text).toContain('Serientermin: jeden Montag, 10-mal');
    for (const body of [en.text, en.html, de.text, de.html]) expect(body).not.toMatch(/RRULE|FREQ=/);
  });

  it('shows the time in the recipient’s zone', () => {
    const ny = renderBody(
      context({ recipient: { ...context().recipient, timeZone: 'America/New_York' } }),
      settings,
    );
    expect(ny.text).toMatch(/03:00/);
    expect(ny.text).toContain('America/New_York');
  });

  it('gives an external guest the guest link, not the join link', () => {
    const guest = renderBody(
      context({
        recipient: { ...context().recipient, kind: 'external', name: null },
        guestUrl: 'https://meet.example.org/invite/abc',
      }),
      settings,
    );
    expect(guest.text).toContain('https://meet.example.org/invite/abc');
    expect(guest.text).not.toContain('/rooms/r1');
  });

  it('escapes user text in HTML and keeps the subject on one line', () => {
    const body = renderBody(
      context({
        event: { ...context().event, title: '<img src=x onerror=alert(1)>\r\nBcc: x@evil.example' },
        password: '"><script>',
        organizer: { email: 'alice@example.org', name: '<b>Alice</b>' },
      }),
      settings,
    );
    expect(body.subject).toBe('Invitation: <img src=x onerror=alert(1)> Bcc: x@evil.example');
    expect(body.subject).not.toMatch(/[\r\n]/);
    expect(body.html).not.toMatch(/<img|<script|<b>/);
    expect(body.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('picks our language from a tag, or none', () => {
    expect(mailLanguage('de-AT')).toBe('de');
    expect(mailLanguage('EN_us')).toBe('en');
    expect(mailLanguage('fr')).toBeUndefined();
    expect(mailLanguage(null)).toBeUndefined();
  });
});

describe('the whole message', () => {
  it('has a Message-ID that is stable per event, revision, recipient and kind', () => {
    const id = messageIdFor(eventId, 3, 'Bob@Example.org', 'invite', 'example.org');
    expect(messageIdFor(eventId, 3, 'bob@example.org', 'invite', 'example.org')).toBe(id);
    expect(messageIdFor(eventId, 4, 'bob@example.org', 'invite', 'example.org')).not.toBe(id);
    expect(messageIdFor(eventId, 3, 'bob@example.org', 'update', 'example.org')).not.toBe(id);
    expect(messageIdFor(eventId, 3, 'carol@example.org', 'invite', 'example.org')).not.toBe(id);
  });

  it('is signed with DKIM when a key is configured', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const composer = createMessageComposer(settings, {
      domainName: 'example.org',
      keySelector: 'mail2031',
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    const message = await composer.compose(context(), new Date('2031-06-01T10:00:00Z'));
    expect(message.raw).toMatch(
      /^DKIM-Signature: v=1; a=rsa-sha256;[\s\S]*d=example\.org;[\s\S]*s=mail2031;/m,
    );
    const unsigned = await createMessageComposer(settings).compose(
      context(),
      new Date('2031-06-01T10:00:00Z'),
    );
    expect(unsigned.raw).not.toContain('DKIM-Signature');
    expect(unsigned.raw).toMatch(/^Content-Type: text\/calendar; charset=utf-8; method=REQUEST\r$/m);
  });
});

describe('wall-clock fields through Intl', () => {
  it('agree with Temporal across daylight saving switches and zones', () => {
    const instants = [
      '2031-03-30T00:59:59Z',
      '2031-03-30T01:00:00Z',
      '2031-10-26T00:30:00Z',
      '2031-10-26T01:30:00Z',
      '2031-12-31T23:59:59Z',
    ];
    for (const iso of instants) {
      for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata']) {
        const at = new Date(iso);
        const expected = Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(zone);
        const fields = localFields(at, zone);
        expect(localDateTimeText(fields), `${iso} ${zone}`).toBe(
          `${expected.year}${String(expected.month).padStart(2, '0')}${String(expected.day).padStart(2, '0')}T${String(expected.hour).padStart(2, '0')}${String(expected.minute).padStart(2, '0')}${String(expected.second).padStart(2, '0')}`,
        );
      }
    }
  });
});
