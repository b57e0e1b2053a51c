import { foldLines } from 'ical-generator';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';

import { createMessageComposer } from './compose-message.js';
import {
  buildIcs,
  buildIcsTemplate,
  buildIcsWhole,
  fillIcsTemplate,
  foldIcsLines,
  icsStamp,
  restampIcsTemplate,
} from './ics-builder.js';
import type { MailContext, MailOccurrence, MailRecipient, MailSettings } from './mail-model.js';

const settings: MailSettings = {
  from: 'vc-hub <noreply@example.org>',
  defaultLanguage: 'en',
  dialInNumber: null,
  productName: 'vc-hub',
};
const stamp = new Date('2031-01-02T03:04:05Z');

const changed: MailOccurrence = {
  recurrenceId: new Date('2031-07-14T07:00:00Z'),
  cancelled: false,
  title: 'Design review (moved)',
  description: 'Moved by a day.',
  startsAt: new Date('2031-07-15T07:00:00Z'),
  endsAt: new Date('2031-07-15T08:00:00Z'),
};
const dropped: MailOccurrence = {
  ...changed,
  recurrenceId: new Date('2031-07-21T07:00:00Z'),
  cancelled: true,
};

function context(kind: MailContext['kind'], recipient: MailRecipient, extra: Partial<MailContext> = {}) {
  const base: MailContext = {
    tenantId: '00000000-0000-4000-8000-000000000001',
    kind,
    sequence: 4,
    event: {
      id: '6b1f0a59-4c57-4f0e-9d7e-2f0f5a1b7c11',
      title: 'Design review with a title long enough to be folded over more than one line',
      description: 'Bring sketches.\nAnd questions.',
      isTimeIndependent: false,
      isAllDay: false,
      startsAt: new Date('2031-07-07T07:00:00Z'),
      endsAt: new Date('2031-07-07T08:00:00Z'),
      timeZone: 'Europe/Berlin',
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=10'],
      seriesEndsAt: new Date('2031-09-08T08:00:00Z'),
    },
    exceptions: [changed, dropped],
    organizer: {
      email: 'olga.organizer.with.a.long.address@example.org',
      name: 'Olga Örganizer-Łukasiewicz',
    },
    recipient,
    joinUrl: 'https://meet.example.org/rooms/r1',
    guestUrl: 'https://meet.example.org/invite/g1',
    dialIn: { number: null, conferenceId: '1234567890', pin: '424242' },
    password: null,
  };
  return { ...base, ...extra };
}

const recipients: MailRecipient[] = [
  {
    kind: 'registered',
    email: 'bob@example.org',
    name: 'Bob',
    role: 'user',
    language: 'en',
    timeZone: 'UTC',
  },
  {
    kind: 'directory',
    email: 'chair.person.with.a.very.long.local.part.indeed@department.example.org',
    name: 'Zoë "Chair" Ünterberger-Ñandú, Head of Everything; Deputy',
    role: 'moderator',
    language: 'de',
    timeZone: 'Europe/Berlin',
  },
  {
    kind: 'external',
    email: 'guest@partner.example',
    name: null,
    role: 'guest',
    language: 'en',
    timeZone: 'UTC',
  },
  {
    kind: 'registered',
    email: 'emoji@example.org',
    name: '🎉'.repeat(30),
    role: 'user',
    language: 'en',
    timeZone: 'UTC',
  },
];

describe('the ICS template shared by the recipients of one change', () => {
  it('gives byte for byte what ical-generator renders with the ATTENDEE inside, for every kind and recipient', () => {
    const cases: MailContext[] = [];
    for (const kind of ['invite', 'update', 'cancel', 'uninvite'] as const) {
      for (const recipient of recipients) {
        cases.push(context(kind, recipient));
        // One occurrence alone (its own VEVENT with RECURRENCE-ID).
        cases.push(context(kind, recipient, { occurrence: changed, exceptions: [] }));
      }
    }
    for (const c of cases) {
      const whole = buildIcsWhole(c, stamp);
      expect(whole).toBeDefined();
      expect(buildIcs(c, stamp)).toEqual(whole);
      // The template of another recipient of the same kind, filled in for this one.
      const other = context(
        c.kind,
        { ...recipients[0]!, kind: c.recipient.kind },
        {
          ...(c.occurrence !== undefined && { occurrence: c.occurrence, exceptions: [] }),
        },
      );
      const template = buildIcsTemplate(other, stamp);
      expect(template).toBeDefined();
      expect(fillIcsTemplate(template!, c.recipient)).toEqual(whole);
    }
  });

  it('has one piece more than VEVENTs: each VEVENT gets the ATTENDEE after its ORGANIZER', () => {
    const series = buildIcsTemplate(context('invite', recipients[0]!), stamp);
    // The series and its changed occurrence (the cancelled one is an EXDATE).
    expect(series?.pieces).toHaveLength(3);
    const filled = fillIcsTemplate(series!, recipients[1]!).content;
    const parsed = new ICAL.Component(ICAL.parse(filled) as unknown[]);
    for (const vevent of parsed.getAllSubcomponents('vevent')) {
      const attendees = vevent.getAllProperties('attendee');
      expect(attendees).toHaveLength(1);
      expect(String(attendees[0]?.getFirstValue()).toLowerCase()).toBe(`mailto:${recipients[1]!.email}`);
      expect(attendees[0]?.getParameter('role')).toBe('CHAIR');
      expect(attendees[0]?.getParameter('cn')).toBe(
        `Zoë 'Chair' Ünterberger-Ñandú, Head of Everything; Deputy`,
      );
    }
  });

  it('renders one template per change in composeAll, and every message its own ATTENDEE', async () => {
    const contexts = recipients.map((r) => context('invite', r));
    const messages = await createMessageComposer(settings).composeAll(contexts, stamp);
    const alone = await Promise.all(contexts.map((c) => createMessageComposer(settings).compose(c, stamp)));
    // The same bytes but the random MIME boundaries.
    const unbounded = (raw: string) => raw.replace(/--_vc-[0-9a-f]{16}-/g, '--_vc-boundary-');
    expect(messages.map((m) => unbounded(m.raw))).toEqual(alone.map((m) => unbounded(m.raw)));
    expect(new Set(messages.map((m) => m.messageId)).size).toBe(recipients.length);
  });

  it('restamps a template to the very bytes a rendering at the other stamp gives', () => {
    const later = new Date(stamp.getTime() + 93_784_005);
    for (const kind of ['invite', 'cancel'] as const) {
      for (const c of [
        context(kind, recipients[0]!),
        context(kind, recipients[2]!, { occurrence: changed, exceptions: [] }),
      ]) {
        const template = buildIcsTemplate(c, stamp)!;
        const restamped = restampIcsTemplate(template, icsStamp(stamp), icsStamp(later));
        expect(restamped).toEqual(buildIcsTemplate(c, later));
        expect(restamped.pieces.join('')).not.toContain(icsStamp(stamp));
      }
    }
  });

  it('gives a later pass of the same change the bytes a new composer gives (renderings kept across passes)', async () => {
    const composer = createMessageComposer(settings);
    const unbounded = (raw: string) => raw.replace(/--_vc-[0-9a-f]{16}-/g, '--_vc-boundary-');
    const later = new Date(stamp.getTime() + 61_000);
    for (const at of [stamp, later, later]) {
      const contexts = recipients.map((r) => context('invite', r));
      const kept = await composer.composeAll(contexts, at);
      const fresh = await createMessageComposer(settings).composeAll(contexts, at);
      expect(kept.map((m) => unbounded(m.raw))).toEqual(fresh.map((m) => unbounded(m.raw)));
    }
  });

  it('folds lines exactly as ical-generator does, for any mix of ASCII, umlauts, CJK, emoji and lone surrogates', () => {
    const alphabet = ['a', 'Z', ';', ' ', 'ä', 'ß', 'Ł', '中', '文', '🎉', '👩‍💻', '\ud800', '\udc00', '€'];
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let n = 0; n < 500; n++) {
      const length = Math.floor(random() * 260);
      let line = 'ATTENDEE;CN="';
      for (let i = 0; i < length; i++) line += alphabet[Math.floor(random() * alphabet.length)];
      const text = n % 2 === 0 ? `${line}\r\n` : `${line}\r\nX-SECOND:${line}`;
      expect(foldIcsLines(text)).toBe(foldLines(text));
    }
  });

  it('gives a guest the guest link as LOCATION and URL, and a member the room link', () => {
    for (const recipient of recipients.slice(0, 3)) {
      const ics = buildIcsWhole(context('invite', recipient), stamp)?.content ?? '';
      const expected =
        recipient.kind === 'external'
          ? 'https://meet.example.org/invite/g1'
          : 'https://meet.example.org/rooms/r1';
      const unfolded = ics.replace(/\r?\n[ \t]/g, '');
      expect(unfolded).toContain(`LOCATION:${expected}`);
      expect(unfolded).toMatch(new RegExp(`\\nURL(;VALUE=URI)?:${expected.replace(/[.]/g, '\\.')}`));
    }
  });
});
