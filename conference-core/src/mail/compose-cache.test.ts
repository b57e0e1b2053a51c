import { describe, expect, it } from 'vitest';

import { bodyCacheKey, createMessageComposer } from './compose-message.js';
import type { MailContext, MailRecipient, MailSettings } from './mail-model.js';
import { renderBody } from './render-body.js';

const settings: MailSettings = {
  from: 'vc-hub <noreply@example.org>',
  defaultLanguage: 'en',
  dialInNumber: null,
  productName: 'vc-hub',
};

function context(recipient: Partial<MailRecipient>, overrides: Partial<MailContext> = {}): MailContext {
  return {
    tenantId: '00000000-0000-4000-8000-000000000001',
    kind: 'invite',
    sequence: 1,
    event: {
      id: '6b1f0a59-4c57-4f0e-9d7e-2f0f5a1b7c11',
      title: 'Weekly',
      description: 'Agenda.',
      isTimeIndependent: false,
      isAllDay: false,
      startsAt: new Date('2031-07-07T07:00:00Z'),
      endsAt: new Date('2031-07-07T08:00:00Z'),
      timeZone: 'Europe/Berlin',
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=5'],
      seriesEndsAt: new Date('2031-08-04T08:00:00Z'),
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
      ...recipient,
    },
    joinUrl: 'https://meet.example.org/rooms/r1',
    guestUrl: 'https://meet.example.org/invite/guest-one',
    dialIn: null,
    password: null,
    ...overrides,
  };
}

/** Every base64 part of a message, decoded (text, HTML, calendar, attachment). */
function decodedParts(raw: string): string {
  return [...raw.matchAll(/\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--/g)]
    .map((m) => Buffer.from((m[1] ?? '').replace(/\r\n/g, ''), 'base64').toString('utf8'))
    .join('\n');
}

describe('the body cache of one plan', () => {
  it('renders bodies that do not depend on the address, name or role of the recipient', () => {
    const one = renderBody(context({ email: 'x@example.org', name: 'Xaver', role: 'moderator' }), settings);
    const two = renderBody(context({ email: 'y@example.org', name: 'Yvonne', role: 'guest' }), settings);
    expect(one).toEqual(two);
    expect(bodyCacheKey(context({ name: 'Xaver' }))).toBe(bodyCacheKey(context({ name: 'Yvonne' })));
  });

  it('keys on everything else the body shows: language, recipient kind, zone and the links', () => {
    const key = bodyCacheKey(context({}));
    expect(bodyCacheKey(context({ language: 'de' }))).not.toBe(key);
    expect(bodyCacheKey(context({ kind: 'external' }))).not.toBe(key);
    expect(bodyCacheKey(context({ timeZone: 'America/New_York' }))).not.toBe(key);
    expect(bodyCacheKey(context({}, { guestUrl: 'https://meet.example.org/invite/other' }))).not.toBe(key);
    expect(bodyCacheKey(context({}, { kind: 'update' }))).not.toBe(key);
  });

  it('gives alternating variants of one change (members without, guests with the link) what each alone gets', async () => {
    // As a plan pass builds them: every field but the recipient and the guest link is one object.
    const base = context({});
    const variant = (i: number): MailContext => {
      const guest = i % 3 === 2;
      return {
        ...base,
        guestUrl: guest ? 'https://meet.example.org/invite/guest-one' : null,
        recipient: {
          ...base.recipient,
          kind: guest ? 'external' : i % 3 === 0 ? 'registered' : 'directory',
          email: `person${i}@example.org`,
          name: guest ? null : `Person ${i}`,
          language: i % 2 === 0 ? 'en' : 'de',
        },
      };
    };
    const contexts = Array.from({ length: 12 }, (_, i) => variant(i));
    const composer = createMessageComposer(settings);
    const stamp = new Date('2031-07-01T10:00:00Z');
    const unbounded = (raw: string) => raw.replace(/--_vc-[0-9a-f]{16}-/g, '--_vc-boundary-');
    for (let pass = 0; pass < 2; pass++) {
      const messages = await composer.composeAll(contexts, stamp);
      const alone = await Promise.all(contexts.map((c) => createMessageComposer(settings).compose(c, stamp)));
      expect(messages.map((m) => unbounded(m.raw))).toEqual(alone.map((m) => unbounded(m.raw)));
      messages.forEach((m, i) => {
        expect(decodedParts(m.raw).includes('guest-one'), `message ${i}`).toBe(i % 3 === 2);
        expect(m.bytes.equals(Buffer.from(m.raw, 'utf8'))).toBe(true);
      });
    }
  });

  it("never gives one recipient another's name, address or guest link", async () => {
    const contexts = [
      context({ kind: 'external', email: 'ext1@partner.example', name: null }),
      context(
        { kind: 'external', email: 'ext2@partner.example', name: null },
        {
          guestUrl: 'https://meet.example.org/invite/guest-two',
        },
      ),
      context({ email: 'bob@example.org', name: 'Bob Builder' }),
      context({ email: 'carol@example.org', name: 'Carol Singer' }),
      context({ kind: 'directory', email: 'dave@example.org', name: 'Dave Digger', language: 'de' }),
    ];
    const messages = await createMessageComposer(settings).composeAll(contexts, new Date());
    const texts = messages.map((m) => `${m.raw}\n${decodedParts(m.raw)}`);
    const own: string[][] = [
      ['ext1@partner.example', 'guest-one'],
      ['ext2@partner.example', 'guest-two'],
      ['bob@example.org', 'Bob Builder'],
      ['carol@example.org', 'Carol Singer'],
      ['dave@example.org', 'Dave Digger', 'Teilnehmen'],
    ];
    own.forEach((mine, i) => {
      for (const value of mine) expect(texts[i], `message ${i} has ${value}`).toContain(value);
      own.forEach((theirs, j) => {
        if (j === i) return;
        for (const value of theirs.filter((v) => !own[i]?.includes(v) && v !== 'Teilnehmen')) {
          expect(texts[i], `message ${i} leaks ${value}`).not.toContain(value);
        }
      });
    });
    // Cached bodies are the same as rendered alone.
    const alone = await createMessageComposer(settings).compose(contexts[3] as MailContext, new Date());
    expect(messages[3]?.subject).toBe(alone.subject);
    expect(decodedParts(messages[3]?.raw ?? '').split('\n').length).toBeGreaterThan(10);
  });
});
