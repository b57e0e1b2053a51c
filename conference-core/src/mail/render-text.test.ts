import { describe, expect, it } from 'vitest';

import type { MailContext } from './mail-model.js';
import { renderBody } from './render-body.js';

const context: MailContext = {
  tenantId: '00000000-0000-4000-8000-000000000001',
  kind: 'invite',
  sequence: 1,
  event: {
    id: '6b1f0a59-4c57-4f0e-9d7e-2f0f5a1b7c11',
    title: 'Tom & Jerry <b>',
    description: 'Line one & <i>two</i>\nLine three',
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
    kind: 'external',
    email: 'g@partner.example',
    name: null,
    role: 'guest',
    language: 'en',
    timeZone: 'Europe/Berlin',
  },
  joinUrl: 'https://meet.example.org/rooms/r1',
  guestUrl: 'https://meet.example.org/invite/abc',
  dialIn: { number: '+49 30 555 0100', conferenceId: '1234567890', pin: '424242' },
  password: 'p&ss<1>',
};

describe('the text part of a mail', () => {
  it('shows user text as it is, with no HTML tags or entities, and every detail of the HTML part', () => {
    const body = renderBody(context, {
      from: 'vc-hub <noreply@example.org>',
      defaultLanguage: 'en',
      dialInNumber: null,
      productName: 'vc-hub',
    });
    expect(body.text).toContain('TOM & JERRY <B>');
    expect(body.text).toContain('Line one & <i>two</i>\nLine three');
    expect(body.text).toContain('https://meet.example.org/invite/abc');
    expect(body.text).not.toContain('/rooms/r1');
    expect(body.text).toContain('p&ss<1>');
    expect(body.text).toMatch(/424242/);
    expect(body.text).toContain('1234567890');
    expect(body.text).not.toMatch(/&amp;|&lt;|<p>|<table>/);
    expect(body.html).toContain('Tom &amp; Jerry &lt;b&gt;');
    expect(body.html).toContain('p&amp;ss&lt;1&gt;');
    expect(body.html).not.toContain('<i>two</i>');
  });
});
