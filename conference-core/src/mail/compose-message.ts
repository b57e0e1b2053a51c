import { hash } from 'node:crypto';

import { buffer } from 'node:stream/consumers';

import DKIM from 'nodemailer/lib/dkim/index.js';

import {
  buildIcsTemplate,
  fillIcsTemplate,
  icsStamp,
  icsTemplateKey,
  restampIcsTemplate,
  type IcsTemplate,
} from './ics-builder.js';
import type { MailKind } from './mail-repository.js';
import type { MailContext, MailSettings } from './mail-model.js';
import { singleLine } from './mail-model.js';
import { base64Lines, buildMime } from './mime-message.js';
import { renderBody, type RenderedBody } from './render-body.js';

/** A rendered body with its parts already base64-encoded, as a plan's recipients share it. */
interface EncodedBody {
  readonly body: RenderedBody;
  readonly text64: string;
  readonly html64: string;
}

/** DKIM signing keys (RFC 6376), applied when the message is composed. */
export interface DkimSettings {
  readonly domainName: string;
  readonly keySelector: string;
  readonly privateKey: string;
}

export interface ComposedMessage {
  readonly messageId: string;
  readonly kind: MailKind;
  readonly eventId: string;
  /** Envelope sender and recipient. */
  readonly sender: string;
  readonly recipient: string;
  readonly subject: string;
  /** The whole message, CRLF line ends, 7-bit ASCII. */
  readonly raw: string;
  /**
   * `raw` as the bytes that are recorded and sent: encoded once, here. A pass keeps its messages
   * only as these (off the JavaScript heap, which the collector would otherwise copy a few
   * hundred 7 KiB strings around in while they wait for their record and their send); `raw` is
   * decoded from them when asked for.
   */
  readonly bytes: Buffer;
}

/** A composed message holding its bytes; `raw` reads them back. */
class Composed implements ComposedMessage {
  readonly messageId: string;
  readonly kind: MailKind;
  readonly eventId: string;
  readonly sender: string;
  readonly recipient: string;
  readonly subject: string;
  readonly bytes: Buffer;
  constructor(fields: Omit<ComposedMessage, 'raw'>) {
    this.messageId = fields.messageId;
    this.kind = fields.kind;
    this.eventId = fields.eventId;
    this.sender = fields.sender;
    this.recipient = fields.recipient;
    this.subject = fields.subject;
    this.bytes = fields.bytes;
  }
  get raw(): string {
    return this.bytes.toString('utf8');
  }
}

export interface MessageComposer {
  compose(context: MailContext, stamp: Date): Promise<ComposedMessage>;
  /**
   * The messages of one pass, in order. Recipients who see the same body (language, kind of
   * recipient, time zone) share one rendering of it, and recipients of one change share one
   * calendar template (only the ATTENDEE is filled in per recipient); the composer keeps the most
   * recent renderings for the next passes of the same change.
   */
  composeAll(contexts: readonly MailContext[], stamp: Date): Promise<ComposedMessage[]>;
}

/**
 * What a body depends on: the whole context except who the recipient is. `renderBody` reads the
 * recipient's language, kind and zone only, never the address, name or role (a test holds it to
 * that), so two recipients with the same key get the same bytes.
 */
export function bodyCacheKey(context: MailContext): string {
  return bodyKey(contextKey(context), context);
}

/** The context without its recipient, as text: the base of both cache keys. */
function contextKey(context: MailContext): string {
  return JSON.stringify({ ...context, recipient: undefined });
}

function bodyKey(withoutRecipient: string, context: MailContext): string {
  const { kind, language, timeZone } = context.recipient;
  return `${kind} ${language} ${timeZone} ${withoutRecipient}`;
}

/**
 * True when two contexts differ at most in their recipient, field by field by identity: the
 * recipients of one change share every other field's object, so their keys are the same text and
 * the second need not be written again.
 */
function sameExceptRecipient(a: MailContext, b: MailContext): boolean {
  const keys = Object.keys(a) as (keyof MailContext)[];
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => key === 'recipient' || a[key] === b[key]);
}

/**
 * A small map that forgets its oldest entries: renderings kept from one pass to the next (a big
 * invitation is planned in many passes of the same change).
 */
class Recent<V> {
  private readonly entries = new Map<string, V>();
  private readonly limit: number;
  constructor(limit: number) {
    this.limit = limit;
  }
  get(key: string): V | undefined {
    return this.entries.get(key);
  }
  has(key: string): boolean {
    return this.entries.has(key);
  }
  set(key: string, value: V): void {
    if (this.entries.size >= this.limit && !this.entries.has(key)) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
  }
}

/** Bodies and calendar templates kept by one composer. */
const RECENT_RENDERINGS = 64;
/** Variants of a context (all but the recipient) a pass compares each context with. */
const PASS_VARIANTS = 4;

/** A calendar template with the stamp it was rendered with (its DTSTAMP lines). */
interface StampedTemplate {
  readonly stamp: string;
  readonly template: IcsTemplate | undefined;
}

/** `Name <a@b>` or `a@b` to its parts. */
export function parseAddress(value: string): { name: string; address: string } {
  const match = /^\s*(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(value);
  if (match !== null) return { name: (match[1] ?? '').replace(/^"|"$/g, ''), address: match[2] ?? '' };
  return { name: '', address: value.trim() };
}

/**
 * The Message-ID of a mail: the same (event, revision, recipient, kind) always gives the same id,
 * which is what makes sending idempotent and lets receivers drop a duplicate.
 */
export function messageIdFor(
  eventId: string,
  sequence: number,
  recipient: string,
  kind: MailKind,
  domain: string,
): string {
  // The one-shot form: no Hash object per mail.
  const who = hash('sha256', recipient.trim().toLowerCase(), 'hex').slice(0, 20);
  return `<${eventId}.${sequence}.${kind}.${who}@${domain}>`;
}

/**
 * Builds complete messages with the plain-string MIME writer of `mime-message.ts` (DKIM, when
 * configured, signs exactly the bytes that are stored and later sent): multipart/alternative with text, HTML and the
 * `text/calendar; method=...` part, plus the same object as an `.ics` attachment. Bodies are
 * base64: a third faster to encode than quoted-printable, and every client reads it.
 */
export function createMessageComposer(settings: MailSettings, dkim?: DkimSettings): MessageComposer {
  const from = parseAddress(settings.from);
  const domain = from.address.split('@')[1] ?? 'localhost';
  const signer = dkim === undefined ? undefined : new DKIM({ ...dkim });
  const renderEncoded = (context: MailContext): EncodedBody => {
    const body = renderBody(context, settings);
    return { body, text64: base64Lines(body.text), html64: base64Lines(body.html) };
  };
  // Kept across passes: the body does not depend on the time of sending, and a calendar template
  // only through its DTSTAMP, which `restampIcsTemplate` rewrites (byte-equal to a new rendering).
  const bodies = new Recent<EncodedBody>(RECENT_RENDERINGS);
  // The keys of the kept renderings start with a short id of the context text (about 1 KiB), not
  // the text itself: looked up once per variant and pass, not hashed again for every mail. Ids
  // are never reused, so a forgotten context text only costs a new rendering.
  const baseIds = new Recent<string>(RECENT_RENDERINGS);
  let lastBaseId = 0;
  const baseId = (text: string): string => {
    let id = baseIds.get(text);
    if (id === undefined) {
      id = `#${++lastBaseId}`;
      baseIds.set(text, id);
    }
    return id;
  };
  const calendars = new Recent<StampedTemplate>(RECENT_RENDERINGS);
  // The recipients of one pass share their stamp: its text is written once.
  let lastStamp = { time: Number.NaN, text: '' };
  const stampOnce = (stamp: Date): string => {
    if (stamp.getTime() !== lastStamp.time) lastStamp = { time: stamp.getTime(), text: icsStamp(stamp) };
    return lastStamp.text;
  };
  const calendarFor = (context: MailContext, stamp: Date, base: string): IcsTemplate | undefined => {
    const key = icsTemplateKey(base, context.recipient);
    const stampText = stampOnce(stamp);
    const kept = calendars.get(key);
    if (kept !== undefined && kept.stamp === stampText) return kept.template;
    const template =
      kept === undefined
        ? buildIcsTemplate(context, stamp)
        : kept.template && restampIcsTemplate(kept.template, kept.stamp, stampText);
    calendars.set(key, { stamp: stampText, template });
    return template;
  };
  const compose = async (context: MailContext, stamp: Date, base?: string): Promise<ComposedMessage> => {
    let encoded: EncodedBody | undefined;
    let calendar: IcsTemplate | undefined;
    if (base === undefined) {
      encoded = renderEncoded(context);
      calendar = buildIcsTemplate(context, stamp);
    } else {
      const key = bodyKey(base, context);
      encoded = bodies.get(key);
      if (encoded === undefined) {
        encoded = renderEncoded(context);
        bodies.set(key, encoded);
      }
      calendar = calendarFor(context, stamp, base);
    }
    const { body } = encoded;
    // One template per change (and kind of recipient); only the ATTENDEE is this recipient's.
    const ics = calendar && fillIcsTemplate(calendar, context.recipient);
    const recipient = singleLine(context.recipient.email);
    const organizerName = singleLine(context.organizer.name ?? context.organizer.email);
    const messageId = messageIdFor(context.event.id, context.sequence, recipient, context.kind, domain);
    const fileName = ics?.method === 'CANCEL' ? 'cancel.ics' : 'invite.ics';
    const unsigned = buildMime({
      from: { name: `${organizerName} (${from.name || settings.productName})`, address: from.address },
      sender: { name: from.name || settings.productName, address: from.address },
      to: { name: singleLine(context.recipient.name ?? ''), address: recipient },
      replyTo: { name: organizerName, address: singleLine(context.organizer.email) },
      subject: body.subject,
      messageId,
      date: stamp,
      text64: encoded.text64,
      html64: encoded.html64,
      ...(ics !== undefined && { calendar: { method: ics.method, content: ics.content, fileName } }),
    });
    const bytes = Buffer.from(unsigned, 'utf8');
    return new Composed({
      messageId,
      kind: context.kind,
      eventId: context.event.id,
      sender: from.address,
      recipient,
      subject: body.subject,
      bytes: signer === undefined ? bytes : await buffer(signer.sign(bytes)),
    });
  };
  return {
    compose: (context, stamp) => compose(context, stamp),
    async composeAll(contexts, stamp) {
      const messages: ComposedMessage[] = [];
      // A pass holds a few variants of one change (recipients with an account and guests differ in
      // the guest link, and they alternate): each variant's key is written once per pass.
      const variants: { context: MailContext; base: string }[] = [];
      for (const context of contexts) {
        let variant = variants.find((v) => sameExceptRecipient(v.context, context));
        if (variant === undefined) {
          variant = { context, base: baseId(contextKey(context)) };
          variants.unshift(variant);
          if (variants.length > PASS_VARIANTS) variants.pop();
        }
        messages.push(await compose(context, stamp, variant.base));
      }
      return messages;
    },
  };
}
